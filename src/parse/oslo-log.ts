/** One log call of an OpenStack (oslo.log) service; a traceback stays with the call that logged it. */
export interface OsloRecord {
  /** 1-based line of the record's first line. */
  line: number
  /** 1-based line of its last continuation line (= line when it has none). */
  endLine: number
  /** As written, e.g. "2026-11-22 03:46:37.470". */
  timestamp: string
  pid: number | null
  level: string
  module: string
  /** "req-..." from the context block; null for `[-]` or no context. */
  requestId: string | null
  instanceUuid: string | null
  /** The record's first line, after the context blocks. */
  message: string
  /** Continuation lines: a traceback, a multi-line message. */
  traceback: string[]
}

export interface OsloLog {
  records: OsloRecord[]
  /** Non-empty lines before the first record, which belong to no record. */
  unparsed: number
}

// timestamp pid LEVEL module rest; an optional `path:` or `N:` prefix is what `grep -H`/`-n` adds.
const RECORD =
  /^(?:[^\s:]*:)?(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?) +(\d+) +([A-Z]+) +(\S+) ?(.*)$/
const CONTEXT = /^\[([^\]]*)\] ?/
const INSTANCE = /^\[instance: ([0-9a-f-]{36})\] ?/

/**
 * Parses an oslo.log file. A traceback is attached to the record that logged it in both forms oslo
 * writes: bare continuation lines, and the repeated-prefix form where every line repeats
 * `timestamp pid LEVEL module` without a `[req-...]` block (logging_exception_prefix). Such a line
 * continues the previous record when timestamp, pid, level and module are the same.
 */
export function parseOsloLog(text: string): OsloLog {
  const records: OsloRecord[] = []
  let unparsed = 0
  const lines = text.replace(/\r\n/g, '\n').split('\n')
  if (lines.at(-1) === '') lines.pop()
  lines.forEach((raw, i) => {
    const m = RECORD.exec(raw)
    const current = records.at(-1)
    if (!m) {
      if (current) {
        current.traceback.push(raw)
        current.endLine = i + 1
      } else if (raw.trim() !== '') unparsed++
      return
    }
    const [, timestamp = '', pid = '', level = '', module = '', rest = ''] = m
    const context = CONTEXT.exec(rest)
    const hasContext = context !== null && !INSTANCE.test(rest)
    if (
      current &&
      !hasContext &&
      current.timestamp === timestamp &&
      current.pid === Number(pid) &&
      current.level === level &&
      current.module === module
    ) {
      // oslo repeats `[instance: uuid]` on every traceback line; it says nothing new there.
      current.traceback.push(rest.replace(INSTANCE, ''))
      current.endLine = i + 1
      return
    }
    let message = rest
    let requestId: string | null = null
    if (hasContext && context) {
      requestId = /\b(req-[0-9a-f-]{36})/.exec(context[1] ?? '')?.[1] ?? null
      message = message.slice(context[0].length)
    }
    const instance = INSTANCE.exec(message)
    if (instance) message = message.slice(instance[0].length)
    records.push({
      line: i + 1,
      endLine: i + 1,
      timestamp,
      pid: Number(pid),
      level,
      module,
      requestId,
      instanceUuid: instance?.[1] ?? null,
      message,
      traceback: [],
    })
  })
  return {records, unparsed}
}
