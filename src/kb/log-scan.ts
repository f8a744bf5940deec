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
  /** ISO time the log was read (Gathered.capturedAt), when known: a log silent since then has moved on too. */
  readonly readAt?: string
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
  /** Set when every log the signature matched in shows the trouble ended (see `endingOf`). */
  readonly ended?: Ending
}

/**
 * How a log shows a trouble ended: the service wrote its recovery line after the last match (`recovered`), or a
 * periodic error stopped coming back while the log went on (`silent`). Times are the lines' own, when dated.
 */
export type Ending =
  | {
      readonly kind: 'recovered'
      readonly from: number | undefined
      readonly to: number | undefined
      readonly says: string
      /** The recovery line that ended it last (the latest, over processes and logs). */
      readonly line: {readonly ref: number; readonly line: number; readonly text: string}
    }
  | {
      /** The process that wrote the matches was replaced: a new one logged its startup line, the old one fell silent. */
      readonly kind: 'restarted'
      readonly from: number | undefined
      readonly to: number | undefined
      /** The startup line of the new process (the latest, over processes and logs). */
      readonly line: {readonly ref: number; readonly line: number; readonly text: string}
    }
  | {
      /** No recovery seen, but the log went on for more than STALE_AFTER_MS without the error: a past event. */
      readonly kind: 'past'
      readonly from: number | undefined
      readonly to: number
      readonly quietMs: number
    }
  | {
      readonly kind: 'silent'
      readonly from: number | undefined
      /** The last matching line. */
      readonly to: number
      /** How long the log went on after it. */
      readonly quietMs: number
      readonly periodMs: number
    }

/** A signature whose last match is older than this, measured from the end of its log, is a past event. */
export const STALE_AFTER_MS = 5 * 60_000
/** How much a past event counts, relative to one still happening (playbook-local signatures; the KB's leave the ranking). */
export const STALE_FACTOR = 0.3

/** 1 for a match that is still happening (or undated), STALE_FACTOR for one the log has moved on from. */
export function freshness(ageMs: number | undefined): number {
  return ageMs === undefined || ageMs <= STALE_AFTER_MS ? 1 : STALE_FACTOR
}

/**
 * The line an OpenStack service writes when a new process of it starts: nova's and cinder's service
 * framework, neutron's config loader (every neutron process), the OVS agent's main loop. A new process ends
 * the troubles of the one it replaced (its connections, its queues, its stuck calls are gone with it).
 */
export const STARTUP_LINE =
  /(?:nova|cinder)\.service \[-\] Starting \S+ node \(version|neutron\.common\.config \[-\] Logging enabled!|Agent initialized successfully, now running/

/**
 * Scan component logs with the knowledge-base signatures whose `in` names that component (or `any`). Each
 * log is scanned once, with one combined prefilter of the hints of the signatures that apply to it, then
 * their regexes. A signature fires on a node when it has at least `min_count` matching lines there (within
 * `window`, by the lines' own timestamps, when it has one). Pure.
 */
export function scanComponentLogs(
  signatures: readonly SignatureEntry[],
  logs: readonly ComponentLog[],
  /** Whether a matching line belongs to this run's story (e.g. names none of another request); default all. */
  belongs: (signature: SignatureEntry, ref: number, line: number) => boolean = () => true,
): SignatureHit[] {
  const scanners = new Map<string, {scanner: CompiledScanner; sigs: SignatureEntry[]}>()
  const found = new Map<
    string,
    {signature: SignatureEntry; node: string; lines: {ref: number; line: number; text: string}[]}
  >()
  const endOf = new Map<number, number | undefined>()
  const texts = new Map<number, string>()
  const logOf = (ref: number): LogText | undefined => {
    const text = texts.get(ref)
    return text === undefined ? undefined : {text, end: endOf.get(ref)}
  }
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
    if (matchesById.size > 0) {
      endOf.set(log.ref, logEnd(log.text, log.readAt))
      texts.set(log.ref, log.text)
    }
    for (const [id, matches] of matchesById) {
      const signature = entry.sigs.find((s) => s.meta.id === id)
      if (!signature) continue
      for (const m of matches) {
        if (!belongs(signature, log.ref, m.line)) continue
        const node = nodeNamed(signature, m.text) ?? log.node
        const k = `${id}\0${node}`
        const hit = found.get(k) ?? {signature, node, lines: []}
        hit.lines.push({ref: log.ref, line: m.line, text: m.text})
        found.set(k, hit)
      }
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
    .map((hit) => {
      const ageMs = ageOf(hit.lines, endOf)
      const ended = endingOf(hit.signature, hit.lines, logOf) ?? restartOf(hit.lines, logOf) ?? pastOf(hit.lines, ageMs)
      return {...hit, ageMs, ...(ended ? {ended} : {})}
    })
}

/**
 * Whether the trouble a signature matched is over, by the logs themselves: in every log it matched in, either
 * its `ended_by` recovery line follows its last match (per process when the lines name one), or, for a
 * signature that `repeats_every` P, the log went on for more than 2×P after the last match without it.
 * undefined when any log still shows it open. Pure.
 */
export function endingOf(
  signature: Pick<SignatureEntry, 'meta' | 'endedBy'>,
  lines: readonly {readonly ref: number; readonly line: number; readonly text: string}[],
  logOf: (ref: number) => LogText | undefined,
): Ending | undefined {
  const refs = [...new Set(lines.map((l) => l.ref))]
  if (refs.length === 0) return undefined
  const from = lines.map((l) => lineTime(l.text)).find((t) => t !== undefined)
  const recoveries: {ref: number; line: number; text: string}[] = []
  const silences: {to: number; quietMs: number}[] = []
  const periodMs = signature.meta.repeats_every ? windowMs(signature.meta.repeats_every) : undefined
  for (const ref of refs) {
    const log = logOf(ref)
    if (log === undefined) return undefined
    const text = log.text
    const matches = lines.filter((l) => l.ref === ref)
    const recovery =
      signature.endedBy && signature.meta.ended_by
        ? recoveryAfter(
            matches,
            text,
            signature.meta.ended_by.hint,
            signature.endedBy,
            signature.meta.ended_by.same_process,
          )
        : undefined
    if (recovery) {
      recoveries.push({ref, ...recovery})
      continue
    }
    const last = matches
      .map((m) => lineTime(m.text))
      .filter((t): t is number => t !== undefined)
      .at(-1)
    const quiet = log.end === undefined || last === undefined ? undefined : log.end - last
    if (periodMs === undefined || quiet === undefined || last === undefined || quiet <= 2 * periodMs)
      return undefined
    silences.push({to: last, quietMs: quiet})
  }
  if (silences.length === 0 && signature.meta.ended_by) {
    const latest = recoveries.reduce((a, b) => ((lineTime(b.text) ?? 0) > (lineTime(a.text) ?? 0) ? b : a))
    return {
      kind: 'recovered',
      from,
      to: lineTime(latest.text),
      says: signature.meta.ended_by.says,
      line: latest,
    }
  }
  // At least one log ended silently: the trouble is over, but by silence, which is the weaker word.
  const latest = silences.reduce((a, b) => (b.to > a.to ? b : a))
  return {
    kind: 'silent',
    from,
    to: latest.to,
    quietMs: Math.min(...silences.map((s) => s.quietMs)),
    periodMs: periodMs!,
  }
}

/**
 * Whether every process that wrote `lines` was replaced: in each log, for each process among the matches, a
 * startup line (STARTUP_LINE) from another process follows its last match, and the old process writes nothing
 * after it. undefined when any log or process still shows the trouble open, or the lines name no process.
 * Pure.
 */
export function restartOf(
  lines: readonly {readonly ref: number; readonly line: number; readonly text: string}[],
  logOf: (ref: number) => LogText | undefined,
): Ending | undefined {
  const refs = [...new Set(lines.map((l) => l.ref))]
  if (refs.length === 0) return undefined
  const starts: {ref: number; line: number; text: string}[] = []
  for (const ref of refs) {
    const log = logOf(ref)
    if (log === undefined) return undefined
    const start = replacedAfter(lines.filter((l) => l.ref === ref), log.text)
    if (!start) return undefined
    starts.push({ref, ...start})
  }
  const latest = starts.reduce((a, b) => ((lineTime(b.text) ?? 0) >= (lineTime(a.text) ?? 0) ? b : a))
  return {
    kind: 'restarted',
    from: lines.map((l) => lineTime(l.text)).find((t) => t !== undefined),
    to: lineTime(latest.text),
    line: latest,
  }
}

/** In one log: the startup line of the process that replaced every process among `matches`, or undefined. */
function replacedAfter(
  matches: readonly {readonly line: number; readonly text: string}[],
  logText: string,
): {line: number; text: string} | undefined {
  const lastByPid = new Map<string, number>()
  for (const m of matches) {
    const pid = linePid(m.text)
    if (pid === undefined) return undefined
    lastByPid.set(pid, Math.max(lastByPid.get(pid) ?? 0, m.line))
  }
  const logLines = logText.split('\n')
  let latest: {line: number; text: string} | undefined
  for (const [pid, after] of lastByPid) {
    let start: number | undefined
    for (let i = after; i < logLines.length; i++) {
      const text = logLines[i] ?? ''
      const its = linePid(text)
      if (start !== undefined && its === pid) {
        start = undefined // the old process is still there: the new one was a sibling worker, not its successor
        continue
      }
      if (start === undefined && its !== undefined && its !== pid && STARTUP_LINE.test(text)) start = i
    }
    if (start === undefined) return undefined
    if (!latest || start + 1 > latest.line) latest = {line: start + 1, text: logLines[start] ?? ''}
  }
  return latest
}

/**
 * A trouble with no recovery and no restart whose last match is more than STALE_AFTER_MS before the end of
 * its log: a past event. The operator still sees it (under Ruled out, with its span); it no longer ranks. A
 * dead service's own last error ages too, which is why liveness is always judged by a playbook check
 * (heartbeats, agent alive), never by how recent an error line is.
 */
export function pastOf(
  lines: readonly {readonly text: string}[],
  ageMs: number | undefined,
): Ending | undefined {
  if (ageMs === undefined || ageMs <= STALE_AFTER_MS) return undefined
  const times = lines.map((l) => lineTime(l.text)).filter((t): t is number => t !== undefined)
  const to = times.at(-1)
  if (to === undefined) return undefined
  return {kind: 'past', from: times[0], to, quietMs: ageMs}
}

/**
 * The recovery line that ends `matches` in one log: for each process among them (or for all at once when the
 * lines name none, or `sameProcess` is false), the first recovery line after that process's last match, from
 * the same process when both lines name one. The latest of those, or undefined when a process has none.
 */
export function recoveryAfter(
  matches: readonly {readonly line: number; readonly text: string}[],
  logText: string,
  hint: string,
  pattern: RegExp,
  sameProcess: boolean,
): {line: number; text: string} | undefined {
  const lastByPid = new Map<string | undefined, number>()
  for (const m of matches) {
    const pid = sameProcess ? linePid(m.text) : undefined
    lastByPid.set(pid, Math.max(lastByPid.get(pid) ?? 0, m.line))
  }
  const logLines = logText.split('\n')
  let latest: {line: number; text: string} | undefined
  for (const [pid, after] of lastByPid) {
    let found: {line: number; text: string} | undefined
    for (let i = after; i < logLines.length; i++) {
      const text = logLines[i] ?? ''
      if (!text.includes(hint) || !pattern.test(text)) continue
      const its = linePid(text)
      if (pid !== undefined && its !== undefined && its !== pid) continue
      found = {line: i + 1, text}
      break
    }
    if (!found) return undefined
    if (!latest || found.line > latest.line) latest = found
  }
  return latest
}

/**
 * The process id a log line names: `name[pid]:` of syslog and the journal, else the pid oslo.log writes after
 * its timestamp (`2026-11-22 05:47:50.605 378 INFO …`). undefined for formats without one (Open vSwitch,
 * RabbitMQ, MariaDB).
 */
export function linePid(line: string): string | undefined {
  const syslog =
    /^(?:[A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2}|\d{4}-\d{2}-\d{2}T\S+) \S+ [^\s[\]]+\[(\d+)\]:/.exec(line)
  if (syslog) return syslog[1]
  const oslo =
    /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)? (\d+) (?:TRACE|DEBUG|INFO|AUDIT|WARNING|ERROR|CRITICAL) /.exec(
      line,
    )
  return oslo?.[1]
}

/** An ended hit in plain words, for the report: what, where, when, and what shows it is over. */
export function describeEnding(
  hit: Pick<SignatureHit, 'signature' | 'node'>,
  ending: Ending,
  where = ` on ${hit.node}`,
): string {
  const title = hit.signature.meta.title
  const span =
    ending.from !== undefined && ending.to !== undefined
      ? ` from ${clock(ending.from)} to ${clock(ending.to)}`
      : ''
  if (ending.kind === 'recovered') return `${title}${where}${span}, recovered: ${ending.says}`
  if (ending.kind === 'restarted')
    return `${title}${where}${span}, then the process was replaced by a new one (${ending.to === undefined ? 'its startup line' : `started ${clock(ending.to)}`})`
  if (ending.kind === 'past')
    return `${title}${where}${span}, not since (the log went on ${Math.round(ending.quietMs / 60_000)} min without it)`
  return `${title}${where}${span}, then not again for ${Math.round(ending.quietMs / 60_000)} min while the log went on (it repeats every ${Math.round(ending.periodMs / 1000)} s while the trouble lasts): over`
}

/** A line time as the operator reads it in the log: HH:MM:SS (UTC, as the lines are written). */
function clock(t: number): string {
  return new Date(t).toISOString().slice(11, 19)
}

/** The node a line is about, by the signature's `names_node` (neutron-server naming an agent's host). */
export function nodeNamed(signature: Pick<SignatureEntry, 'namesNode'>, line: string): string | undefined {
  const named = signature.namesNode?.exec(line)?.[1]
  return named === undefined || named === '' ? undefined : named
}

/** How long before the end of `logText` the last dated line of `matches` was written; undefined when undated. */
export function matchAgeMs(
  matches: readonly {text: string}[],
  logText: string,
  readAt?: string,
): number | undefined {
  const end = logEnd(logText, readAt)
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

/** One log's text and where it ends in time (see logEnd). */
export interface LogText {
  readonly text: string
  readonly end: number | undefined
}

/**
 * Up to this long after a log's last line, the moment it was read stands for its end. Beyond it the gap may
 * be the node's time zone (oslo.log writes local time without a zone; zones west of UTC are 1 h or more
 * behind), so the log's own last line is all we trust.
 */
export const READ_GAP_TRUSTED_MS = 55 * 60_000

/**
 * When a log ends, in time: its last dated line, or the moment it was read when that is later (by less than
 * READ_GAP_TRUSTED_MS). A service that went quiet (nova-scheduler gets no requests while the conductor is
 * down) still moved on from its last error while nobody wrote to its log.
 */
export function logEnd(text: string, readAt?: string): number | undefined {
  const last = lastTime(text)
  const read = readAt === undefined ? Number.NaN : Date.parse(readAt)
  // Syslog short form has no year (lineTime puts it in 2000): it cannot be compared with a real date.
  if (last === undefined || Number.isNaN(read) || new Date(last).getUTCFullYear() === 2000) return last
  const gap = read - last
  return gap > 0 && gap < READ_GAP_TRUSTED_MS ? read : last
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
