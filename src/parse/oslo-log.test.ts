import {describe, expect, it} from 'vitest'

import {parseOsloLog} from './oslo-log.js'
import {readFixture} from './test-helpers.js'

// Lab logs are stored raw (no `$ command` wrapper).
const readLog = (path: string): string => readFixture(`reference/${path}`)

describe('parseOsloLog', () => {
  it('keeps the NoValidHost traceback of nova-conductor with the call that logged it, in both traceback forms', () => {
    const {records, unparsed} = parseOsloLog(readLog('compute_down/logs/controller-0.nova-conductor.log.txt'))
    expect(unparsed).toBe(0)
    expect(records.map((r) => [r.line, r.endLine, r.level, r.module])).toEqual([
      [1, 1, 'WARNING', 'oslo_messaging.rpc.client'],
      [2, 2, 'WARNING', 'oslo_messaging.rpc.client'],
      [3, 72, 'ERROR', 'nova.conductor.manager'],
      [73, 95, 'WARNING', 'nova.scheduler.utils'],
      [96, 96, 'WARNING', 'nova.scheduler.utils'],
    ])
    expect(records[4]?.instanceUuid).toMatch(/^b639977c-/)
    const failed = records[2]
    expect(failed).toMatchObject({
      timestamp: '2026-11-22 03:46:37.470',
      pid: 15816,
      requestId: 'req-eaf54096-33a0-4084-abe5-574b9f6fa72e',
      instanceUuid: null,
    })
    expect(failed?.message).toMatch(
      /^Failed to schedule instances: nova.exception_Remote.NoValidHost_Remote: No valid host/,
    )
    // bare continuation lines first, then oslo's repeated-prefix lines with the prefix stripped
    expect(failed?.traceback[0]).toBe('Traceback (most recent call last):')
    expect(failed?.traceback).toContain(
      'nova.exception_Remote.NoValidHost_Remote: No valid host was found. There are not enough hosts available.',
    )
    expect(failed?.traceback).toHaveLength(69)
  })

  it('reads grep -H extracts of nova-compute with instance UUIDs, and `[-]` as no request', () => {
    const {records} = parseOsloLog(readLog('port_binding_failed/nova-compute.log.txt'))
    expect(records).toHaveLength(7)
    expect(records[1]).toMatchObject({
      level: 'ERROR',
      instanceUuid: 'bc1ca55e-e703-4b96-988b-3f2741662ec6',
      line: 2,
      endLine: 55,
    })
    expect(records[1]?.message).toMatch(
      /^Instance failed to spawn: nova.exception.PortBindingFailed: Binding failed for port 8e39d4dd-77b5/,
    )
    // the repeated-prefix traceback lines carry `[instance: ...]` but no request context
    expect(records[1]?.traceback.at(-2)).toMatch(/^nova.exception.PortBindingFailed: Binding failed for port/)
    expect(records[1]?.traceback.at(-1)).toBe('')
    expect(records[5]).toMatchObject({
      requestId: null,
      message: 'Took 0.04 seconds to deallocate network for instance.',
    })
  })

  it('reads grep -n extracts of neutron-server: one record per ML2 bind failure', () => {
    const {records} = parseOsloLog(readLog('port_binding_failed/neutron-server.log.txt'))
    const failures = records.filter((r) => r.module === 'neutron.plugins.ml2.managers')
    expect(failures).toHaveLength(9)
    expect(
      failures.every(
        (r) => r.requestId === 'req-089c4712-ce85-4f89-b747-00ae65777005' && r.traceback.length === 0,
      ),
    ).toBe(true)
  })

  it('counts lines before the first record as unparsed, and returns nothing for empty input', () => {
    expect(parseOsloLog('')).toEqual({records: [], unparsed: 0})
    const log = parseOsloLog(
      "tail: cannot open '/var/log/nova/nova-api.log' for reading: No such file or directory\n",
    )
    expect(log).toEqual({records: [], unparsed: 1})
  })

  it('keeps a record whose traceback was cut off, ending at the last line it has', () => {
    const body = readLog('compute_down/logs/controller-0.nova-conductor.log.txt')
      .split('\n')
      .slice(0, 30)
      .join('\n')
    const {records} = parseOsloLog(body)
    expect(records.map((r) => [r.line, r.endLine])).toEqual([
      [1, 1],
      [2, 2],
      [3, 30],
    ])
  })
})
