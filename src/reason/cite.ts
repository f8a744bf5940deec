import {stripVTControlCharacters} from 'node:util'

import {describeRequest, type Gathered} from '../model/evidence.js'
import type {EvidenceRef} from './diagnosis.js'

/** What the engine keeps of each gathered output so checks can cite it later. */
export interface StoredEvidence {
  readonly gathered: Gathered
  /** The text that was parsed (stdout, or stderr when a command failed with nothing on stdout). */
  readonly text: string
}

/** Lines of context shown around a cited log line: read logs with what came before and after. */
const CONTEXT_LINES = 2
const MAX_EXCERPT_LINES = 14
const MAX_LINE_CHARS = 400
const MAX_JSON_CHARS = 360

/**
 * Turn cited fact items (objects stamped with `_ref`, and `line` for line-based evidence) into evidence
 * references with excerpts. Items without a `_ref` cannot be traced to a source and are not cited.
 */
export function citeItems(items: unknown, store: readonly StoredEvidence[], max = 5): EvidenceRef[] {
  const list = Array.isArray(items) ? items : items === undefined || items === null ? [] : [items]
  const refs: EvidenceRef[] = []
  for (const item of list) {
    if (refs.length >= max) break
    if (!isRecord(item) || typeof item._ref !== 'number') continue
    const stored = store[item._ref]
    if (!stored) continue
    refs.push(citeOne(item, stored))
  }
  return refs
}

function citeOne(item: Record<string, unknown>, stored: StoredEvidence): EvidenceRef {
  const {gathered, text} = stored
  const line = typeof item.line === 'number' ? item.line : null
  const endLine = typeof item.endLine === 'number' ? item.endLine : line
  const excerpt =
    line !== null && endLine !== null ? excerptLines(text, line, endLine) : excerptRecord(item)
  return {
    node: gathered.node,
    source: describeRequest(gathered.request),
    line,
    excerpt,
    origin: gathered.origin,
  }
}

/** The cited lines with a little context, numbered as in the source so the reader can find them. */
export function excerptLines(text: string, line: number, endLine: number): string {
  const lines = text.split('\n')
  const from = Math.max(1, line - CONTEXT_LINES)
  const to = Math.min(lines.length, Math.max(endLine, line) + CONTEXT_LINES, from + MAX_EXCERPT_LINES - 1)
  const out: string[] = []
  for (let n = from; n <= to; n++) {
    const marker = n >= line && n <= endLine ? '>' : ' '
    out.push(`${marker}${String(n).padStart(6)}  ${safeText(lines[n - 1] ?? '').slice(0, MAX_LINE_CHARS)}`)
  }
  return out.join('\n')
}

/**
 * A structured record (server, port, agent…) shown as compact JSON without the engine's own stamps
 * (`_node`, `_ref`…), which it also puts on the records nested one level down (a server's addresses).
 */
export function excerptRecord(item: Record<string, unknown>): string {
  const json = JSON.stringify(item, (key, value: unknown) => (key.startsWith('_') ? undefined : value))
  return safeText(json.length > MAX_JSON_CHARS ? `${json.slice(0, MAX_JSON_CHARS - 1)}…` : json)
}

/** Remote output is hostile: no terminal escape sequences or control characters reach a report. */
export function safeText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return stripVTControlCharacters(text).replaceAll(/[\u0000-\u0008\u000b-\u001f\u007f\u009b]/g, '�')
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
