import {ParseError} from './parse-error.js'

/** One OVSDB atom or datum as cloudtriage sees it: sets become arrays, maps objects, uuids strings. */
export type OvsValue = string | number | boolean | OvsValue[] | {[key: string]: string | number | boolean}

/** One database row, keyed by column name (only the columns that were asked for). */
export type OvsRecord = Record<string, OvsValue | null>

const FORMAT = 'ovs-vsctl --format=json list'

/**
 * Parses `ovs-vsctl --format=json [--columns=…] list <Table>`: `{"headings": [...], "data": [[...], ...]}`
 * where each datum uses OVSDB's JSON notation (RFC 7047 §5.1): `["set", [...]]`, `["map", [[k, v], ...]]`,
 * `["uuid", "…"]`. An empty set — how OVSDB says "unset", e.g. `mtu_request` never requested — becomes
 * null, so a playbook can write `mtu_request ? mtu_request : mtu`.
 */
export function parseOvsVsctlList(text: string): OvsRecord[] {
  // sosreports hold the default text format (`name : value` records); live runs ask for JSON.
  if (/^\s*[_a-z][_a-z0-9]*\s*:/.test(text)) return parseTextRecords(text)
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    throw new ParseError(FORMAT, `not JSON: ${text.trim().split('\n')[0]?.slice(0, 160) || '(empty)'}`, 1)
  }
  const {headings, data} = (doc ?? {}) as {headings?: unknown; data?: unknown}
  if (!Array.isArray(headings) || !Array.isArray(data))
    throw new ParseError(FORMAT, 'expected an object with "headings" and "data" arrays', 1)
  return data.map((row) => {
    if (!Array.isArray(row)) throw new ParseError(FORMAT, 'a data row is not an array', 1)
    const record: OvsRecord = {}
    headings.forEach((heading, i) => {
      record[String(heading)] = datum(row[i])
    })
    return record
  })
}

function datum(value: unknown): OvsValue | null {
  if (!Array.isArray(value)) return atom(value)
  const [tag, body] = value as [unknown, unknown]
  if (tag === 'uuid' || tag === 'named-uuid') return String(body)
  if (tag === 'set' && Array.isArray(body)) {
    if (body.length === 0) return null
    return body.map((item) => datum(item) ?? '')
  }
  if (tag === 'map' && Array.isArray(body)) {
    const map: Record<string, string | number | boolean> = {}
    for (const pair of body as unknown[]) {
      if (Array.isArray(pair)) map[String(atomOf(datum(pair[0])))] = atomOf(datum(pair[1]))
    }
    return map
  }
  throw new ParseError(FORMAT, `unknown OVSDB notation ${JSON.stringify(value).slice(0, 80)}`, 1)
}

function atom(value: unknown): string | number | boolean | null {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value
  return null
}

function atomOf(value: OvsValue | null): string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? value
    : JSON.stringify(value)
}

/**
 * ovs-vsctl's default `list` output: one `column : value` line per column, a blank line between records.
 * Values use the same notation as `ovs-vsctl get`: `[]` empty set, `[a, b]` set, `{k=v, …}` map, `"…"`
 * quoted string, bare words and integers.
 */
function parseTextRecords(text: string): OvsRecord[] {
  const records: OvsRecord[] = []
  let current: OvsRecord | null = null
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') {
      current = null
      return
    }
    const m = /^([_a-z][_a-z0-9]*)\s*: ?(.*)$/.exec(line)
    if (!m)
      throw new ParseError('ovs-vsctl list', `not a "column : value" line: ${line.slice(0, 120)}`, index + 1)
    if (!current) {
      current = {}
      records.push(current)
    }
    current[m[1] ?? ''] = textValue((m[2] ?? '').trim())
  })
  return records
}

function textValue(value: string): OvsValue | null {
  if (value === '[]') return null
  if (value.startsWith('[') && value.endsWith(']'))
    return splitOutsideQuotes(value.slice(1, -1)).map(textAtom)
  if (value.startsWith('{') && value.endsWith('}')) {
    const map: Record<string, string | number | boolean> = {}
    for (const pair of splitOutsideQuotes(value.slice(1, -1))) {
      const at = pair.indexOf('=')
      if (at > 0) map[String(textAtom(pair.slice(0, at)))] = textAtom(pair.slice(at + 1))
    }
    return map
  }
  return textAtom(value)
}

function textAtom(raw: string): string | number | boolean {
  const value = raw.trim()
  if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) {
    try {
      return JSON.parse(value) as string
    } catch {
      return value.slice(1, -1)
    }
  }
  if (/^-?\d+$/.test(value)) return Number(value)
  if (value === 'true' || value === 'false') return value === 'true'
  return value
}

/** Split `a, b="x, y", c` on the commas that are not inside double quotes. */
function splitOutsideQuotes(text: string): string[] {
  const parts: string[] = []
  let quoted = false
  let start = 0
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '\\' && quoted) i++
    else if (c === '"') quoted = !quoted
    else if (c === ',' && !quoted) {
      parts.push(text.slice(start, i))
      start = i + 1
    }
  }
  if (text.trim() !== '') parts.push(text.slice(start))
  return parts.map((p) => p.trim()).filter((p) => p !== '')
}
