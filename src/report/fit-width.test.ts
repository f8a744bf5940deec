import {describe, expect, it} from 'vitest'

import {fitToWidth, stripEscapes, visibleWidth, wrapLine} from './fit-width.js'

const RED = '\u001b[31m'
const BOLD = '\u001b[1m'
const RESET = '\u001b[0m'

describe('visibleWidth', () => {
  it('counts no columns for colour escapes and two for wide characters', () => {
    expect(visibleWidth(`${RED}abc${RESET}`)).toBe(3)
    expect(visibleWidth('│ ok │')).toBe(6)
    expect(visibleWidth('日本')).toBe(4)
  })
})

describe('wrapLine', () => {
  it('leaves a line that fits alone', () => {
    expect(wrapLine('nova-compute on compute-0', 80)).toEqual(['nova-compute on compute-0'])
  })

  it('breaks at spaces, never wider than asked, and loses no word', () => {
    const line =
      'The Open vSwitch agent on compute-0 is dead (no heartbeat): ports on this host are not wired or re-wired.'
    const lines = wrapLine(line, 30)
    expect(lines.every((l) => visibleWidth(l) <= 30)).toBe(true)
    expect(lines.join(' ')).toBe(line)
  })

  it('cuts a word longer than the line where it must', () => {
    const uuid = 'afa33bac-770e-4626-8b94-04c1e712bd3a'
    const lines = wrapLine(`server ${uuid}`, 20)
    expect(lines.every((l) => visibleWidth(l) <= 20)).toBe(true)
    expect(lines.join('')).toBe(`server${uuid}`)
  })

  it('continues a list item under its text and an indented block under its indentation', () => {
    expect(wrapLine('  * one two three four five', 14)).toEqual(['  * one two', '    three four', '    five'])
    expect(wrapLine('      {"id":"c561b2a4","alive":false}', 20)).toEqual([
      '      {"id":"c561b2a',
      '      4","alive":fal',
      '      se}',
    ])
  })

  it('hangs continuation lines where it is told to', () => {
    expect(wrapLine('  why: one two three four', 17, 7)).toEqual(['  why: one two', '       three four'])
  })

  it('closes a colour at the break and reopens it on the next line', () => {
    const lines = wrapLine(`${RED}alpha beta gamma${RESET} delta`, 11)
    expect(lines.map(stripEscapes)).toEqual(['alpha beta', 'gamma delta'])
    expect(lines[0]).toBe(`${RED}alpha beta${RESET}`)
    expect(lines[1]).toBe(`${RED}gamma${RESET} delta`)
  })

  it('reopens every style still open, in order', () => {
    const lines = wrapLine(`${BOLD}${RED}aaaa bbbb${RESET}`, 4)
    expect(lines[1]).toBe(`${BOLD}${RED}bbbb${RESET}`)
  })
})

describe('fitToWidth', () => {
  it('wraps every line of a text and keeps its blank lines', () => {
    const text = 'short\n\nthis line is far too long for ten columns'
    const fitted = fitToWidth(text, 10).split('\n')
    expect(fitted.slice(0, 2)).toEqual(['short', ''])
    expect(fitted.every((l) => visibleWidth(l) <= 10)).toBe(true)
  })
})
