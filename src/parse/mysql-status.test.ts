import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {parseMysqlStatus} from './mysql-status.js'
import {ParseError} from './parse-error.js'

// Real `mysqladmin extended-status` from the lab's Galera nodes (fixtures/lab/db-*/PROVENANCE.md).
const lab = (path: string): string => readFileSync(new URL(`../../fixtures/lab/${path}`, import.meta.url), 'utf8')

describe('parseMysqlStatus', () => {
  it('reads a partitioned node as non-Primary, alone in its component, while a peer is Primary and Synced', () => {
    const cut = parseMysqlStatus(lab('db-galera-partitioned/db-2.mysqladmin_extended-status.txt'))
    expect(cut).toMatchObject({clusterStatus: 'non-Primary', clusterSize: 1})
    expect(cut.localState).not.toBe('Synced')
    const peer = parseMysqlStatus(lab('db-galera-partitioned/db-0.mysqladmin_extended-status.txt'))
    expect(peer).toMatchObject({clusterStatus: 'Primary', clusterSize: 2, localState: 'Synced', ready: 'ON'})
  })

  it('reads the connections held on a node whose max_connections is full, and the lowered limit', () => {
    const full = parseMysqlStatus(lab('db-max-connections/db-1.mysqladmin_extended-status.txt'))
    const vars = parseMysqlStatus(lab('db-max-connections/db-1.mysql_variables.txt'))
    expect(vars).toMatchObject({maxConnections: 20, bindAddress: '127.0.1.22', nodeAddress: '127.0.1.22'})
    expect(full.threadsConnected).toBeGreaterThanOrEqual(20)
    expect(full.threadsConnected).toBe(full.maxUsedConnections)
    expect(full.values['Uptime']).toMatch(/^\d+$/)
  })

  it('reads the variables of a node bound to 127.0.0.1 (mysql -N -B, tab-separated)', () => {
    expect(parseMysqlStatus(lab('db-wrong-bind-address/db-1.mysql_variables.txt'))).toMatchObject({bindAddress: '127.0.0.1', nodeAddress: '127.0.1.22', maxConnections: 150})
  })

  it('reads the tab-separated form of mysql -B -N', () => {
    expect(parseMysqlStatus('wsrep_cluster_size\t3\nwsrep_cluster_status\tPrimary\n')).toMatchObject({clusterSize: 3, clusterStatus: 'Primary'})
  })

  it('throws ParseError on the message of a server that does not answer', () => {
    const down = "mysqladmin: connect to server at 'localhost' failed\nerror: 'Can't connect to local server through socket '/run/mysqld/mysqld.sock' (2)'"
    expect(() => parseMysqlStatus(down)).toThrow(ParseError)
  })
})
