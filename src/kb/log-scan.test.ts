import {readFileSync} from 'node:fs'
import path from 'node:path'

import {describe, expect, it} from 'vitest'

import {
  enoughMatches,
  freshness,
  lineTime,
  scanComponentLogs,
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
