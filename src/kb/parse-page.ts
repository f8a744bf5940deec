import path from 'node:path'

import safeRegex from 'safe-regex2'
import {isMap, isNode, isPair, isScalar, LineCounter, parseDocument, type Document} from 'yaml'
import type {z} from 'zod'

import {
  PAGE_FOLDERS,
  PAGE_SCHEMAS,
  PAGE_TYPES,
  type ComponentPage,
  type GuidePage,
  type PageType,
  type SignaturePage,
} from './page-schema.js'

/** One problem with one knowledge file, pointing at the line to fix. */
export interface KnowledgeProblem {
  /** `file:line` (file relative to the knowledge folder's parent when possible). */
  readonly where: string
  readonly message: string
}

interface PageCommon {
  readonly file: string
  /** The markdown after the front matter. */
  readonly body: string
  /** 1-based line of the first body line in the file. */
  readonly bodyLine: number
  /** `file:line` of a front-matter field, for lint messages. */
  readonly at: (path: readonly (string | number)[]) => string
}

export type ComponentEntry = PageCommon & {readonly type: 'component'; readonly meta: ComponentPage}
export type SignatureEntry = PageCommon & {
  readonly type: 'signature'
  readonly meta: SignaturePage
  readonly regex: RegExp
  /** The compiled `ended_by.pattern`, when the signature has one. */
  readonly endedBy?: RegExp
  /** The compiled `names_node`, when the signature has one. */
  readonly namesNode?: RegExp
}
export type GuideEntry = PageCommon & {readonly type: 'guide'; readonly meta: GuidePage}
export type KnowledgePage = ComponentEntry | SignatureEntry | GuideEntry

export type ParseResult =
  {readonly ok: true; readonly page: KnowledgePage} | {readonly ok: false; readonly problem: KnowledgeProblem}

/**
 * Parse one knowledge file: split the front matter, parse it as YAML, validate it against the schema of its
 * type, and check what a schema cannot (id = file name, folder = type, the regex compiles and cannot
 * backtrack catastrophically). Pure: text in, a page or one problem at `file:line` out.
 */
export function parsePage(text: string, file: string): ParseResult {
  const fail = (line: number, message: string): ParseResult => ({
    ok: false,
    problem: {where: `${file}:${line}`, message},
  })
  const lines = text.split('\n')
  if (lines[0]?.trimEnd() !== '---')
    return fail(1, 'a knowledge page starts with a --- line, then YAML front matter, then ---')
  const end = lines.findIndex((l, i) => i > 0 && l.trimEnd() === '---')
  if (end < 0) return fail(1, 'the front matter is not closed by a --- line')

  const yamlText = lines.slice(1, end).join('\n')
  const lineCounter = new LineCounter()
  const doc = parseDocument(yamlText, {lineCounter, prettyErrors: false, uniqueKeys: true})
  // Front matter starts on line 2 of the file.
  const lineOf = (offset: number): number => lineCounter.linePos(offset).line + 1
  const syntax = doc.errors[0]
  if (syntax) return fail(lineOf(syntax.pos[0]), `YAML syntax: ${syntax.message.split('\n')[0] ?? ''}`)
  const at = (p: readonly (string | number)[]): string => `${file}:${lineOf(offsetOf(doc, p))}`

  const data: unknown = doc.toJS()
  const type = (data as {type?: unknown} | null)?.type
  if (!PAGE_TYPES.includes(type as PageType)) {
    return {
      ok: false,
      problem: {where: at(['type']), message: `type must be one of ${PAGE_TYPES.join(', ')}`},
    }
  }
  const pageType = type as PageType
  const parsed = (PAGE_SCHEMAS[pageType] as z.ZodType).safeParse(data)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const p = issue.path.filter((k): k is string | number => typeof k !== 'symbol')
    const key = issue.code === 'unrecognized_keys' ? (issue.keys[0] ?? '') : ''
    const where = key ? at([...p, key]) : at(p)
    return {
      ok: false,
      problem: {
        where,
        message: `${[...p, key].filter((k) => k !== '').join('.') || '(front matter)'}: ${issue.message}`,
      },
    }
  }

  const meta = parsed.data as {id: string}
  const expectedName = `${meta.id}.md`
  if (path.basename(file) !== expectedName) {
    return {
      ok: false,
      problem: {where: at(['id']), message: `id "${meta.id}" must match the file name (${expectedName})`},
    }
  }
  const folder = path.basename(path.dirname(file))
  if (folder !== PAGE_FOLDERS[pageType]) {
    return {
      ok: false,
      problem: {
        where: at(['type']),
        message: `a ${pageType} page belongs in ${PAGE_FOLDERS[pageType]}/, not ${folder}/`,
      },
    }
  }

  const common = {file, body: lines.slice(end + 1).join('\n'), bodyLine: end + 2, at}
  if (pageType === 'signature') {
    const sig = parsed.data as SignaturePage
    const compiled = compileSignatureRegex(sig.pattern, sig.flags)
    if (typeof compiled === 'string') return {ok: false, problem: {where: at(['pattern']), message: compiled}}
    const endedBy = sig.ended_by ? compileSignatureRegex(sig.ended_by.pattern, sig.ended_by.flags) : undefined
    if (typeof endedBy === 'string')
      return {ok: false, problem: {where: at(['ended_by', 'pattern']), message: `ended_by.${endedBy}`}}
    const namesNode = sig.names_node ? compileSignatureRegex(sig.names_node, '') : undefined
    if (typeof namesNode === 'string')
      return {
        ok: false,
        problem: {where: at(['names_node']), message: namesNode.replace(/^pattern/, 'names_node')},
      }
    if (namesNode && new RegExp(`${namesNode.source}|`).exec('')!.length < 2)
      return {
        ok: false,
        problem: {
          where: at(['names_node']),
          message: 'names_node: the node name must be the first capture group ( … )',
        },
      }
    return {
      ok: true,
      page: {
        ...common,
        type: 'signature',
        meta: sig,
        regex: compiled,
        ...(endedBy ? {endedBy} : {}),
        ...(namesNode ? {namesNode} : {}),
      },
    }
  }
  if (pageType === 'component')
    return {ok: true, page: {...common, type: 'component', meta: parsed.data as ComponentPage}}
  return {ok: true, page: {...common, type: 'guide', meta: parsed.data as GuidePage}}
}

/** The signature's regex, or why it is refused (does not compile, or can backtrack catastrophically). */
export function compileSignatureRegex(pattern: string, flags: string): RegExp | string {
  let regex: RegExp
  try {
    regex = new RegExp(pattern, flags)
  } catch (error) {
    return `pattern: invalid regex: ${(error as Error).message}`
  }
  if (!safeRegex(regex))
    return 'pattern: this regex can backtrack catastrophically (nested or adjacent quantifiers); rewrite it'
  return regex
}

function offsetOf(doc: Document, p: readonly (string | number)[]): number {
  for (let depth = p.length; depth >= 0; depth--) {
    const parent = depth > 0 ? doc.getIn(p.slice(0, depth - 1), true) : undefined
    const last = p[depth - 1]
    // Point at the key of a map entry when there is one: "foo:" is where the operator looks.
    if (isMap(parent) && typeof last === 'string') {
      const pair = parent.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === last)
      if (pair && isScalar(pair.key) && pair.key.range) return pair.key.range[0]
    }
    const node = doc.getIn(p.slice(0, depth), true)
    if (isNode(node) && node.range) return node.range[0]
  }
  return 0
}
