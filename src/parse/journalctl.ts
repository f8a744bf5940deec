/** One journal entry. Fields a format does not print are null. */
export interface JournalEntry {
  /** 1-based line of the entry's first line. */
  line: number
  /** As printed (short formats), or ISO 8601 UTC from __REALTIME_TIMESTAMP (json). */
  timestamp: string
  host: string | null
  /** The systemd unit (json), or the syslog identifier the short formats print instead. */
  unit: string | null
  pid: number | null
  /** syslog priority 0 (emerg) .. 7 (debug); only the json format carries it. */
  priority: number | null
  message: string
}

export interface Journal {
  entries: JournalEntry[]
  /** Lines that are neither an entry, a continuation, nor a `-- ... --` marker. */
  unparsed: number
}

// short-iso(-precise): 2026-11-22T03:20:23+0000; short: Nov 22 03:20:12 (journalctl's default).
const TIMESTAMP = String.raw`(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}:?\d{2}|Z)?|[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2})`
const ENTRY = new RegExp(String.raw`^${TIMESTAMP} (\S+) ([^:\[\s]+)(?:\[(\d+)\])?: ?(.*)$`)
const MARKER = /^-- .* --$/

/**
 * Parses `journalctl -o short-iso` (also short-iso-precise, and the default `short` format that
 * sosreports and plain `journalctl -u x` give). Continuation lines of a multi-line message are
 * indented by journalctl and are appended to the entry's message.
 */
export function parseJournalShortIso(text: string): Journal {
  const entries: JournalEntry[] = []
  let unparsed = 0
  const lines = text.split('\n')
  if (lines.at(-1) === '') lines.pop()
  lines.forEach((raw, i) => {
    const m = ENTRY.exec(raw)
    if (m) {
      entries.push({
        line: i + 1,
        timestamp: m[1] ?? '',
        host: m[2] ?? null,
        unit: m[3] ?? null,
        pid: m[4] === undefined ? null : Number(m[4]),
        priority: null,
        message: m[5] ?? '',
      })
      return
    }
    const last = entries.at(-1)
    if (last && /^\s/.test(raw) && raw.trim() !== '') last.message += `\n${raw.trim()}`
    else if (raw.trim() !== '' && !MARKER.test(raw.trim())) unparsed++
  })
  return {entries, unparsed}
}

/** Parses `journalctl -o json` (one JSON object per line). */
export function parseJournalJson(text: string): Journal {
  const entries: JournalEntry[] = []
  let unparsed = 0
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return
    let e: Record<string, unknown>
    try {
      const value: unknown = JSON.parse(raw)
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        throw new Error('not an object')
      e = value as Record<string, unknown>
    } catch {
      unparsed++
      return
    }
    entries.push({
      line: i + 1,
      timestamp: realtime(e.__REALTIME_TIMESTAMP),
      host: field(e._HOSTNAME),
      unit: field(e._SYSTEMD_UNIT) ?? field(e.SYSLOG_IDENTIFIER),
      pid: number(e._PID),
      priority: number(e.PRIORITY),
      message: field(e.MESSAGE) ?? '',
    })
  })
  return {entries, unparsed}
}

function field(value: unknown): string | null {
  if (typeof value === 'string') return value
  // journalctl prints non-UTF-8 or binary fields as an array of byte values.
  if (Array.isArray(value) && value.every((b) => typeof b === 'number'))
    return Buffer.from(value).toString('utf8')
  return null
}

function number(value: unknown): number | null {
  const s = field(value)
  return s !== null && /^\d+$/.test(s) ? Number(s) : null
}

function realtime(value: unknown): string {
  const s = field(value)
  if (s === null || !/^\d+$/.test(s)) return ''
  // Microseconds since the epoch; keep them (Date would round to milliseconds).
  const us = BigInt(s)
  const iso = new Date(Number(us / 1000n)).toISOString()
  return `${iso.slice(0, 19)}.${String(us % 1_000_000n).padStart(6, '0')}Z`
}
