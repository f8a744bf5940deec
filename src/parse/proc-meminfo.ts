import {ParseError} from './parse-error.js'

/** /proc/meminfo, the fields a triage needs plus every field as read (in kB). */
export interface MemInfo {
  memTotalKb: number
  memFreeKb: number | null
  /** Kernel's estimate of memory available without swapping (absent before Linux 3.14). */
  memAvailableKb: number | null
  swapTotalKb: number | null
  swapFreeKb: number | null
  /** 100 * (total - available) / total; null when MemAvailable is absent. */
  usedPct: number | null
  /** null when there is no swap. */
  swapUsedPct: number | null
  fields: Record<string, number>
}

/** Parses /proc/meminfo. */
export function parseMeminfo(text: string): MemInfo {
  const fields: Record<string, number> = {}
  for (const m of text.matchAll(/^([\w()]+):\s+(\d+)(?: kB)?$/gm)) fields[m[1] ?? ''] = Number(m[2])
  const total = fields.MemTotal
  if (total === undefined)
    throw new ParseError('/proc/meminfo', `no MemTotal in: ${text.trim().slice(0, 120) || '(empty)'}`, null)
  const available = fields.MemAvailable ?? null
  const swapTotal = fields.SwapTotal ?? null
  const swapFree = fields.SwapFree ?? null
  return {
    memTotalKb: total,
    memFreeKb: fields.MemFree ?? null,
    memAvailableKb: available,
    swapTotalKb: swapTotal,
    swapFreeKb: swapFree,
    usedPct: available === null || total === 0 ? null : round((100 * (total - available)) / total),
    swapUsedPct:
      swapTotal === null || swapFree === null || swapTotal === 0
        ? null
        : round((100 * (swapTotal - swapFree)) / swapTotal),
    fields,
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100
}
