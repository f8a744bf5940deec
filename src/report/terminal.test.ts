/* eslint-disable no-control-regex -- these tests look for terminal escape sequences */
import path from 'node:path'
import {stripVTControlCharacters} from 'node:util'

import chalk from 'chalk'
import {afterEach, beforeAll, describe, expect, it} from 'vitest'

import {loadPlaybookFile} from '../playbook/load.js'
import {runPlaybook} from '../playbook/run-playbook.js'
import type {Diagnosis} from '../reason/diagnosis.js'
import {LAB_NODES, openCaptureReplay} from '../../test/support/capture-replay-source.js'
import {renderTerminal} from './terminal.js'
import {columnWidths, layoutTable} from './terminal-table.js'

/** Columns a terminal gives a line: code points, escapes stripped (the report is ASCII, box drawing and dashes). */
const columns = (line: string): number => [...stripVTControlCharacters(line)].length
const widest = (text: string): number => Math.max(...text.split('\n').map(columns))

/** SGR attributes (colour, bold, italic, underline, inverse) a line leaves switched on. */
function openStylesAtEnd(line: string): string[] {
  const open = new Map<string, string>()
  const family = (code: number): string | undefined =>
    (code >= 30 && code <= 38) || (code >= 90 && code <= 97)
      ? 'fg'
      : (code >= 40 && code <= 48) || (code >= 100 && code <= 107)
        ? 'bg'
        : (
            {1: 'weight', 2: 'weight', 3: 'italic', 4: 'underline', 7: 'inverse', 9: 'strike'} as Record<
              number,
              string
            >
          )[code]
  const closes: Record<number, string[]> = {
    22: ['weight'],
    23: ['italic'],
    24: ['underline'],
    27: ['inverse'],
    29: ['strike'],
    39: ['fg'],
    49: ['bg'],
  }
  for (const m of line.matchAll(/\u001b\[([\d;]*)m/g)) {
    const code = Number((m[1] ?? '').split(';')[0] || 0)
    if (code === 0) open.clear()
    for (const f of closes[code] ?? []) open.delete(f)
    const f = family(code)
    if (f) open.set(f, String(code))
  }
  return [...open.values()]
}

// A real diagnosis: vm-ssh-fail over the lab capture where neutron-openvswitch-agent was stopped on compute-0.
let diagnosis: Diagnosis
beforeAll(async () => {
  const {playbook} = await loadPlaybookFile(path.resolve('playbooks/vm-ssh-fail.yaml'))
  const source = await openCaptureReplay(
    path.resolve('fixtures/golden/vm-ssh-fail/ovs_agent_down'),
    LAB_NODES,
  )
  diagnosis = await runPlaybook(playbook, source, {target: 'vm-healthy-1'})
})

describe('renderTerminal', () => {
  it('keeps every line of a real report within 80 columns, tables included', () => {
    const text = renderTerminal(diagnosis, {color: false, width: 80})
    const tooWide = text.split('\n').filter((l) => columns(l) > 80)
    expect(tooWide).toEqual([])
    // Still the whole report: the answer, the missing command with its UUID unbroken, the phases.
    expect(text).toContain('Most likely: neutron-openvswitch-agent on compute-0')
    expect(text).toContain('openstack floating ip list --long -f json')
    expect(text).toContain('afa33bac-770e-4626-8b94-04c1e712bd3a')
    const at = diagnosis.phases.map((p) => text.indexOf(p.title))
    expect(at.every((i, n) => i > 0 && i > (at[n - 1] ?? 0))).toBe(true)
  })

  it('lays a table out as one block per row when its columns cannot fit 80 columns', () => {
    const text = renderTerminal(diagnosis, {color: false, width: 80})
    expect(text).toMatch(
      /^\* evidence: serverList\n {2}node: api\n {2}command: openstack server list --all-projects --long -f json\n {2}status: ok$/m,
    )
    expect(text).not.toContain('│ serverList')
  })

  it('uses the 120 columns of a wide terminal: boxed tables, wider lines, still none over', () => {
    const text = renderTerminal(diagnosis, {color: false, width: 120})
    expect(widest(text)).toBeGreaterThan(80)
    expect(widest(text)).toBeLessThanOrEqual(120)
    // A boxed row per evidence item; a long command wraps inside its cell.
    expect(text).toMatch(/^│ serverList +│ api +│ openstack server list --all-projects --long( -f)? +│ ok +│$/m)
    expect(text).not.toContain('* evidence: serverList')
  })

  describe('in colour', () => {
    const level = chalk.level
    afterEach(() => {
      chalk.level = level
    })

    it('keeps within 80 columns with the escapes taking no room, and leaves no style open at a line end', () => {
      chalk.level = 1 // marked-terminal styles through this chalk; a test runner's stdout is not a TTY
      const text = renderTerminal(diagnosis, {color: true, width: 80})
      expect(text).toMatch(/\u001b\[\d+m/)
      const lines = text.split('\n')
      expect(lines.filter((l) => columns(l) > 80)).toEqual([])
      // A style still open at a line's end would bleed into the next line's indent (and a pager's next screen).
      expect(lines.filter((l) => openStylesAtEnd(l).length > 0)).toEqual([])
    })

    it('drops every escape sequence when colour is off, even if the terminal library would colour', () => {
      chalk.level = 1
      expect(renderTerminal(diagnosis, {color: false, width: 80})).not.toMatch(/\u001b/)
    })
  })

  it('falls back to 100 columns when stdout is not a terminal', () => {
    const text = renderTerminal(diagnosis, {color: false})
    expect(widest(text)).toBeLessThanOrEqual(100)
    expect(widest(text)).toBeGreaterThan(80)
  })

  it('shows cloud text literally: no emoji for :words: and no HTML entities', () => {
    const hostile: Diagnosis = {
      ...diagnosis,
      suspects: diagnosis.suspects.map((s, i) =>
        i === 0 ? {...s, summary: 'agent said :fire: & <b>stop</b> at 10:00:00'} : s,
      ),
    }
    const text = renderTerminal(hostile, {color: false, width: 80})
    expect(text).toContain('agent said :fire: & <b>stop</b> at 10:00:00')
  })
})

describe('columnWidths', () => {
  const header = ['node', 'command']
  const rows = [['compute-0', 'ovs-ofctl dump-flows br-int']]

  it('keeps natural widths when the table fits', () => {
    expect(columnWidths(header, rows, 80)).toEqual([9, 27])
  })

  it('narrows the wide column first and wraps it when that stays readable', () => {
    const widths = columnWidths(header, rows, 30)
    expect(widths).toEqual([9, 14])
    expect(
      layoutTable(header, rows, 30)
        .split('\n')
        .every((l) => columns(l) <= 30),
    ).toBe(true)
  })

  it('gives up on a table whose column would cut its longest word', () => {
    const uuidRows = [['compute-0', 'openstack port show afa33bac-770e-4626-8b94-04c1e712bd3a']]
    expect(columnWidths(header, uuidRows, 50)).toBeUndefined()
    expect(layoutTable(header, uuidRows, 50)).toBe(
      '* node: compute-0\n  command: openstack port show\n           afa33bac-770e-4626-8b94-04c1e712bd3a',
    )
  })
})
