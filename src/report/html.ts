import {Marked} from 'marked'
import sanitizeHtml from 'sanitize-html'

import type {Diagnosis} from '../reason/diagnosis.js'
import {renderMarkdown} from './markdown.js'

/**
 * The report as one self-contained HTML page, for attaching to a support case.
 *
 * Evidence is hostile text. Two layers keep it inert: marked's `html` renderer escapes any raw HTML in
 * the markdown (the markdown reporter already escapes it, this catches what slips through), and
 * sanitize-html then allows only the tags and attributes a report uses. The second layer is not
 * optional: marked turns `[x](javascript:alert(1))` into a live link, and only the sanitizer drops that
 * href (shared/reference/dependencies.md).
 */
export function renderHtml(d: Diagnosis): string {
  const body = markdownToSafeHtml(renderMarkdown(d))
  const title = escapeHtml(`cloudtriage ${d.playbook}${d.target ? ` — ${d.target}` : ''}`)
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // No script, no remote anything: the page renders the same offline in a ticketing system.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${title}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    body,
    '</body>',
    '</html>',
    '',
  ].join('\n')
}

/** Markdown (with hostile text inside) to HTML that can hold no script, handler, or active link. */
export function markdownToSafeHtml(markdown: string): string {
  const marked = new Marked({
    gfm: true,
    renderer: {
      html: ({text}) => escapeHtml(text),
    },
  })
  const raw = marked.parse(markdown, {async: false})
  return sanitizeHtml(raw, {
    allowedTags: [
      'h1',
      'h2',
      'h3',
      'h4',
      'p',
      'em',
      'strong',
      'code',
      'pre',
      'blockquote',
      'ul',
      'ol',
      'li',
      'table',
      'thead',
      'tbody',
      'tr',
      'th',
      'td',
      'a',
      'br',
      'hr',
      'del',
    ],
    allowedAttributes: {a: ['href'], th: ['align'], td: ['align']},
    allowedSchemes: ['http', 'https'],
    allowedSchemesAppliedToAttributes: ['href'],
    allowProtocolRelative: false,
    disallowedTagsMode: 'escape',
  })
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
}

const STYLE = [
  'body{font:15px/1.45 system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}',
  'pre{background:#f5f5f5;padding:.6rem;overflow-x:auto}',
  'code{font:13px ui-monospace,monospace}',
  'table{border-collapse:collapse}',
  'td,th{border:1px solid #ccc;padding:.2rem .4rem;vertical-align:top}',
].join('')
