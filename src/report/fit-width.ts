/**
 * Fitting styled terminal text into a number of columns. ANSI escape sequences take no room; a wrapped
 * line keeps its colours (they are closed at the break and reopened on the next line) and its indentation,
 * so a wrapped list item or evidence excerpt still lines up under its first line.
 */

// CSI sequences (colours, cursor) and OSC sequences (hyperlinks), the only escapes our renderers emit.
// eslint-disable-next-line no-control-regex
const ESCAPE = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/y
// eslint-disable-next-line no-control-regex
const SGR = /^\u001b\[[0-9;]*m$/
const RESET = '\u001b[0m'

// Wide (two-column) ranges: CJK, Hangul, fullwidth forms, emoji. Combining marks take none.
const WIDE =
  /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1faff}\u{20000}-\u{3fffd}]/u
const ZERO = /^[\p{Mn}\p{Me}\p{Cf}]$/u

interface Unit {
  readonly text: string
  readonly width: number
  readonly escape: boolean
}

function unitsOf(line: string): Unit[] {
  const units: Unit[] = []
  let i = 0
  while (i < line.length) {
    ESCAPE.lastIndex = i
    const escape = ESCAPE.exec(line)
    if (escape) {
      units.push({text: escape[0], width: 0, escape: true})
      i += escape[0].length
      continue
    }
    const char = String.fromCodePoint(line.codePointAt(i) ?? 0)
    units.push({text: char, width: charWidth(char), escape: false})
    i += char.length
  }
  return units
}

function charWidth(char: string): number {
  if (ZERO.test(char)) return 0
  return WIDE.test(char) ? 2 : 1
}

/** Columns the text takes on a terminal (escape sequences take none). */
export function visibleWidth(text: string): number {
  return unitsOf(text).reduce((sum, u) => sum + u.width, 0)
}

/** The text without escape sequences. */
export function stripEscapes(text: string): string {
  return unitsOf(text)
    .filter((u) => !u.escape)
    .map((u) => u.text)
    .join('')
}

/**
 * Where continuation lines start: under the text of a list item (after its bullet or number), else
 * under the line's own indentation. Never more than half the width, so a deep indent still leaves room.
 */
function hangingIndent(plain: string, width: number): number {
  const match = /^(\s*)((?:[*•-]|\d+\.)\s+)?/.exec(plain)
  const indent = match?.[0].length ?? 0
  return Math.min(indent, Math.floor(width / 2))
}

/**
 * Break one line into lines of at most `width` columns, at spaces where it can and inside a word where
 * it must (a long command or JSON record has no spaces to break at). Continuation lines start at `hangAt`
 * columns, by default under the text of a list item or the line's own indentation.
 */
export function wrapLine(line: string, width: number, hangAt?: number): string[] {
  if (visibleWidth(line) <= width) return [line]
  const units = unitsOf(line)
  const visible = units.filter((u) => !u.escape)
  const indent = Math.min(
    hangAt ?? hangingIndent(visible.map((u) => u.text).join(''), width),
    Math.floor(width / 2),
  )

  // Phase 1, on visible characters only: the [start, end) range each output line shows.
  const ranges: [number, number][] = []
  let start = 0
  let first = true
  while (start < visible.length) {
    const room = first ? width : width - indent
    let used = 0
    let end = start
    let lastSpace = -1
    let seenText = false // spaces of the indentation are not break points
    while (end < visible.length && used + (visible[end]?.width ?? 0) <= room) {
      if (visible[end]?.text === ' ') {
        if (seenText) lastSpace = end
      } else {
        seenText = true
      }
      used += visible[end]?.width ?? 0
      end++
    }
    if (end === start) end = start + 1 // a character wider than the room: give it a line
    if (end < visible.length && lastSpace > start && visible[end]?.text !== ' ') end = lastSpace
    ranges.push([start, end])
    start = end
    while (start < visible.length && visible[start]?.text === ' ') start++ // the break eats its spaces
    first = false
  }

  // Phase 2: lay the escapes back in; a style open at a break is closed there and reopened after the indent.
  const lines: string[] = []
  let styles: string[] = []
  let v = 0
  let current = ''
  let rangeIndex = 0
  const finish = (): void => {
    lines.push(styles.length > 0 ? current + RESET : current)
    current = ' '.repeat(indent) + styles.join('')
  }
  for (const unit of units) {
    if (unit.escape) {
      current += unit.text
      if (SGR.test(unit.text))
        styles = unit.text === RESET || unit.text === '\u001b[m' ? [] : [...styles, unit.text]
      continue
    }
    const range = ranges[rangeIndex]
    if (range && v >= range[1]) {
      finish()
      rangeIndex++
    }
    const now = ranges[rangeIndex]
    if (now && v >= now[0]) current += unit.text
    v++
  }
  lines.push(current)
  return lines.map((l) => l.replace(/[ ]+$/, ''))
}

/** Every line of the text at most `width` columns wide. */
export function fitToWidth(text: string, width: number): string {
  return text
    .split('\n')
    .flatMap((line) => wrapLine(line, width))
    .join('\n')
}
