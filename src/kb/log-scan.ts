import type {SignatureEntry} from './parse-page.js'
import {compileScanner, type CompiledScanner} from '../playbook/signature-scan.js'

/** One gathered log, as the knowledge-base scan sees it: whose log it is, from which node, and its text. */
export interface ComponentLog {
  /** The component id the gather names with `log_of`. */
  readonly component: string
  readonly node: string
  /** Roles of that node, for signatures limited to some roles. */
  readonly roles: readonly string[]
  /** The evidence-store index of this text, so a match can be cited. */
  readonly ref: number
  readonly text: string
}

export interface SignatureHit {
  readonly signature: SignatureEntry
  readonly node: string
  /** Every matching line on that node (across its logs), in order. */
  readonly lines: readonly {readonly ref: number; readonly line: number; readonly text: string}[]
  /**
   * How long before the end of its log the last matching line was written (by the lines' own timestamps);
   * undefined when the lines carry none. A log that went on for a while without the error suggests it stopped.
   */
  readonly ageMs: number | undefined
}

/** A signature whose last match is older than this, measured from the end of its log, is a past event. */
export const STALE_AFTER_MS = 5 * 60_000
/** How much a past event counts, relative to one still happening. */
export const STALE_FACTOR = 0.3

/** 1 for a match that is still happening (or undated), STALE_FACTOR for one the log has moved on from. */
export function freshness(ageMs: number | undefined): number {
  return ageMs === undefined || ageMs <= STALE_AFTER_MS ? 1 : STALE_FACTOR
}

/**
 * Scan component logs with the knowledge-base signatures whose `in` names that component (or `any`). Each
 * log is scanned once, with one combined prefilter of the hints of the signatures that apply to it, then
 * their regexes. A signature fires on a node when it has at least `min_count` matching lines there (within
 * `window`, by the lines' own timestamps, when it has one). Pure.
 */
export function scanComponentLogs(
  signatures: readonly SignatureEntry[],
  logs: readonly ComponentLog[],
): SignatureHit[] {
  const scanners = new Map<string, {scanner: CompiledScanner; sigs: SignatureEntry[]}>()
  const found = new Map<
    string,
    {signature: SignatureEntry; node: string; lines: {ref: number; line: number; text: string}[]}
  >()
  const endOf = new Map<number, number | undefined>()
  for (const log of logs) {
    const applicable = signatures.filter(
      (s) =>
        (s.meta.in.includes(log.component as never) || s.meta.in.includes('any')) && rolesAllow(s, log.roles),
    )
    if (applicable.length === 0) continue
    const key = applicable.map((s) => s.meta.id).join('\0')
    let entry = scanners.get(key)
    if (!entry) {
      entry = {
        scanner: compileScanner(
          applicable.map((s) => ({
            id: s.meta.id,
            hint: s.meta.hint,
            pattern: s.meta.pattern,
            flags: s.meta.flags,
          })),
        ),
        sigs: applicable,
      }
      scanners.set(key, entry)
    }
    const matchesById = entry.scanner.scan(log.text)
    if (matchesById.size > 0) endOf.set(log.ref, lastTime(log.text))
    for (const [id, matches] of matchesById) {
      const signature = entry.sigs.find((s) => s.meta.id === id)
      if (!signature) continue
      const k = `${id}\0${log.node}`
      const hit = found.get(k) ?? {signature, node: log.node, lines: []}
      hit.lines.push(...matches.map((m) => ({ref: log.ref, line: m.line, text: m.text})))
      found.set(k, hit)
    }
  }
  return [...found.values()]
    .filter((hit) =>
      enoughMatches(
        hit.lines.map((l) => l.text),
        hit.signature.meta.min_count,
        hit.signature.meta.window,
      ),
    )
    .map((hit) => ({...hit, ageMs: ageOf(hit.lines, endOf)}))
}

/** How long before the end of `logText` the last dated line of `matches` was written; undefined when undated. */
export function matchAgeMs(matches: readonly {text: string}[], logText: string): number | undefined {
  const end = lastTime(logText)
  const last = matches
    .map((m) => lineTime(m.text))
    .filter((t): t is number => t !== undefined)
    .at(-1)
  return end === undefined || last === undefined ? undefined : Math.max(0, end - last)
}

/** The smallest gap, over the logs that matched, between the last matching line and the end of that log. */
function ageOf(
  lines: readonly {ref: number; text: string}[],
  endOf: ReadonlyMap<number, number | undefined>,
): number | undefined {
  let best: number | undefined
  for (const ref of new Set(lines.map((l) => l.ref))) {
    const end = endOf.get(ref)
    const last = lines
      .filter((l) => l.ref === ref)
      .map((l) => lineTime(l.text))
      .filter((t): t is number => t !== undefined)
      .at(-1)
    if (end === undefined || last === undefined) return undefined
    const age = Math.max(0, end - last)
    best = best === undefined ? age : Math.min(best, age)
  }
  return best
}

/** The timestamp of the last dated line of a log (searching back from the end). */
function lastTime(text: string): number | undefined {
  let end = text.length
  for (let seen = 0; end > 0 && seen < 200; seen++) {
    const start = text.lastIndexOf('\n', end - 1) + 1
    const t = lineTime(text.slice(start, end))
    if (t !== undefined) return t
    end = start - 1
  }
  return undefined
}

function rolesAllow(signature: SignatureEntry, roles: readonly string[]): boolean {
  const wanted = signature.meta.roles
  return !wanted || wanted.length === 0 || wanted.some((r) => roles.includes(r))
}

/** min_count lines, and when a window is set, min_count of them within that span (lines without a timestamp count as undated: the window is then not enforced). */
export function enoughMatches(
  lines: readonly string[],
  minCount: number,
  window: string | undefined,
): boolean {
  if (lines.length < minCount) return false
  if (!window || minCount <= 1) return true
  const span = windowMs(window)
  const times = lines
    .map(lineTime)
    .filter((t): t is number => t !== undefined)
    .sort((a, b) => a - b)
  if (times.length < lines.length) return true
  for (let i = 0; i + minCount - 1 < times.length; i++) {
    if (times[i + minCount - 1]! - times[i]! <= span) return true
  }
  return false
}

export function windowMs(window: string): number {
  const m = /^(\d+)(s|m|h|d)$/.exec(window)
  if (!m) return Number.POSITIVE_INFINITY
  const unit = {s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000}[m[2] as 's' | 'm' | 'h' | 'd']
  return Number(m[1]) * unit
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/**
 * The time a log line was written, from its own timestamp: oslo.log (`2026-11-22 03:47:56.509`), ISO 8601,
 * or syslog/journal short form (`Nov 22 02:57:11`, year unknown: only differences matter here).
 */
export function lineTime(line: string): number | undefined {
  const iso = /(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,6}))?/.exec(line.slice(0, 80))
  if (iso) {
    const [, y, mo, d, h, mi, s, frac] = iso
    return Date.UTC(
      Number(y),
      Number(mo) - 1,
      Number(d),
      Number(h),
      Number(mi),
      Number(s),
      Number((frac ?? '0').padEnd(3, '0').slice(0, 3)),
    )
  }
  const sys = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})/.exec(line)
  if (sys) {
    const month = MONTHS.indexOf(sys[1] ?? '')
    if (month < 0) return undefined
    return Date.UTC(2000, month, Number(sys[2]), Number(sys[3]), Number(sys[4]), Number(sys[5]))
  }
  return undefined
}
