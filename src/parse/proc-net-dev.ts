import {ParseError} from './parse-error.js'

/** One interface's counters from /proc/net/dev. */
export interface NetCounters {
  iface: string
  rxBytes: number
  rxPackets: number
  rxErrors: number
  rxDrops: number
  txBytes: number
  txPackets: number
  txErrors: number
  txDrops: number
}

/** What changed on an interface between two samples; errors and drops are counts, not rates. */
export interface NetRate {
  iface: string
  rxErrors: number
  txErrors: number
  rxDrops: number
  txDrops: number
  rxBytesPerS: number
  txBytesPerS: number
}

/** Parses /proc/net/dev. */
export function parseNetDev(text: string): {interfaces: NetCounters[]} {
  const interfaces: NetCounters[] = []
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':')
    if (colon === -1 || line.includes('|')) continue
    const f = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number)
    if (f.length < 16 || f.some((n) => Number.isNaN(n))) continue
    const n = (i: number): number => f[i] ?? 0
    interfaces.push({
      iface: line.slice(0, colon).trim(),
      rxBytes: n(0),
      rxPackets: n(1),
      rxErrors: n(2),
      rxDrops: n(3),
      txBytes: n(8),
      txPackets: n(9),
      txErrors: n(10),
      txDrops: n(11),
    })
  }
  if (interfaces.length === 0 && text.trim() !== '')
    throw new ParseError('/proc/net/dev', `no interface lines in: ${text.trim().slice(0, 120)}`, 1)
  return {interfaces}
}

/** Per-interface deltas between sample `a` and the later sample `b`, taken `intervalMs` apart. */
export function netRates(
  a: {interfaces: NetCounters[]},
  b: {interfaces: NetCounters[]},
  intervalMs: number,
): NetRate[] {
  if (intervalMs <= 0) return []
  const before = new Map(a.interfaces.map((i) => [i.iface, i]))
  return b.interfaces.flatMap((after) => {
    const prev = before.get(after.iface)
    // A counter that went down means the interface was recreated (e.g. a tap replugged).
    if (!prev || after.rxBytes < prev.rxBytes || after.txBytes < prev.txBytes) return []
    const perS = (d: number): number => Math.round((d * 1000) / intervalMs)
    return [
      {
        iface: after.iface,
        rxErrors: after.rxErrors - prev.rxErrors,
        txErrors: after.txErrors - prev.txErrors,
        rxDrops: after.rxDrops - prev.rxDrops,
        txDrops: after.txDrops - prev.txDrops,
        rxBytesPerS: perS(after.rxBytes - prev.rxBytes),
        txBytesPerS: perS(after.txBytes - prev.txBytes),
      },
    ]
  })
}
