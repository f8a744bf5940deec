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
      if (Array.isArray(pair)) map[String(datum(pair[0]))] = atomOf(datum(pair[1]))
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
    : String(value)
}
