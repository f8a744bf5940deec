import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {parseSsListen} from './ss-listen.js'
import {ParseError} from './parse-error.js'

const lab = (path: string): string => readFileSync(new URL(`../../fixtures/lab/${path}`, import.meta.url), 'utf8')

describe('parseSsListen', () => {
  it('finds MariaDB listening on the node address of a healthy Galera node', () => {
    const {sockets} = parseSsListen(lab('db-max-connections/db-1.ss_-Hltn.txt'))
    expect(sockets.filter((s) => s.port === 3306)).toEqual([
      expect.objectContaining({address: '127.0.1.22', port: 3306, loopback: true, wildcard: false}),
    ])
    expect(sockets.length).toBeGreaterThan(3)
  })

  it('reads the header form, IPv6 brackets and wildcards', () => {
    const text = 'State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process\nLISTEN 0 128 [::]:22 [::]:*\nLISTEN 0 80 0.0.0.0:3306 0.0.0.0:*\nLISTEN 0 80 [::1]:3306 [::]:*\n'
    expect(parseSsListen(text).sockets.map((s) => [s.address, s.port, s.loopback, s.wildcard])).toEqual([
      ['::', 22, false, true],
      ['0.0.0.0', 3306, false, true],
      ['::1', 3306, true, false],
    ])
  })

  it('throws ParseError when the output is an error message', () => {
    expect(() => parseSsListen('bash: ss: command not found')).toThrow(ParseError)
  })
})
