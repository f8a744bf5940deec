import {describe, expect, it} from 'vitest'

import {ParseError} from './parse-error.js'
import {parseMeminfo} from './proc-meminfo.js'
import {readFixture} from './test-helpers.js'

describe('parseMeminfo', () => {
  it('reads the dev machine, which has no swap', () => {
    const text = readFixture('host/meminfo.2.txt')
    const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1])
    const mem = parseMeminfo(text)
    expect(mem).toMatchObject({
      memTotalKb: kb('MemTotal'),
      memAvailableKb: kb('MemAvailable'),
      memFreeKb: kb('MemFree'),
      swapTotalKb: 0,
      swapFreeKb: 0,
      swapUsedPct: null,
    })
    expect(mem.usedPct).toBeCloseTo((100 * (kb('MemTotal') - kb('MemAvailable'))) / kb('MemTotal'), 2)
    expect(mem.fields['Active(anon)']).toBe(kb('Active\\(anon\\)'))
  })

  it('computes swap use and tolerates a kernel without MemAvailable', () => {
    const mem = parseMeminfo(
      'MemTotal:        1000 kB\nMemFree:          100 kB\nSwapTotal:        200 kB\nSwapFree:          50 kB\n',
    )
    expect(mem).toMatchObject({memAvailableKb: null, usedPct: null, swapUsedPct: 75})
  })

  it('throws ParseError without MemTotal', () => {
    expect(() => parseMeminfo('')).toThrow(ParseError)
    expect(() => parseMeminfo('Permission denied')).toThrow(/no MemTotal/)
  })
})
