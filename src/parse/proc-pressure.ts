import {ParseError} from './parse-error.js'

/** Share of wall time (%) tasks were stalled, averaged over 10 s, 60 s, 300 s; total in microseconds. */
export interface PressureLine {
  avg10: number
  avg60: number
  avg300: number
  total: number
}

/** /proc/pressure/{cpu,memory,io}: `some` = at least one task stalled, `full` = all non-idle tasks. */
export interface Pressure {
  some: PressureLine
  /** Absent for cpu before Linux 5.13. */
  full: PressureLine | null
}

/** Parses one /proc/pressure/* file. */
export function parsePressure(text: string): Pressure {
  const lines: Record<string, PressureLine> = {}
  for (const m of text.matchAll(
    /^(some|full) avg10=([\d.]+) avg60=([\d.]+) avg300=([\d.]+) total=(\d+)$/gm,
  )) {
    lines[m[1] ?? ''] = {avg10: Number(m[2]), avg60: Number(m[3]), avg300: Number(m[4]), total: Number(m[5])}
  }
  if (!lines.some)
    throw new ParseError('/proc/pressure', `no "some" line in: ${text.trim().slice(0, 120) || '(empty)'}`, 1)
  return {some: lines.some, full: lines.full ?? null}
}
