import path from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {loadBuiltinPlaybook} from '../../src/app/playbook-catalog.js'
import type {NodeRef} from '../../src/model/node.js'
import type {LoadedPlaybook} from '../../src/playbook/load.js'
import {runPlaybook} from '../../src/playbook/run-playbook.js'
import {openCaptureReplay} from '../support/capture-replay-source.js'

/**
 * Golden tests: each fixture is real output captured from the lab's Galera topology (test/lab/galera/,
 * fixtures/lab/db-* with PROVENANCE.md), replayed as the evidence source. The expected top suspect is the
 * fault that was really injected there.
 */
const FIXTURES = path.resolve('fixtures/lab')
const SERVICE = 'placement-galera'

/** The lab with its Galera topology: HAProxy runs on controller-0, the cluster on db-0/1/2. */
const GALERA_LAB: readonly NodeRef[] = [
  {name: 'controller-0', roles: ['controller', 'network', 'loadbalancer']},
  {name: 'compute-0', roles: ['compute']},
  {name: 'compute-1', roles: ['compute']},
  {name: 'db-0', roles: ['database']},
  {name: 'db-1', roles: ['database']},
  {name: 'db-2', roles: ['database']},
]

let loaded: LoadedPlaybook
beforeAll(async () => {
  loaded = await loadBuiltinPlaybook('db-conn-error')
})

async function diagnoseCapture(capture: string, target: string | null = SERVICE) {
  const source = await openCaptureReplay(path.join(FIXTURES, capture), GALERA_LAB)
  return runPlaybook(loaded.playbook, source, {target})
}

describe('db-conn-error on real lab captures', () => {
  it('names MariaDB on db-2 when db-2 was cut from its peers and fell out of the Primary component', async () => {
    const d = await diagnoseCapture('db-galera-partitioned')
    expect(d.suspects[0]).toMatchObject({component: 'mariadb', node: 'db-2'})
    expect(d.suspects[0]?.checks).toContain('galera-node-non-primary')
    expect(d.suspects[0]?.evidence.map((e) => e.source)).toContain('mysqladmin extended-status')
    expect(d.scope?.level).toBe('host')
  })

  it('names MariaDB on db-1 when its max_connections was full, not the HAProxy check that dropped it', async () => {
    const d = await diagnoseCapture('db-max-connections')
    expect(d.suspects[0]).toMatchObject({component: 'mariadb', node: 'db-1'})
    expect(d.suspects[0]?.checks).toContain('max-connections-exhausted')
    expect(d.suspects.map((s) => s.component)).not.toContain('haproxy')
  })

  it('names HAProxy and the backend db-0 when HAProxy lost its path to a healthy db-0 again and again', async () => {
    const d = await diagnoseCapture('db-haproxy-backend-down')
    expect(d.suspects[0]).toMatchObject({component: 'haproxy', node: 'db-0'})
    expect(d.suspects[0]?.summary).toMatch(/took backend galera\/db-0 out [2-9]/)
  })

  it('names MariaDB on db-1 when it was restarted bound to 127.0.0.1', async () => {
    const d = await diagnoseCapture('db-wrong-bind-address')
    expect(d.suspects[0]).toMatchObject({component: 'mariadb', node: 'db-1'})
    expect(d.suspects[0]?.checks).toContain('db-bound-to-loopback')
    expect(d.suspects[0]?.summary).toContain('127.0.0.1:3306')
  })

  it('finds no host-level suspect on the healthy cluster and rules the Galera causes out', async () => {
    const d = await diagnoseCapture('db-healthy')
    expect(d.suspects.filter((s) => s.level === 'host')).toEqual([])
    expect(d.ruledOut.map((r) => r.check)).toEqual(
      expect.arrayContaining(['galera-node-non-primary', 'max-connections-exhausted', 'db-bound-to-loopback', 'haproxy-backend-flapping']),
    )
  })

  it('reads the default service logs when no service is named, and reports the ones it could not read as missing', async () => {
    const d = await diagnoseCapture('db-galera-partitioned', null)
    expect(d.suspects[0]).toMatchObject({component: 'mariadb', node: 'db-2'})
    expect(d.missing.map((m) => m.command)).toContain('tail -n 400 /var/log/nova/nova-conductor.log')
  })
})
