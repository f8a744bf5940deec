import {stripVTControlCharacters} from 'node:util'

import {Marked} from 'marked'
import {markedTerminal} from 'marked-terminal'

import type {Diagnosis} from '../reason/diagnosis.js'
import {renderMarkdown} from './markdown.js'

/**
 * The same report, rendered for a terminal. Remote text was already stripped of escape sequences when it
 * was cited; colour comes only from our renderer, and is dropped entirely when stdout is not a TTY.
 */
export function renderTerminal(d: Diagnosis, options: {color: boolean; width?: number}): string {
  const marked = new Marked(
    markedTerminal({
      width: options.width ?? 100,
      reflowText: false,
      tab: 2,
      ...(options.color ? {} : {tableOptions: {style: {head: [], border: []}}}),
    }) as Parameters<Marked['use']>[0],
  )
  const rendered = marked.parse(renderMarkdown(d, {audit: false}), {async: false})
  return options.color ? rendered : stripVTControlCharacters(rendered)
}
