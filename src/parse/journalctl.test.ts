import {describe, expect, it} from 'vitest'

import {parseJournalJson, parseJournalShortIso} from './journalctl.js'
import {readCapture, readFixture} from './test-helpers.js'

/** fixtures/host/journal/ files carry the same `$ command` / `[exit status]` wrapper. */
function hostCapture(name: string): string {
  return readFixture(`host/journal/${name}`).split('\n').slice(1, -2).join('\n')
}

describe('parseJournalShortIso', () => {
  it("reads short-iso as journalctl 252 prints the lab's nova-scheduler entries", () => {
    const {entries, unparsed} = parseJournalShortIso(hostCapture('nova-scheduler.short-iso.txt'))
    expect(unparsed).toBe(0)
    expect(entries).toHaveLength(3)
    expect(entries[0]).toEqual({
      line: 1,
      timestamp: '2026-11-22T03:20:23+0000',
      host: 'controller-0',
      unit: 'nova-scheduler',
      pid: 28825,
      priority: null,
      message:
        'ERROR oslo_db.sqlalchemy.engines (Background on this error at: https://sqlalche.me/e/14/e3q8)',
    })
    expect(entries[2]?.message).toMatch(
      /^WARNING nova.scheduler.client.report \[None req-a1019997.*Placement API service is not responding/,
    )
  })

  it('keeps microseconds of short-iso-precise as written', () => {
    const {entries} = parseJournalShortIso(hostCapture('nova-scheduler.short-iso-precise.txt'))
    expect(entries[0]?.timestamp).toBe('2026-11-22T03:20:23.617000+0000')
  })

  it('reads the default short format of the lab and joins indented continuation lines', () => {
    const {entries, unparsed} = parseJournalShortIso(
      readCapture('journal/ssh_compute-1_journalctl_u_nova-compute_since.txt').body,
    )
    expect(unparsed).toBe(0)
    expect(entries[0]).toMatchObject({
      timestamp: 'Nov 22 02:54:32',
      host: 'compute-1',
      unit: 'nova-compute',
      pid: 3116,
    })
    const deprecated = entries.find((e) => e.message.includes('Option "auth_strategy"'))
    expect(deprecated?.message.split('\n')).toHaveLength(5)
    expect(deprecated?.message.split('\n')[1]).toBe(
      'The only non-default choice, ``noauth2``, is for internal development and',
    )
  })

  it('reads an err-priority extract of nova-compute tracebacks, one entry per journal line', () => {
    const {entries} = parseJournalShortIso(
      readCapture('journal/journalctl_dir_compute-0_nova-compute_err.txt').body,
    )
    expect(entries.length).toBeGreaterThan(10)
    expect(entries.every((e) => e.unit === 'nova-compute' && e.pid === 7816)).toBe(true)
    expect(entries.some((e) => e.message.includes('DBConnectionError'))).toBe(true)
  })

  it('skips "-- No entries --" and counts foreign lines as unparsed', () => {
    expect(parseJournalShortIso('-- No entries --\n')).toEqual({entries: [], unparsed: 0})
    expect(parseJournalShortIso('')).toEqual({entries: [], unparsed: 0})
    expect(parseJournalShortIso("Failed to add match '-u': Invalid argument\n").unparsed).toBe(1)
  })
})

describe('parseJournalJson', () => {
  it('reads `journalctl -o json` from the lab with unit, pid and priority', () => {
    const {entries, unparsed} = parseJournalJson(
      readCapture('journal/ssh_controller-0_journalctl_u_nova-scheduler_json.txt').body,
    )
    expect(unparsed).toBe(0)
    expect(entries).toHaveLength(3)
    expect(entries[0]).toEqual({
      line: 1,
      timestamp: '2026-11-22T03:20:23.617000Z',
      host: 'controller-0',
      unit: 'nova-scheduler.service',
      pid: 28825,
      priority: 3,
      message:
        'ERROR oslo_db.sqlalchemy.engines (Background on this error at: https://sqlalche.me/e/14/e3q8)',
    })
    expect(entries[2]?.priority).toBe(4)
  })

  it('agrees with short-iso on time and message for the same entries', () => {
    const json = parseJournalJson(
      readCapture('journal/ssh_controller-0_journalctl_u_nova-scheduler_json.txt').body,
    ).entries
    const short = parseJournalShortIso(hostCapture('nova-scheduler.short-iso-precise.txt')).entries
    expect(json.map((e) => e.message)).toEqual(short.map((e) => e.message))
    expect(json.map((e) => e.timestamp.slice(0, 26))).toEqual(short.map((e) => e.timestamp.slice(0, 26)))
  })

  it('decodes byte-array messages and counts a truncated last line as unparsed', () => {
    const body = readCapture('journal/ssh_controller-0_journalctl_u_nova-scheduler_json.txt').body
    const cut = body.slice(0, body.lastIndexOf('"MESSAGE"'))
    expect(parseJournalJson(cut)).toMatchObject({unparsed: 1})
    expect(parseJournalJson('{"MESSAGE":[104,105],"PRIORITY":"6"}').entries[0]).toMatchObject({
      message: 'hi',
      priority: 6,
      host: null,
      timestamp: '',
    })
  })
})
