import {describe, expect, it} from 'vitest'

import {ParseError} from './parse-error.js'
import {diskRates, parseDiskstats} from './proc-diskstats.js'
import {readFixture} from './test-helpers.js'

function intervalMs(): number {
  const at = (n: number): number =>
    Date.parse(
      readFixture(`host/taken-at.${n}.txt`)
        .trim()
        .replace(/(\.\d{3})\d*Z$/, '$1Z'),
    )
  return at(2) - at(1)
}

describe('parseDiskstats', () => {
  it('reads every device line of the dev machine, loop and zram included', () => {
    const {devices} = parseDiskstats(readFixture('host/diskstats.1.txt'))
    expect(devices.map((d) => d.device)).toContain('loop0')
    // 254 0 vda 93208 19162 4331970 19690 133441 82355 5450824 43884 0 22420 71845 ...
    expect(devices.find((d) => d.device === 'vda')).toEqual({
      device: 'vda',
      major: 254,
      minor: 0,
      reads: 93208,
      readsMerged: 19162,
      sectorsRead: 4331970,
      readMs: 19690,
      writes: 133441,
      writesMerged: 82355,
      sectorsWritten: 5450824,
      writeMs: 43884,
      inFlight: 0,
      ioMs: 22420,
      weightedIoMs: 71845,
    })
  })

  it('returns no devices for empty text and throws ParseError on foreign text', () => {
    expect(parseDiskstats('')).toEqual({devices: []})
    expect(() => parseDiskstats('cat: /proc/diskstats: Permission denied')).toThrow(ParseError)
  })
})

describe('diskRates', () => {
  it('gives vda utilisation, IOPS and await while dd wrote 64 MiB with O_DIRECT, skipping loop and zram', () => {
    const ms = intervalMs()
    expect(ms).toBe(3269)
    const rates = diskRates(
      parseDiskstats(readFixture('host/diskstats.1.txt')),
      parseDiskstats(readFixture('host/diskstats.2.txt')),
      ms,
    )
    // by hand: reads +4, writes +185, read+write ms +343, io ms +188 over 3.269 s
    expect(rates).toEqual([{device: 'vda', utilPct: 5.75, readsPerS: 1.22, writesPerS: 56.59, awaitMs: 1.81}])
  })

  it('gives null await for an idle device and nothing for a zero interval', () => {
    const a = parseDiskstats(readFixture('host/diskstats.2.txt'))
    expect(diskRates(a, a, 1000)).toEqual([
      {device: 'vda', utilPct: 0, readsPerS: 0, writesPerS: 0, awaitMs: null},
    ])
    expect(diskRates(a, a, 0)).toEqual([])
  })
})
