import {visibleWidth, wrapLine} from './fit-width.js'

/**
 * A markdown table laid out for a terminal of a given width. When the columns fit, a boxed table; when
 * they fit only by wrapping, a boxed table with wrapped cells; when a column would have to be narrower
 * than its longest word (a UUID, a command), one block per row instead — a 36-character UUID cut in
 * three is harder to read, and to copy, than the same row as a short list.
 */
export function layoutTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  width: number,
): string {
  const widths = columnWidths(header, rows, width)
  return widths ? boxed(header, rows, widths) : listed(header, rows, width)
}

// A column narrower than this is hard to read even when its words would fit.
const MIN_COLUMN = 12
// "│ " before every cell, " " after it, and the closing "│".
const borderWidth = (columns: number): number => 3 * columns + 1

/** Column widths that fit `width`, or undefined when no readable table fits. */
export function columnWidths(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  width: number,
): number[] | undefined {
  const columns = header.length
  const cells = (c: number): string[] => [header[c] ?? '', ...rows.map((r) => r[c] ?? '')]
  const natural = header.map((_, c) => Math.max(1, ...cells(c).map(visibleWidth)))
  const longestWord = header.map((_, c) =>
    Math.max(
      1,
      ...cells(c)
        .flatMap((t) => t.split(/\s+/))
        .map(visibleWidth),
    ),
  )
  const available = width - borderWidth(columns)
  if (natural.reduce((a, b) => a + b, 0) <= available) return natural

  // Share the room out narrowest first: a column that needs less than its share gives the rest to the others.
  const widths = [...natural]
  let remaining = available
  const order = natural.map((w, c) => ({w, c})).sort((a, b) => a.w - b.w)
  order.forEach(({w, c}, i) => {
    const share = Math.floor(remaining / (order.length - i))
    widths[c] = Math.min(w, share)
    remaining -= widths[c] ?? 0
  })
  const readable = widths.every(
    (w, c) => w >= Math.min(natural[c] ?? 0, Math.max(longestWord[c] ?? 0, MIN_COLUMN)),
  )
  return readable ? widths : undefined
}

function boxed(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  widths: readonly number[],
): string {
  const rule = (left: string, mid: string, right: string): string =>
    left + widths.map((w) => '─'.repeat(w + 2)).join(mid) + right
  const rowLines = (cells: readonly string[]): string[] => {
    const wrapped = widths.map((w, c) => wrapLine(cells[c] ?? '', w))
    const height = Math.max(...wrapped.map((l) => l.length))
    return Array.from(
      {length: height},
      (_, i) => `│${wrapped.map((lines, c) => ` ${pad(lines[i] ?? '', widths[c] ?? 0)} `).join('│')}│`,
    )
  }
  const body = rows.map(rowLines)
  // Separators between rows only when some row takes several lines; otherwise they only add height.
  const separate = body.some((lines) => lines.length > 1)
  const out = [rule('┌', '┬', '┐'), ...rowLines(header), rule('├', '┼', '┤')]
  body.forEach((lines, i) => {
    if (separate && i > 0) out.push(rule('├', '┼', '┤'))
    out.push(...lines)
  })
  out.push(rule('└', '┴', '┘'))
  return out.join('\n')
}

/** One block per row: "* first: value", then "  name: value" for each non-empty cell, wrapped under its value. */
function listed(header: readonly string[], rows: readonly (readonly string[])[], width: number): string {
  return rows
    .map((row) =>
      header
        .flatMap((name, c) => {
          const value = row[c] ?? ''
          if (c > 0 && value.trim() === '') return []
          const label = `${c === 0 ? '* ' : '  '}${name}: `
          return wrapLine(label + value, width, visibleWidth(label))
        })
        .join('\n'),
    )
    .join('\n')
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - visibleWidth(text)))
}
