import {describe, expect, it} from 'vitest'

import {ParseError} from './parse-error.js'
import {cpuRates, parseProcStat} from './proc-stat.js'
import {readFixture} from './test-helpers.js'

describe('parseProcStat', () => {
  it('reads the aggregate and per-CPU lines and the process counters', () => {
    const stat = parseProcStat(readFixture('host/stat.1.txt'))
    expect(Object.keys(stat.cpus)).toEqual(['cpu', 'cpu0', 'cpu1'])
    // cpu  94530 0 21113 162322 1429 0 688 185 0 0
    expect(stat.cpus.cpu).toEqual({
      user: 94530,
      nice: 0,
      system: 21113,
      idle: 162322,
      iowait: 1429,
      irq: 0,
      softirq: 688,
      steal: 185,
    })
    expect(stat.btime).toBeGreaterThan(1_700_000_000)
    expect(stat.ctxt).toBeGreaterThan(0)
    expect(stat.procsRunning).toBeGreaterThanOrEqual(1)
    expect(stat.procsBlocked).not.toBeNull()
  })

  it('throws ParseError when there is no cpu line', () => {
    expect(() => parseProcStat('')).toThrow(ParseError)
    expect(() => parseProcStat('intr 1 2 3\n')).toThrow(/no aggregate cpu line/)
  })
})

describe('cpuRates', () => {
  it('computes busy, iowait and steal between two samples taken while `yes` and other builds ran', () => {
    const rates = cpuRates(
      parseProcStat(readFixture('host/stat.1.txt')),
      parseProcStat(readFixture('host/stat.2.txt')),
    )
    // deltas by hand: user 384, system 250, idle 4, softirq 1, steal 12 -> total 651, busy 647
    expect(rates).toEqual({busyPct: 99.39, iowaitPct: 0, stealPct: 1.84, cores: 2})
  })

  it('gives null percentages when no time passed or counters went backwards (reboot)', () => {
    const a = parseProcStat(readFixture('host/stat.2.txt'))
    expect(cpuRates(a, a)).toEqual({busyPct: null, iowaitPct: null, stealPct: null, cores: 2})
    expect(cpuRates(a, parseProcStat(readFixture('host/stat.1.txt'))).busyPct).toBeNull()
  })
})
