import {describe, expect, it} from 'vitest'

import {ParseError} from './parse-error.js'
import {parsePressure} from './proc-pressure.js'
import {readFixture} from './test-helpers.js'

describe('parsePressure', () => {
  it('reads cpu, memory and io pressure of the dev machine', () => {
    for (const kind of ['cpu', 'memory', 'io']) {
      const text = readFixture(`host/pressure-${kind}.2.txt`)
      const some = /^some avg10=([\d.]+) avg60=([\d.]+) avg300=([\d.]+) total=(\d+)$/m.exec(text)
      const p = parsePressure(text)
      expect(p.some).toEqual({
        avg10: Number(some?.[1]),
        avg60: Number(some?.[2]),
        avg300: Number(some?.[3]),
        total: Number(some?.[4]),
      })
      expect(p.full).not.toBeNull()
    }
  })

  it('shows CPU pressure rising while `yes` competed with the builds', () => {
    const before = parsePressure(readFixture('host/pressure-cpu.1.txt'))
    const after = parsePressure(readFixture('host/pressure-cpu.2.txt'))
    expect(after.some.total).toBeGreaterThan(before.some.total)
  })

  it('gives full = null for a cpu file from a kernel before 5.13, and throws on foreign text', () => {
    expect(parsePressure('some avg10=1.00 avg60=2.00 avg300=3.00 total=4\n').full).toBeNull()
    expect(() => parsePressure('')).toThrow(ParseError)
    expect(() => parsePressure('cat: /proc/pressure/cpu: No such file or directory')).toThrow(
      /no "some" line/,
    )
  })
})
