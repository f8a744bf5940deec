import {stripVTControlCharacters} from 'node:util'

import {Marked, type Tokens} from 'marked'
import {markedTerminal} from 'marked-terminal'

import type {Diagnosis} from '../reason/diagnosis.js'
import {fitToWidth} from './fit-width.js'
import {renderMarkdown} from './markdown.js'
import {layoutTable} from './terminal-table.js'

export interface TerminalOptions {
  readonly color: boolean
  /** The terminal's columns (`process.stdout.columns`); undefined when not a TTY. */
  readonly width?: number
}

/** Used when stdout is not a terminal: wide enough for tables, narrow enough to read in a pager. */
export const DEFAULT_WIDTH = 100
// Below this a boxed table cannot show anything; the report still wraps, just more.
const MIN_WIDTH = 40

/**
 * The same report, rendered for a terminal, no line wider than the terminal. Remote text was already
 * stripped of escape sequences when it was cited; colour comes only from our renderer, and is dropped
 * entirely when stdout is not a TTY.
 */
export function renderTerminal(d: Diagnosis, options: TerminalOptions): string {
  const width = Math.max(MIN_WIDTH, Math.floor(options.width ?? DEFAULT_WIDTH))
  const marked = new Marked(
    markedTerminal({
      width,
      reflowText: false,
      tab: 2,
      // Cloud text is shown as it is: ":fire:" in a log line is not an emoji.
      emoji: false,
    }) as Parameters<Marked['use']>[0],
  )
  // marked-terminal's tables (cli-table3) grow to their content; ours fit the width or become lists.
  marked.use({
    renderer: {
      table(
        this: {parser: {parseInline: (tokens: Tokens.Generic[]) => string}},
        token: Tokens.Table,
      ): string {
        const cell = (c: Tokens.TableCell): string => terminalText(this.parser.parseInline(c.tokens))
        return `${layoutTable(
          token.header.map(cell),
          token.rows.map((row) => row.map(cell)),
          width,
        )}\n\n`
      },
    },
  })
  const rendered = fitToWidth(marked.parse(renderMarkdown(d, {audit: false}), {async: false}), width)
  return options.color ? rendered : stripVTControlCharacters(rendered)
}

// marked-terminal hides ':' in code spans behind a marker and leaves HTML entities for its own
// final pass; a table cell rendered outside its table code needs both undone here.
const COLON_MARKER = '*#COLON|*'
const ENTITIES: Record<string, string> = {'&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'"}

function terminalText(inline: string): string {
  return inline.replaceAll(COLON_MARKER, ':').replaceAll(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e] ?? e)
}
