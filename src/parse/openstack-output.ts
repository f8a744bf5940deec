import {ParseError} from './parse-error.js'

/** A cell or field value as the `openstack` client printed it, made JSON-able. */
export type OpenstackValue =
  string | number | boolean | null | OpenstackValue[] | {[key: string]: OpenstackValue}

/** `show` output: one object keyed by field name. `list` output: one object per row keyed by column. */
export type OpenstackOutput = {[field: string]: OpenstackValue} | Array<{[column: string]: OpenstackValue}>

const FORMAT = 'openstack output'

/**
 * Reads the `openstack` client's output in either `-f json` or cliff's default table format (what
 * sosreports hold). A `show` table (`Field | Value` header) becomes one object; a `list` table becomes
 * an array of row objects keyed by column header, the same shape `-f json` gives.
 *
 * Throws ParseError when the text is neither, typically because the client printed an error.
 */
export function parseOpenstackOutput(text: string): OpenstackOutput {
  const lines = text.replace(/\r\n/g, '\n').split('\n')
  // cliff prints nothing at all for an empty list in table format.
  if (lines.every((l) => l.trim() === '')) return []
  // Deprecation warnings may precede the output; the output starts at the first JSON or table line.
  const start = lines.findIndex((l) => /^\s*[[{]/.test(l) || l.startsWith('+-'))
  if (start === -1) {
    const first = lines.find((l) => l.trim() !== '') ?? ''
    throw new ParseError(
      FORMAT,
      `neither JSON nor a table; the client said: ${first.trim().slice(0, 200)}`,
      lines.indexOf(first) + 1,
    )
  }
  const startLine = lines[start] ?? ''
  return startLine.startsWith('+-') ? parseTable(lines, start) : parseJson(lines, start)
}

/** Converts one table cell the way the client printed it: `None` -> null, `True`/`False` -> booleans. */
export function parseOpenstackValue(cell: string): string | boolean | null {
  if (cell === 'None') return null
  if (cell === 'True') return true
  if (cell === 'False') return false
  return cell
}

function parseJson(lines: string[], start: number): OpenstackOutput {
  const json = lines.slice(start).join('\n')
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch (error) {
    throw new ParseError(FORMAT, `invalid or truncated JSON (${(error as Error).message})`, start + 1)
  }
  if (value === null || typeof value !== 'object') {
    throw new ParseError(FORMAT, `expected a JSON object or array, got ${JSON.stringify(value)}`, start + 1)
  }
  return value as OpenstackOutput
}

const BORDER = /^\+[-=+]+\+$/

function parseTable(lines: string[], start: number): OpenstackOutput {
  const border = lines[start] ?? ''
  // Column boundaries are the '+' positions of the border; this survives '|' inside a cell.
  const cuts = [...border].flatMap((ch, i) => (ch === '+' ? [i] : []))
  const rows: string[][] = []
  let header: string[] | null = null
  let closed = false
  for (let i = start + 1; i < lines.length; i++) {
    const line = (lines[i] ?? '').trimEnd()
    if (line === '') continue
    if (BORDER.test(line)) {
      if (header !== null && rows.length > 0) closed = true
      continue
    }
    if (closed) break
    // A row cut short has fewer separators than the border has columns.
    if (!line.startsWith('|') || !line.endsWith('|') || separators(line) < cuts.length) {
      throw new ParseError(FORMAT, `table row is cut off or malformed: ${line.slice(0, 120)}`, i + 1)
    }
    const cells = splitRow(line, cuts)
    if (header === null) {
      header = cells
      continue
    }
    const previous = rows.at(-1)
    // A multi-line cell continues on rows whose first column is empty.
    if (previous && cells[0] === '') {
      cells.forEach((cell, c) => {
        if (cell !== '') previous[c] = previous[c] === '' ? cell : `${previous[c]}\n${cell}`
      })
      continue
    }
    rows.push(cells)
  }
  if (header === null) throw new ParseError(FORMAT, 'table has no header row', start + 1)
  const columns = header
  if (columns.length === 2 && columns[0] === 'Field' && columns[1] === 'Value') {
    return Object.fromEntries(rows.map((r) => [r[0] ?? '', parseOpenstackValue(r[1] ?? '')]))
  }
  return rows.map((r) =>
    Object.fromEntries(columns.map((name, c) => [name, parseOpenstackValue(r[c] ?? '')])),
  )
}

function separators(line: string): number {
  return [...line].filter((ch) => ch === '|').length
}

function splitRow(line: string, cuts: number[]): string[] {
  // Wide characters break the fixed layout; fall back to splitting on the separators.
  const aligned = line.length === (cuts.at(-1) ?? -1) + 1 && cuts.every((p) => line[p] === '|')
  if (!aligned)
    return line
      .slice(1, -1)
      .split('|')
      .map((c) => c.trim())
  return cuts.slice(0, -1).map((p, c) => line.slice(p + 1, cuts[c + 1]).trim())
}
