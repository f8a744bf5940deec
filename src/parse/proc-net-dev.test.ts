import {describe, expect, it} from 'vitest'

import {ParseError} from './parse-error.js'
import {netRates, parseNetDev} from './proc-net-dev.js'
import {readFixture} from './test-helpers.js'

describe('parseNetDev', () => {
  it('reads every interface of the dev machine, OVS ones included', () => {
    const {interfaces} = parseNetDev(readFixture('host/net-dev.1.txt'))
    expect(interfaces.map((i) => i.iface)).toEqual([
      'lo',
      'ifb0',
      'ifb1',
      'eth0',
      'ovs-netdev',
      'br-int',
      'br-tun',
      'tap8873f514-d6',
    ])
    // lo: 142698756  272824 0 0 0 0 0 0 142698756  272824 0 0 ...
    expect(interfaces[0]).toEqual({
      iface: 'lo',
      rxBytes: 142698756,
      rxPackets: 272824,
      rxErrors: 0,
      rxDrops: 0,
      txBytes: 142698756,
      txPackets: 272824,
      txErrors: 0,
      txDrops: 0,
    })
  })

  it('returns nothing for empty text and throws ParseError on foreign text', () => {
    expect(parseNetDev('')).toEqual({interfaces: []})
    expect(() => parseNetDev('cat: /proc/net/dev: No such file or directory')).toThrow(ParseError)
  })
})

describe('netRates', () => {
  it('gives byte rates and error/drop deltas between the two samples', () => {
    const rates = netRates(
      parseNetDev(readFixture('host/net-dev.1.txt')),
      parseNetDev(readFixture('host/net-dev.2.txt')),
      3269,
    )
    // lo: +1476113 bytes each way in 3.269 s (taken-at files)
    expect(rates.find((r) => r.iface === 'lo')).toEqual({
      iface: 'lo',
      rxErrors: 0,
      txErrors: 0,
      rxDrops: 0,
      txDrops: 0,
      rxBytesPerS: 451549,
      txBytesPerS: 451549,
    })
    // tap8873f514-d6 (another engineer's test port) was deleted between the samples: no rate for it
    expect(rates.map((r) => r.iface)).not.toContain('tap8873f514-d6')
    expect(rates).toHaveLength(7)
  })

  it('counts new drops as a delta and skips an interface whose counters were reset', () => {
    const a = parseNetDev(readFixture('host/net-dev.1.txt'))
    const b = structuredClone(a)
    const eth0 = b.interfaces.find((i) => i.iface === 'eth0')
    const lo = b.interfaces.find((i) => i.iface === 'lo')
    if (!eth0 || !lo) throw new Error('fixture changed')
    eth0.rxDrops += 5
    lo.rxBytes = 0
    const rates = netRates(a, b, 1000)
    expect(rates.find((r) => r.iface === 'eth0')?.rxDrops).toBe(5)
    expect(rates.find((r) => r.iface === 'lo')).toBeUndefined()
  })
})
