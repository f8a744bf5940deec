import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {ensureIndex, KnowledgeIndex} from '../../src/kb/search-index.js'

/**
 * What the on-call engineer pastes into `kb search` at 3 a.m.: a piece of the error message as the log prints
 * it. Each query is copied from a real line (the signature's own examples, lab captures or the public threads
 * they cite) and must bring the signature that explains it to the top, ahead of every component page and guide.
 */
const QUERIES: readonly (readonly [query: string, expected: string])[] = [
  ['MessagingTimeout: Timed out waiting for a reply to message ID', 'oslo-messaging-timeout'],
  [
    'AMQP server on 127.0.0.1:5672 is unreachable: [Errno 111] ECONNREFUSED',
    'amqp-server-unreachable-refused',
  ],
  ['No valid host was found. There are not enough hosts available.', 'nova-no-valid-host'],
  ['Binding failed for port, please check neutron logs for more information', 'nova-port-binding-failed'],
  ['Refusing to bind port to dead agent', 'neutron-refusing-bind-dead-agent'],
  ['Placement API service is not responding', 'placement-not-responding'],
  ['Lost connection to MySQL server during query', 'mysql-lost-connection-2013'],
  ["Can't connect to MySQL server on", 'mysql-cant-connect-2003'],
  ['MySQL server has gone away', 'mysql-server-gone-away-2006'],
  ['1040 Too many connections', 'mysql-too-many-connections-1040'],
  ['WSREP has not yet prepared node for application use', 'galera-wsrep-not-prepared'],
  ['No valid backend was found. No weighed backends available', 'cinder-no-valid-backend'],
  // The whole message as the lab logged it, and the hint alone (which bm25 ranked below the cinder-volume page).
  ['volume service is down. (host: controller-0@fake)', 'cinder-volume-service-down'],
  ['volume service is down', 'cinder-volume-service-down'],
  ['Out of memory: Killed process', 'kernel-oom-killed-process'],
  ['blocked for more than 120 seconds', 'kernel-hung-task'],
  ['nf_conntrack: table full, dropping packet', 'kernel-conntrack-table-full'],
  ['has no server available!', 'haproxy-backend-no-server'],
  // Without the host name: all words must match first, and a guide that mentions compute-0 wins then.
  ['is not mapped to any cell', 'nova-host-not-mapped-to-cell'],
  ["Failed to connect socket to '/var/run/libvirt/libvirt-sock'", 'libvirt-socket-unavailable'],
  ['unix:/var/run/openvswitch/db.sock: database connection failed', 'ovs-db-sock-connection-failed'],
  ['memory resource limit alarm set on node', 'rabbitmq-memory-alarm'],
  ['Deadlock found when trying to get lock', 'mysql-deadlock-1213'],
  ['Unable to validate token', 'keystone-unreachable-from-middleware'],
  ['ovsdbapp.exceptions.TimeoutException', 'ovsdbapp-commands-timeout'],
  ['This differs from the current server timestamp', 'neutron-agent-clock-skew'],
  ['Remounting filesystem read-only', 'kernel-fs-remount-read-only'],
  // Identifiers, as issue 5 asks: an option name and a Galera state.
  ['rpc_response_timeout', 'oslo-messaging-timeout'],
  ['non-Primary', 'galera-non-primary'],
  // The module path in the OVS agent's traceback (ovsdbapp/backend/ovs_idl/transaction.py, fixtures/lab/first-captures/
  // ovs-agent-down): no signature names it; the page that explains what ovs_idl talks to is openvswitch's.
  ['ovs_idl', 'openvswitch'],
  // Short pieces: the signature's whole hint, or most of it, must beat the pages that repeat its words.
  ['MessagingTimeout', 'oslo-messaging-timeout'],
  ['Too many connections', 'mysql-too-many-connections-1040'],
  // neutron-server: "Failed to bind port <uuid> on host compute-1 for vnic_type normal using segments [...]"
  // (fixtures/lab/port-binding-failed); bm25 alone put nova's "Binding failed for port" first.
  ['Failed to bind port', 'neutron-failed-to-bind-port'],
  // ovs-vswitchd: "br-int<->tcp:127.0.0.1:6633: connection failed (Connection refused)"; bm25 alone put the
  // OVN southbound signature first. Its hint in the log's own case beats CONNECTION_FORCED's lower-case twin:
  ['connection failed (Connection refused)', 'ovs-openflow-controller-refused'],
  ['connection_forced', 'rabbitmq-connection-forced-server-side'],
  ['CONNECTION_FORCED', 'amqp-connection-forced-shutdown'],
]

/**
 * Whole log lines pasted as they are, with the pids, timestamps, request and message ids, host and backend
 * names no page holds. Those words are left out (and reported); before, they failed the all-words step and
 * the any-word fallback ranked other pages first for the first three. Each line is copied from the file named.
 */
const PASTED_LINES: readonly (readonly [line: string, expected: string, ignored: readonly string[]])[] = [
  [
    // fixtures/lab/sg-no-egress/controller-0.log_cinder-volume.log.txt
    '2026-11-22 04:59:51.346 1068 ERROR oslo.messaging._drivers.impl_rabbit [-] [8d19c511-308a-4718-bdb9-5878b2e04b8d] AMQP server on 127.0.0.1:5672 is unreachable: [Errno 111] ECONNREFUSED. Trying again in 4 seconds.: ConnectionRefusedError: [Errno 111] ECONNREFUSED',
    'amqp-server-unreachable-refused',
    ['[8d19c511-308a-4718-bdb9-5878b2e04b8d]'],
  ],
  [
    // fixtures/lab/first-captures/ovs-agent-down/controller-0.journalctl_u_neutron-server.txt
    'Nov 22 05:02:19 controller-0 neutron-server[24419]: 2026-11-22 05:02:19.613 24419 ERROR neutron.db.agents_db [None req-ff51ab7a-6e8b-4a51-b1ab-5506615b97a8 - - - - - -] Message received from the host: compute-1 during the registration of Open vSwitch agent has a timestamp: 2026-11-22T05:12:19.605879. This differs from the current server timestamp: 2026-11-22T05:02:19.613619 by 599.99226 seconds, which is more than the threshold agent down time: 20.',
    'neutron-agent-clock-skew',
    [],
  ],
  [
    // fixtures/lab/sg-no-egress/controller-0.log_ovs-vswitchd.log.txt
    '2026-11-22T06:24:15.030Z|00048|rconn|WARN|br-int<->tcp:127.0.0.1:6633: connection failed (Connection refused)',
    'ovs-openflow-controller-refused',
    ['2026-11-22T06:24:15.030Z|00048|rconn|WARN|br-int<->tcp:127.0.0.1:6633:'],
  ],
  [
    // fixtures/lab/db-max-connections/bundle/items/0001.out (placement-api.log)
    "2026-11-22 07:18:01.982 2013 ERROR placement.fault_wrap [None req-787ec33e-d1b3-433b-85b0-6b007b198eae admin admin - - - -] Placement API unexpected error: (pymysql.err.OperationalError) (1040, 'Too many connections')",
    'mysql-too-many-connections-1040',
    ['req-787ec33e-d1b3-433b-85b0-6b007b198eae'],
  ],
  [
    // fixtures/lab/db-max-connections/controller-0.log_haproxy.log.txt: HAProxy's line, about the backend,
    // though it quotes MariaDB's 1040 (whose signature comes second).
    '[WARNING]  (1923) : Server galera/db-1 is DOWN, reason: Layer7 wrong status, code: 1040, info: "#08004Too many connections", check duration: 2ms. 2 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.',
    'haproxy-server-down',
    ['galera/db-1'],
  ],
]

const knowledgeDir = fileURLToPath(new URL('../../knowledge/', import.meta.url))
let scratch: string
let index: KnowledgeIndex

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'kb-search-'))
  const info = await ensureIndex({knowledgeDir, indexFile: path.join(scratch, 'kb.sqlite')})
  index = new KnowledgeIndex(info.file)
})

afterAll(() => {
  index.close()
  rmSync(scratch, {recursive: true, force: true})
})

describe('kb search on real error messages', () => {
  it('covers at least 20 different signatures', () => {
    expect(new Set(QUERIES.map(([, id]) => id)).size).toBeGreaterThanOrEqual(20)
  })

  it.each(QUERIES)('ranks the right entry first for %j', (query, expected) => {
    const hits = index.search([query], {limit: 5})
    expect(hits.map((h) => h.id)[0], `top hits: ${hits.map((h) => h.id).join(', ')}`).toBe(expected)
  })

  it.each(PASTED_LINES)(
    'ranks the right entry first for the whole line %j, leaving out the words no page has',
    (line, expected, ignored) => {
      const {hits, ignored: left} = index.query([line], {limit: 5})
      expect(hits.map((h) => h.id)[0], `top hits: ${hits.map((h) => h.id).join(', ')}`).toBe(expected)
      for (const word of ignored) expect(left).toContain(word)
    },
  )

  it('says which words of the query no page holds, and searches with the rest', () => {
    const {hits, ignored} = index.query(['overcloud-novacompute-3', 'MessagingTimeout'])
    expect(ignored).toEqual(['overcloud-novacompute-3'])
    expect(hits[0]?.id).toBe('oslo-messaging-timeout')
    expect(index.query(['overcloud-novacompute-3'])).toEqual({hits: [], ignored: ['overcloud-novacompute-3']})
  })

  it('answers every query of the table within a keystroke (p95 under 100 ms on the full index)', () => {
    const times: number[] = []
    for (let round = 0; round < 10; round++) {
      for (const [query] of [...QUERIES, ...PASTED_LINES]) {
        const started = performance.now()
        index.query([query])
        times.push(performance.now() - started)
      }
    }
    times.sort((a, b) => a - b)
    const at = (q: number): number => times[Math.floor(q * (times.length - 1))] ?? Number.NaN
    console.log(
      `kb search: ${times.length} queries, median ${at(0.5).toFixed(2)} ms, p95 ${at(0.95).toFixed(2)} ms`,
    )
    expect(at(0.95)).toBeLessThan(100)
  })
})
