import {readFileSync} from 'node:fs'
import path from 'node:path'

import {describe, expect, it} from 'vitest'

import {
  describeEnding,
  enoughMatches,
  freshness,
  lineTime,
  linePid,
  logEnd,
  scanComponentLogs,
  STALE_AFTER_MS,
  STALE_FACTOR,
  type ComponentLog,
} from './log-scan.js'
import {parsePage, type SignatureEntry} from './parse-page.js'

/**
 * The log is real: nova-compute on compute-0 of the project lab (fixtures/lab/healthy/PROVENANCE.md), which
 * logged three full MessagingTimeout lines (05:46:09, 05:48:20 twice) while the lab came up and ran cleanly until 05:56:48.
 */
const capture = readFileSync(
  path.resolve(import.meta.dirname, '../../fixtures/lab/healthy/compute-0.log_nova-compute.log.txt'),
  'utf8',
)
const NOVA_COMPUTE_LOG = capture.split('\n').slice(1, -2).join('\n')

function signature(overrides: Record<string, string> = {}): SignatureEntry {
  const fields: Record<string, string> = {
    id: 'rpc-timeout',
    type: 'signature',
    title: 'RPC call timed out',
    component: 'rabbitmq',
    in: '[nova-compute]',
    hint: 'MessagingTimeout',
    pattern: "'MessagingTimeout: Timed out waiting for a reply to message ID [0-9a-f]{32}'",
    level: 'control-plane',
    weight: '0.5',
    fix: 'words',
    ...overrides,
  }
  const text = [
    '---',
    ...Object.entries(fields).map(([k, v]) => `${k}: ${v}`),
    'examples:',
    "  match: [{line: 'x', source: 'y'}]",
    "  near_miss: [{line: 'x', why: 'y'}]",
    '---',
    '',
  ].join('\n')
  const result = parsePage(text, `knowledge/signatures/${fields.id}.md`)
  if (!result.ok || result.page.type !== 'signature')
    throw new Error(result.ok ? 'not a signature' : result.problem.message)
  return result.page
}

function log(
  component: string,
  node = 'compute-0',
  roles: string[] = ['compute'],
  text = NOVA_COMPUTE_LOG,
  ref = 0,
): ComponentLog {
  return {component, node, roles, ref, text}
}

describe('scanComponentLogs', () => {
  it('finds every matching line of a component log, with line numbers in that log', () => {
    const [hit] = scanComponentLogs([signature()], [log('nova-compute')])
    expect(hit?.lines).toHaveLength(3)
    expect(NOVA_COMPUTE_LOG.split('\n')[(hit?.lines[0]?.line ?? 0) - 1]).toContain('MessagingTimeout')
  })

  it('scans only the logs of the components the signature names in `in`, or every log with `any`', () => {
    expect(scanComponentLogs([signature()], [log('neutron-openvswitch-agent')])).toEqual([])
    expect(scanComponentLogs([signature({in: '[any]'})], [log('neutron-openvswitch-agent')])).toHaveLength(1)
  })

  it('counts matches per node, so a signature fires for the node whose log has them', () => {
    const hits = scanComponentLogs(
      [signature()],
      [log('nova-compute', 'compute-0'), log('nova-compute', 'compute-1', ['compute'], 'nothing here', 1)],
    )
    expect(hits.map((h) => h.node)).toEqual(['compute-0'])
  })

  it('needs min_count matching lines, within the window when there is one', () => {
    expect(scanComponentLogs([signature({min_count: '4'})], [log('nova-compute')])).toEqual([])
    expect(
      scanComponentLogs([signature({min_count: '3', window: '5m'})], [log('nova-compute')]),
    ).toHaveLength(1)
    // The three lines span 2 min 11 s: two of them within one minute, not three.
    expect(
      scanComponentLogs([signature({min_count: '2', window: '1m'})], [log('nova-compute')]),
    ).toHaveLength(1)
    expect(scanComponentLogs([signature({min_count: '3', window: '1m'})], [log('nova-compute')])).toEqual([])
  })

  it('skips nodes whose roles the signature does not cover', () => {
    expect(scanComponentLogs([signature({roles: '[controller]'})], [log('nova-compute')])).toEqual([])
    expect(
      scanComponentLogs([signature({roles: '[controller, compute]'})], [log('nova-compute')]),
    ).toHaveLength(1)
  })

  it('marks an error the log has moved on from as past: last seen 8.5 min before the end of the log', () => {
    const [hit] = scanComponentLogs([signature()], [log('nova-compute')])
    expect(hit?.ageMs).toBe(Date.UTC(2026, 10, 22, 5, 56, 48, 368) - Date.UTC(2026, 10, 22, 5, 48, 20, 795))
    expect(freshness(hit?.ageMs)).toBe(STALE_FACTOR)
  })

  it('treats the error as current when it is among the last lines of the log', () => {
    const cut = NOVA_COMPUTE_LOG.split('\n')
    const last = cut.findLastIndex((l) => l.includes('MessagingTimeout'))
    const [hit] = scanComponentLogs(
      [signature()],
      [log('nova-compute', 'compute-0', ['compute'], cut.slice(0, last + 3).join('\n'))],
    )
    expect(freshness(hit?.ageMs)).toBe(1)
  })

  it('runs a case-insensitive signature with flags: i', () => {
    const sig = signature({pattern: "'messagingtimeout: timed out'", flags: 'i'})
    expect(scanComponentLogs([sig], [log('nova-compute')])).toHaveLength(1)
  })
})

describe('lineTime', () => {
  it('reads oslo.log, ISO 8601 and journal short timestamps', () => {
    expect(lineTime('2026-11-22 03:47:56.509 20324 WARNING nova')).toBe(
      Date.UTC(2026, 10, 22, 3, 47, 56, 509),
    )
    expect(lineTime('2026-11-22T05:57:11Z')).toBe(Date.UTC(2026, 10, 22, 5, 57, 11))
    expect(lineTime('Nov 22 02:57:11 compute-1 nova-compute[7824]: WARNING')).toBe(
      Date.UTC(2000, 10, 22, 2, 57, 11),
    )
    expect(lineTime('Traceback (most recent call last):')).toBeUndefined()
  })

  it('does not enforce a window on lines without timestamps', () => {
    expect(enoughMatches(['a', 'b'], 2, '1s')).toBe(true)
  })
})

/** A real lab log from fixtures/lab (each starts with its `$ command` line and ends with `[exit status: N]`). */
function labLog(file: string): string {
  const text = readFileSync(path.resolve(import.meta.dirname, '../../fixtures/lab', file), 'utf8')
  return text.split('\n').slice(1, -2).join('\n')
}

const RECONNECTED =
  "{says: Reconnected to AMQP server, hint: Reconnected to AMQP server on, pattern: 'Reconnected to AMQP server on \\S+ via', examples: [{line: x, source: y}]}"

function amqpForced(extra: Record<string, string> = {}): SignatureEntry {
  return signature({
    id: 'amqp-forced',
    title: 'RabbitMQ forced connections closed',
    hint: 'CONNECTION_FORCED',
    pattern: "'CONNECTION_FORCED - broker forced connection closure'",
    ended_by: RECONNECTED,
    ...extra,
  })
}

describe('a signature that its recovery line ended (ended_by)', () => {
  it('ends the AMQP outage when the same nova-compute process reconnected after its last error, and says when', () => {
    // Healthy lab, compute-0: RabbitMQ restarted at 05:47:14; pid 378 reconnected at 05:47:50 and 05:47:52.
    const [hit] = scanComponentLogs([amqpForced()], [log('nova-compute')])
    expect(hit?.ended?.kind).toBe('recovered')
    expect(describeEnding(hit!, hit!.ended!)).toBe(
      'RabbitMQ forced connections closed on compute-0 from 05:47:14 to 05:47:50, recovered: Reconnected to AMQP server',
    )
  })

  it('keeps it open when the process reconnected only before its last error (rabbitmq-down: 07:19 reconnect, 08:01 outage)', () => {
    const text = labLog('rabbitmq-down/bundle/items/0005.out')
    expect(text).toContain('Reconnected to AMQP server on')
    const [hit] = scanComponentLogs([amqpForced()], [log('nova-compute', 'compute-0', ['compute'], text)])
    expect(hit).toBeDefined()
    expect(hit?.ended).toBeUndefined()
  })

  it('does not let another worker’s reconnect end a process that never reconnected (neutron-server pid 26776)', () => {
    // clock-skew, controller-0: workers 26777/26778/26780 reconnected at 08:05:53-56; 26776 logged
    // "Connection failed ... (retrying in 31.0 seconds)" at 08:05:52 and no reconnect after.
    const text = labLog('clock-skew/controller-0.log_neutron-server.log.txt')
    const kombu = (sameProcess: boolean) =>
      signature({
        id: 'kombu-refused',
        in: '[neutron-server]',
        hint: "'Connection failed: [Errno 111] ECONNREFUSED'",
        pattern: "'Connection failed: \\[Errno 111\\] ECONNREFUSED \\(retrying in'",
        ended_by: RECONNECTED.replace('examples:', `same_process: ${sameProcess}, examples:`),
      })
    const logs = [log('neutron-server', 'controller-0', ['controller'], text)]
    // Not recovered; the log goes on long after 08:05:52, so what is left is a past event with no recovery.
    expect(scanComponentLogs([kombu(true)], logs)[0]?.ended?.kind).toBe('past')
    expect(scanComponentLogs([kombu(false)], logs)[0]?.ended?.kind).toBe('recovered')
  })

  it('leaves a signature without a recovery, restart or repeat period to the age rule: a past event when old', () => {
    const [hit] = scanComponentLogs(
      [
        amqpForced({
          ended_by: '{says: x, hint: never written, pattern: never, examples: [{line: x, source: y}]}',
        }),
      ],
      [log('nova-compute')],
    )
    expect(hit?.ended?.kind).toBe(hit!.ageMs! > STALE_AFTER_MS ? 'past' : undefined)
    const [plain] = scanComponentLogs([signature()], [log('nova-compute')])
    expect(plain?.ended?.kind).toBe(plain!.ageMs! > STALE_AFTER_MS ? 'past' : undefined)
  })

  it('ends undated lines by their order alone, and says no times', () => {
    const undated = NOVA_COMPUTE_LOG.split('\n')
      .filter((l) => l.includes('CONNECTION_FORCED') || l.includes('Reconnected to AMQP'))
      .map((l) => l.replace(/^\S+ \S+ 378 /, ''))
      .join('\n')
    const [hit] = scanComponentLogs([amqpForced()], [log('nova-compute', 'compute-0', ['compute'], undated)])
    expect(hit?.ended).toMatchObject({kind: 'recovered', from: undefined, to: undefined})
    expect(describeEnding(hit!, hit!.ended!)).toBe(
      'RabbitMQ forced connections closed on compute-0, recovered: Reconnected to AMQP server',
    )
  })
})

describe('a periodic error that stopped (repeats_every)', () => {
  // sg-no-egress, compute-0: the resource tracker failed to reach placement every minute 07:33-07:36 (the
  // placement-down fault, restored before this one), then nova-compute logged on until 07:47 without it.
  const text = labLog('sg-no-egress/compute-0.log_nova-compute.log.txt')
  const placement = (every: string) =>
    signature({
      id: 'placement-unreachable',
      title: 'nova-compute cannot reach placement',
      component: 'placement-api',
      hint: 'Unable to establish connection to',
      pattern: "'Unable to establish connection to https?://\\S+/resource_providers'",
      repeats_every: every,
    })

  it('is over when the log went on for more than two periods without it', () => {
    const [hit] = scanComponentLogs([placement('1m')], [log('nova-compute', 'compute-0', ['compute'], text)])
    expect(hit?.ended).toMatchObject({kind: 'silent', periodMs: 60_000})
    expect(describeEnding(hit!, hit!.ended!)).toMatch(
      /^nova-compute cannot reach placement on compute-0 from 07:3\d:\d\d to 07:36:31, then not again for \d+ min/,
    )
  })

  it('is not silent when the silence is shorter than two periods (only past, by age)', () => {
    const [hit] = scanComponentLogs([placement('10m')], [log('nova-compute', 'compute-0', ['compute'], text)])
    expect(hit?.ended?.kind).not.toBe('silent')
  })
})

describe('names_node', () => {
  it('files neutron-server’s clock-skew report under the agent host it names, not under the controller', () => {
    const text = labLog('clock-skew/controller-0.log_neutron-server.log.txt')
    const skew = signature({
      id: 'agent-clock-skew',
      component: 'clock',
      in: '[neutron-server]',
      hint: 'This differs from the current server timestamp',
      pattern: "'This differs from the current server timestamp'",
      names_node: "'Message received from the host: ([\\w.-]+) during'",
    })
    const hits = scanComponentLogs([skew], [log('neutron-server', 'controller-0', ['controller'], text)])
    expect(hits.map((h) => [h.node, h.lines.length])).toEqual([['compute-1', 3]])
  })
})

describe('logEnd', () => {
  const text =
    '2026-11-22 07:33:52.085 11892 WARNING nova.scheduler.client.report Placement API service is not responding.'
  it('takes the moment the log was read as its end when that is later by less than 55 min', () => {
    expect(logEnd(text, '2026-11-22T07:56:52.000Z')).toBe(Date.UTC(2026, 10, 22, 7, 56, 52))
  })

  it('keeps the last line when the read is earlier, much later (a time zone west of UTC), or unknown', () => {
    const last = Date.UTC(2026, 10, 22, 7, 33, 52, 85)
    expect(logEnd(text, '2026-11-22T07:30:00.000Z')).toBe(last)
    expect(logEnd(text, '2026-11-22T12:40:00.000Z')).toBe(last)
    expect(logEnd(text)).toBe(last)
  })

  it('never compares a year-less syslog stamp with a real date', () => {
    expect(logEnd('Nov 22 07:33:52 db-0 haproxy[1]: x', '2026-11-22T07:40:00.000Z')).toBe(
      Date.UTC(2000, 10, 22, 7, 33, 52),
    )
  })
})

describe('linePid', () => {
  it('reads the process of journal, syslog and oslo.log lines, and none from Open vSwitch', () => {
    expect(linePid('Nov 22 05:47:14 compute-0 nova-compute[378]: 2026-11-22 05:47:14.432 378 ERROR x')).toBe(
      '378',
    )
    expect(linePid('2026-11-22 05:47:50.605 378 INFO oslo.messaging._drivers.impl_rabbit [-] x')).toBe('378')
    expect(
      linePid('2026-11-22T05:47:14.123Z|00012|rconn|INFO|br-int<->tcp:127.0.0.1:6633: connected'),
    ).toBeUndefined()
  })
})

describe('a process replaced by a new one (restartOf)', () => {
  // compute-0's OVS agent log from the ovs-agent-down capture: pid 1994 logs its ovsdb-client monitor errors
  // at 05:17:58 as it is stopped, then pid 16695 starts ("Logging enabled!" at 05:18:02).
  const text = labLog('first-captures/ovs-agent-down/compute-0.log_neutron-openvswitch-agent.log.txt')
  const monitor = signature({
    id: 'monitor-error',
    component: 'openvswitch',
    in: '[neutron-openvswitch-agent]',
    hint: 'Error received from [ovsdb-client monitor',
    pattern: "'Error received from \\[ovsdb-client monitor'",
  })
  const agentLog = (t: string) => [log('neutron-openvswitch-agent', 'compute-0', ['compute'], t)]

  it('ends the old process’s troubles at the new process’s startup line', () => {
    const [hit] = scanComponentLogs([monitor], agentLog(text))
    expect(hit?.ended).toMatchObject({kind: 'restarted', to: Date.UTC(2026, 10, 22, 5, 18, 2, 850)})
    expect(describeEnding(hit!, hit!.ended!)).toContain('replaced by a new one (started 05:18:02)')
  })

  it('does not when the old process writes again after the startup line (a sibling worker started)', () => {
    // The real log with one real line of pid 1994 moved after pid 16695's start: the old process lives on.
    const old = text.split('\n').find((l) => / 1994 INFO /.test(l))!
    const [hit] = scanComponentLogs([monitor], agentLog(`${text}\n${old.replace(/^\S+ \S+/, '2026-11-22 05:18:30.000')}`))
    expect(hit?.ended?.kind).not.toBe('restarted')
  })

  it('does not for lines that name no process', () => {
    const undated = text.split('\n').map((l) => l.replace(/^(\S+ \S+) \d+ /, '$1 ')).join('\n')
    const [hit] = scanComponentLogs([monitor], agentLog(undated))
    expect(hit?.ended?.kind).not.toBe('restarted')
  })
})
