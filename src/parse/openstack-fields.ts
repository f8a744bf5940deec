/**
 * Field readers shared by the resource normalizers. The same field arrives in different shapes
 * depending on `-f json` vs the table format, and on the client version; these readers accept all
 * the shapes we have seen and return null for anything absent or unrecognised.
 */
import {parseOpenstackOutput} from './openstack-output.js'
import {ParseError} from './parse-error.js'

export type Row = Record<string, unknown>

/** Accepts raw text (parsed here) or what parseOpenstackOutput already returned. */
export function toOutput(raw: unknown): unknown {
  return typeof raw === 'string' ? parseOpenstackOutput(raw) : raw
}

/** The rows of a `list` command; a single `show` object counts as one row. */
export function toRows(raw: unknown, what: string): Row[] {
  const out = toOutput(raw)
  if (Array.isArray(out)) return out.filter((r): r is Row => r !== null && typeof r === 'object')
  if (out !== null && typeof out === 'object') return [out as Row]
  throw new ParseError(what, 'expected a list of rows', null)
}

/** The object of a `show` command. */
export function toObject(raw: unknown, what: string): Row {
  const out = toOutput(raw)
  if (out !== null && typeof out === 'object' && !Array.isArray(out)) return out as Row
  if (Array.isArray(out) && out.length === 1 && typeof out[0] === 'object' && out[0] !== null)
    return out[0] as Row
  throw new ParseError(
    what,
    `expected one object, got ${Array.isArray(out) ? `a list of ${out.length}` : typeof out}`,
    null,
  )
}

/** The first of `keys` present in the row (JSON and table use different names across versions). */
export function pick(row: Row, ...keys: string[]): unknown {
  for (const key of keys) if (key in row && row[key] !== undefined) return row[key]
  return null
}

export function str(value: unknown): string | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return typeof value === 'object' ? JSON.stringify(value) : null
}

/** Like str, but an empty string also means "not set" (host, zone, ...). */
export function text(value: unknown): string | null {
  const s = str(value)
  return s === '' ? null : s
}

export function int(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value.trim())
  return null
}

/** Booleans as JSON gives them, or as the table prints them (True, UP, :-), XXX, yes, ...). */
export function bool(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value
  if (typeof value !== 'string') return null
  const v = value.trim().toLowerCase()
  if (['true', 'up', ':-)', 'yes', 'enabled', '1'].includes(v)) return true
  if (['false', 'down', 'xxx', 'no', 'disabled', '0'].includes(v)) return false
  return null
}

/** `{"private": ["10.0.0.5"]}` (JSON) or `private=10.0.0.5, 10.0.0.6; public=...` (table). */
export function networkAddresses(value: unknown): Array<{network: string; ip: string}> | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value as Record<string, unknown>).flatMap(([network, ips]) =>
      (Array.isArray(ips) ? ips : [ips]).map((ip) => ({network, ip: addressOf(ip)})),
    )
  }
  if (typeof value !== 'string') return null
  return value
    .split(/;\s*|\n/)
    .filter((part) => part.includes('='))
    .flatMap((part) => {
      const eq = part.indexOf('=')
      const network = part.slice(0, eq).trim()
      return part
        .slice(eq + 1)
        .split(',')
        .map((ip) => ip.trim())
        .filter((ip) => ip !== '')
        .map((ip) => ({network, ip}))
    })
}

function addressOf(ip: unknown): string {
  // Older clients give the raw API entries: {"addr": "10.0.0.5", "version": 4, ...}.
  if (ip !== null && typeof ip === 'object' && 'addr' in ip) return String(ip.addr)
  return String(ip)
}

/** A list of dicts: JSON array of objects, or the table's `k='v', k2='v2'` lines, one dict per line. */
export function dictList(value: unknown): Array<Record<string, string>> | null {
  if (value === null || value === undefined) return null
  if (Array.isArray(value)) {
    return value
      .filter((d): d is Record<string, unknown> => d !== null && typeof d === 'object')
      .map((d) => Object.fromEntries(Object.entries(d).map(([k, v]) => [k, str(v) ?? ''])))
  }
  if (typeof value !== 'string') return null
  return value
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => pythonDict(line))
}

/** A dict: JSON object, or the table's `k='v', k2='v2'`. */
export function dict(value: unknown): Record<string, string> | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'object' && !Array.isArray(value)) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, str(v) ?? '']),
    )
  }
  return typeof value === 'string' ? pythonDict(value) : null
}

function pythonDict(line: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const m of line.matchAll(/([\w:.-]+)='((?:[^'\\]|\\.)*)'/g))
    out[m[1] ?? ''] = (m[2] ?? '').replace(/\\(.)/g, '$1')
  return out
}

/** A list of strings: JSON array, or the table's `a, b` / one-per-line. */
export function stringList(value: unknown): string[] | null {
  if (value === null || value === undefined) return null
  if (Array.isArray(value)) return value.map((v) => str(v) ?? '')
  if (typeof value !== 'string') return null
  return value
    .split(/,|\n/)
    .map((s) => s.trim())
    .filter((s) => s !== '')
}

/**
 * Reads `'key': '...'` out of a Python dict repr, which is how the table format prints a nested
 * dict the client did not format (e.g. a server's `fault`). Returns null when the key is absent.
 */
export function pythonReprField(repr: string, key: string): string | number | null {
  const at = repr.indexOf(`'${key}': `)
  if (at === -1) return null
  let i = at + key.length + 4
  const quote = repr[i]
  if (quote !== "'" && quote !== '"') {
    const m = /^-?\d+/.exec(repr.slice(i))
    return m ? Number(m[0]) : null
  }
  const escapes: Record<string, string> = {n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"'}
  let out = ''
  for (i += 1; i < repr.length; i++) {
    const ch = repr[i] ?? ''
    if (ch === quote) return out
    if (ch === '\\') {
      const next = repr[++i] ?? ''
      out += escapes[next] ?? `\\${next}`
    } else out += ch
  }
  return out // cut off: keep what we have
}
