import {readFile} from 'node:fs/promises'

import jsonata from 'jsonata'
import safeRegex from 'safe-regex2'
import {isMap, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode} from 'yaml'
import type {z} from 'zod'

import {checkPlaybookCommand, checkReadablePath} from '../collect/read-only.js'
import {InputError} from '../model/errors.js'
import {isParserName} from '../parse/index.js'
import {playbookSchema, type GatherSpec, type Playbook} from './schema.js'
import {templateExpressions} from './template.js'

/** A validated playbook and where it came from, so later errors can still point at the file. */
export interface LoadedPlaybook {
  readonly playbook: Playbook
  readonly file: string
}

/** Read, parse, validate. Every problem is one InputError naming `file:line:col`. */
export async function loadPlaybookFile(file: string): Promise<LoadedPlaybook> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new InputError(file, `cannot read playbook: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }
  return {playbook: parsePlaybook(text, file), file}
}

/** Parse → normalize → validate, pure. Exported for tests and for `cloudtriage run`. */
export function parsePlaybook(text: string, file: string): Playbook {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, {lineCounter, prettyErrors: false, uniqueKeys: true})
  const syntax = doc.errors[0]
  if (syntax) {
    const pos = lineCounter.linePos(syntax.pos[0])
    throw new InputError(`${file}:${pos.line}:${pos.col}`, `YAML syntax: ${firstLine(syntax.message)}`)
  }
  const at = (path: readonly PropertyKey[]): string => locate(doc, lineCounter, file, path)

  const parsed = playbookSchema.safeParse(doc.toJS())
  if (!parsed.success) {
    const issue = pickIssue(parsed.error.issues)
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol')
    const where = offendingPart(issue)
    const position = where === undefined ? at(path) : locate(doc, lineCounter, file, [...path, where], typeof where === 'string')
    throw new InputError(position, `${path.join('.') || '(top level)'}: ${issue.message}`)
  }
  const playbook = parsed.data
  validateSemantics(playbook, at)
  return playbook
}

/** zod reports unions as "invalid input"; the most specific issue is the deepest one. */
function pickIssue(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue {
  const flat: z.core.$ZodIssue[] = []
  for (const issue of issues) {
    flat.push(issue)
    if (issue.code === 'invalid_union') for (const branch of issue.errors) flat.push(...branch)
  }
  return flat.reduce((best, cur) => (cur.path.length > best.path.length ? cur : best), flat[0] ?? issues[0]!)
}

/**
 * zod reports an unknown key or one item too many against the object or list that holds it; the operator
 * needs the line of the key itself, or of the first extra item.
 */
function offendingPart(issue: z.core.$ZodIssue): string | number | undefined {
  if (issue.code === 'unrecognized_keys') return issue.keys[0]
  if (issue.code === 'too_big' && issue.origin === 'array') return Number(issue.maximum)
  return undefined
}

/** Checks the schema cannot express: read-only commands, known parsers, expressions that compile, safe regexes, references. */
function validateSemantics(playbook: Playbook, at: (path: readonly PropertyKey[]) => string): void {
  const known = new Set<string>(['target', 'each', 'sig', 'scope', 'nodes'])
  const seen = new Set<string>()
  const declare = (name: string, path: readonly PropertyKey[]): void => {
    if (known.has(name) || seen.has(name)) throw new InputError(at(path), `fact name "${name}" is used twice or is reserved`)
    seen.add(name)
    known.add(name)
  }

  const checkGather = (g: GatherSpec, path: readonly PropertyKey[]): void => {
    declare(g.id, [...path, 'id'])
    if (!isParserName(g.parse)) throw new InputError(at([...path, 'parse']), `unknown parser "${g.parse}"`)
    if (g.command) {
      const verdict = checkPlaybookCommand(g.command)
      if (!verdict.ok) throw new InputError(at([...path, 'command']), `not read-only: ${verdict.reason}`)
      g.command.forEach((arg, i) => compileTemplate(arg, at([...path, 'command', i])))
    }
    if (g.file) {
      compileTemplate(g.file, at([...path, 'file']))
      const verdict = checkReadablePath(g.file.replaceAll(/\{\{.*?\}\}/g, 'x'))
      if (!verdict.ok) throw new InputError(at([...path, 'file']), `not readable: ${verdict.reason}`)
    }
    if (g.on.startsWith('{{')) compileTemplate(g.on, at([...path, 'on']))
    if (g.for_each) compileExpression(g.for_each, at([...path, 'for_each']))
  }

  playbook.discover?.gather.forEach((g, i) => checkGather(g, ['discover', 'gather', i]))
  if (playbook.discover) compileExpression(playbook.discover.pick, at(['discover', 'pick']))

  const checkIds = new Set<string>()
  playbook.phases.forEach((phase, p) => {
    phase.gather.forEach((g, i) => checkGather(g, ['phases', p, 'gather', i]))
    for (const [name, expr] of Object.entries(phase.derive)) {
      compileExpression(expr, at(['phases', p, 'derive', name]))
      declare(name, ['phases', p, 'derive', name])
    }
    phase.checks.forEach((c, i) => {
      const path = ['phases', p, 'checks', i]
      if (checkIds.has(c.id)) throw new InputError(at([...path, 'id']), `check id "${c.id}" is used twice`)
      checkIds.add(c.id)
      compileExpression(c.when, at([...path, 'when']))
      if (c.cite) compileExpression(c.cite, at([...path, 'cite']))
      if (c.node) compileExpression(c.node, at([...path, 'node']))
      compileTemplate(c.says, at([...path, 'says']))
      if (c.ruled_out) compileTemplate(c.ruled_out, at([...path, 'ruled_out']))
      c.next.forEach((n, j) => compileTemplate(n, at([...path, 'next', j])))
    })
  })

  playbook.scope.forEach((rule, i) => {
    compileExpression(rule.when, at(['scope', i, 'when']))
    compileTemplate(rule.says, at(['scope', i, 'says']))
  })

  playbook.signatures.forEach((s, i) => {
    const path = ['signatures', i]
    if (checkIds.has(s.id)) throw new InputError(at([...path, 'id']), `signature id "${s.id}" clashes with a check id`)
    checkIds.add(s.id)
    for (const source of s.in) {
      if (!seen.has(source)) throw new InputError(at([...path, 'in']), `signature scans "${source}", which no gather defines`)
    }
    let regex: RegExp
    try {
      regex = new RegExp(s.pattern)
    } catch (error) {
      throw new InputError(at([...path, 'pattern']), `invalid regex: ${(error as Error).message}`)
    }
    if (!safeRegex(regex)) {
      throw new InputError(at([...path, 'pattern']), 'regex can backtrack catastrophically (nested quantifiers); rewrite it')
    }
    // The hint is a prefilter: a line without it is never tried, so every match must contain it.
    if (!s.pattern.replaceAll('\\', '').includes(s.hint)) {
      throw new InputError(at([...path, 'hint']), `hint "${s.hint}" does not appear literally in the pattern; every match must contain it`)
    }
    compileTemplate(s.says, at([...path, 'says']))
  })
}

function compileExpression(expr: string, where: string): void {
  try {
    jsonata(expr)
  } catch (error) {
    const e = error as {message?: string; position?: number}
    throw new InputError(where, `expression does not compile: ${e.message ?? String(error)}${e.position ? ` (at character ${e.position})` : ''}`)
  }
}

function compileTemplate(text: string, where: string): void {
  for (const expr of templateExpressions(text)) compileExpression(expr, where)
}

/** Map a path in the parsed data back to file:line:col through the YAML node ranges. */
function locate(doc: Document, lineCounter: LineCounter, file: string, path: readonly PropertyKey[], atKey = false): string {
  let node: unknown = doc.contents
  let lastRange: [number, number, number] | undefined = (doc.contents as YamlNode | null)?.range ?? undefined
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (item.key as {value?: unknown} | null)?.value === key)
      if (!pair) break
      const keyRange = (pair.key as YamlNode | null)?.range
      node = pair.value
      lastRange = (atKey ? keyRange : undefined) ?? (pair.value as YamlNode | null)?.range ?? keyRange ?? lastRange
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key]
      lastRange = (node as YamlNode | null)?.range ?? lastRange
    } else {
      break
    }
  }
  const pos = lineCounter.linePos(lastRange?.[0] ?? 0)
  return `${file}:${pos.line}:${pos.col}`
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message
}
