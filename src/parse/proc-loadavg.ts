import {ParseError} from './parse-error.js'

/** /proc/loadavg. */
export interface LoadAvg {
  load1: number
  load5: number
  load15: number
  /** Runnable scheduling entities right now. */
  running: number
  /** Scheduling entities (threads) that exist. */
  total: number
}

/** Parses /proc/loadavg (`0.91 0.41 0.21 4/98 15482`). */
export function parseLoadavg(text: string): LoadAvg {
  const m = /^\s*(\d+\.\d+) (\d+\.\d+) (\d+\.\d+) (\d+)\/(\d+)/.exec(text)
  if (!m)
    throw new ParseError('/proc/loadavg', `unexpected content: ${text.trim().slice(0, 120) || '(empty)'}`, 1)
  return {
    load1: Number(m[1]),
    load5: Number(m[2]),
    load15: Number(m[3]),
    running: Number(m[4]),
    total: Number(m[5]),
  }
}
