import {ParseError} from './parse-error.js'

/** One block device's counters from /proc/diskstats (Documentation/admin-guide/iostats.rst). */
export interface DiskCounters {
  device: string
  major: number
  minor: number
  reads: number
  readsMerged: number
  sectorsRead: number
  readMs: number
  writes: number
  writesMerged: number
  sectorsWritten: number
  writeMs: number
  inFlight: number
  /** Milliseconds the device had I/O in flight: the basis of %util. */
  ioMs: number
  weightedIoMs: number
}

export interface DiskRate {
  device: string
  utilPct: number
  readsPerS: number
  writesPerS: number
  /** Mean time per completed I/O, queueing included; null when none completed. */
  awaitMs: number | null
}

/** Parses /proc/diskstats. */
export function parseDiskstats(text: string): {devices: DiskCounters[]} {
  const devices: DiskCounters[] = []
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/)
    if (f.length < 14 || !/^\d+$/.test(f[0] ?? '')) continue
    const n = (i: number): number => Number(f[i])
    devices.push({
      device: f[2] ?? '',
      major: n(0),
      minor: n(1),
      reads: n(3),
      readsMerged: n(4),
      sectorsRead: n(5),
      readMs: n(6),
      writes: n(7),
      writesMerged: n(8),
      sectorsWritten: n(9),
      writeMs: n(10),
      inFlight: n(11),
      ioMs: n(12),
      weightedIoMs: n(13),
    })
  }
  if (devices.length === 0 && text.trim() !== '')
    throw new ParseError('/proc/diskstats', `no device lines in: ${text.trim().slice(0, 120)}`, 1)
  return {devices}
}

// Loop, RAM and compressed-RAM devices are not disks an operator can do anything about.
const VIRTUAL = /^(loop|ram|zram)\d+$/

/** Per-device rates between sample `a` and the later sample `b`, taken `intervalMs` apart. */
export function diskRates(
  a: {devices: DiskCounters[]},
  b: {devices: DiskCounters[]},
  intervalMs: number,
): DiskRate[] {
  if (intervalMs <= 0) return []
  const before = new Map(a.devices.map((d) => [d.device, d]))
  return b.devices.flatMap((after) => {
    const prev = before.get(after.device)
    if (!prev || VIRTUAL.test(after.device)) return []
    const reads = after.reads - prev.reads
    const writes = after.writes - prev.writes
    if (reads < 0 || writes < 0) return [] // counters reset: the device was re-attached
    const perS = (d: number): number => round((d * 1000) / intervalMs)
    const ios = reads + writes
    return [
      {
        device: after.device,
        utilPct: Math.min(100, round((100 * (after.ioMs - prev.ioMs)) / intervalMs)),
        readsPerS: perS(reads),
        writesPerS: perS(writes),
        awaitMs: ios === 0 ? null : round((after.readMs - prev.readMs + after.writeMs - prev.writeMs) / ios),
      },
    ]
  })
}

function round(n: number): number {
  return Math.round(n * 100) / 100
}
