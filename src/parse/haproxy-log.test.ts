import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {parseHaproxyLog} from './haproxy-log.js'

const lab = (path: string): string => readFileSync(new URL(`../../fixtures/lab/${path}`, import.meta.url), 'utf8')

describe('parseHaproxyLog', () => {
  it('sees a backend flapping: each DOWN followed by an UP, with the check that failed', () => {
    const log = parseHaproxyLog(lab('db-haproxy-backend-down/controller-0.log_haproxy.log.txt'))
    const db0 = log.servers.find((s) => s.server === 'db-0')
    expect(db0?.downs).toBeGreaterThanOrEqual(2)
    expect(db0?.ups).toBeGreaterThanOrEqual(1)
    expect(log.transitions.find((t) => t.state === 'DOWN')).toMatchObject({proxy: 'galera', server: 'db-0', reason: 'Layer7 timeout'})
    expect(log.servers.filter((s) => s.server !== 'db-0').every((s) => s.downs === 0)).toBe(true)
    const ages = log.transitions.map((t) => t.secondsBeforeEnd ?? -1)
    expect(ages[0]).toBeGreaterThan(ages.at(-1) ?? 0)
    expect(ages.every((a) => a >= 0)).toBe(true)
  })

  it('keeps the check response of a backend refused for too many connections', () => {
    const log = parseHaproxyLog(lab('db-max-connections/controller-0.log_haproxy.log.txt'))
    expect(log.transitions[0]).toMatchObject({server: 'db-1', state: 'DOWN', reason: 'Layer7 wrong status', info: '#08004Too many connections'})
  })

  it('counts one change when HAProxy printed it both on stderr and in its log', () => {
    const text = [
      '[WARNING]  (22627) : Server galera/db-1 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 2 active and 0 backup servers left.',
      '2026-11-22T06:32:56.218814+00:00 Server galera/db-1 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 2 active and 0 backup servers left.',
      '2026-11-22T06:30:35.195593+00:00 127.0.0.1:38786 [22/Nov/2026:06:30:33.498] galera galera/db-2 1/0/1698 5247 -- 1/1/0/0/0 0/0',
      '2026-11-22T06:30:36.195593+00:00 127.0.0.1:38787 [22/Nov/2026:06:30:34.498] galera galera/db-2 1/0/1698 5247 SD 1/1/0/0/0 0/0',
    ].join('\n')
    const log = parseHaproxyLog(text)
    expect(log.transitions).toHaveLength(1)
    expect(log.transitions[0]?.timestamp).toBe('2026-11-22T06:32:56.218814+00:00')
    expect(log.transitions[0]?.secondsBeforeEnd).toBe(0)
    expect(log.transitions[0]?.epochMs).toBe(Date.UTC(2026, 10, 22, 6, 32, 56, 218))
    expect(log.servers).toEqual([
      expect.objectContaining({server: 'db-1', downs: 1, lastState: 'DOWN', lastInfo: 'Connection refused'}),
      expect.objectContaining({server: 'db-2', sessions: 2, badSessions: 1, downs: 0}),
    ])
  })
})
