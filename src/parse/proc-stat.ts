import {ParseError} from './parse-error.js'

/** Jiffies a CPU spent in each state since boot (guest time is already inside user/nice). */
export interface CpuTimes {
  user: number
  nice: number
  system: number
  idle: number
  iowait: number
  irq: number
  softirq: number
  steal: number
}

/** /proc/stat: `cpu` is the sum over all CPUs, `cpu0`.. each one. */
export interface ProcStat {
  cpus: Record<string, CpuTimes>
  ctxt: number | null
  /** Boot time, seconds since the epoch. */
  btime: number | null
  procsRunning: number | null
  procsBlocked: number | null
}

/** CPU use between two /proc/stat samples, from the aggregate `cpu` line. */
export interface CpuRates {
  busyPct: number | null
  iowaitPct: number | null
  /** Time the hypervisor ran something else while this guest wanted the CPU. */
  stealPct: number | null
  cores: number
}

/** Parses /proc/stat. */
export function parseProcStat(text: string): ProcStat {
  const stat: ProcStat = {cpus: {}, ctxt: null, btime: null, procsRunning: null, procsBlocked: null}
  for (const line of text.split('\n')) {
    const [key = '', ...rest] = line.trim().split(/\s+/)
    const n = rest.map(Number)
    if (/^cpu\d*$/.test(key)) {
      const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = n
      stat.cpus[key] = {user, nice, system, idle, iowait, irq, softirq, steal}
    } else if (key === 'ctxt') stat.ctxt = n[0] ?? null
    else if (key === 'btime') stat.btime = n[0] ?? null
    else if (key === 'procs_running') stat.procsRunning = n[0] ?? null
    else if (key === 'procs_blocked') stat.procsBlocked = n[0] ?? null
  }
  if (!stat.cpus.cpu)
    throw new ParseError(
      '/proc/stat',
      `no aggregate cpu line in: ${text.trim().slice(0, 120) || '(empty)'}`,
      null,
    )
  return stat
}

/** CPU percentages between sample `a` and the later sample `b`. */
export function cpuRates(a: ProcStat, b: ProcStat): CpuRates {
  const cores = Object.keys(b.cpus).filter((k) => k !== 'cpu').length
  const before = a.cpus.cpu
  const after = b.cpus.cpu
  if (!before || !after) return {busyPct: null, iowaitPct: null, stealPct: null, cores}
  const total = sum(after) - sum(before)
  // No time passed, or the counters went backwards (a reboot between samples).
  if (total <= 0) return {busyPct: null, iowaitPct: null, stealPct: null, cores}
  const pct = (d: number): number => round((100 * d) / total)
  const idle = after.idle - before.idle
  const iowait = after.iowait - before.iowait
  return {
    busyPct: pct(total - idle - iowait),
    iowaitPct: pct(iowait),
    stealPct: pct(after.steal - before.steal),
    cores,
  }
}

function sum(t: CpuTimes): number {
  return t.user + t.nice + t.system + t.idle + t.iowait + t.irq + t.softirq + t.steal
}

function round(n: number): number {
  return Math.round(n * 100) / 100
}
