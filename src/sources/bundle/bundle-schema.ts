/**
 * bundle.json: its schema (docs/bundle-format.md) and a parser whose errors name file:line:col.
 */
import {z} from 'zod'

import {InputError} from '../../model/errors.js'
import {ROLES} from '../../model/node.js'

export const BUNDLE_FORMAT = 'cloudtriage-bundle'
export const BUNDLE_VERSION = 1

const requestSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('command'),
    argv: z.array(z.string()).min(1),
    timeoutMs: z.number().int().positive().optional(),
  }),
  z.strictObject({
    kind: z.literal('file'),
    path: z.string().min(1),
    tailLines: z.number().int().nonnegative().optional(),
  }),
])

const itemSchema = z.object({
  key: z.string(),
  node: z.string().min(1),
  request: requestSchema,
  status: z.enum(['ok', 'failed', 'timeout', 'unreachable', 'not-collected', 'refused']),
  exitCode: z.number().int().nullable(),
  durationMs: z.number().nonnegative(),
  truncated: z.boolean(),
  origin: z.string(),
  error: z.string().nullable(),
  capturedAt: z.string().nullable(),
  // Only items/NNNN.out: a bundle must not point a reader at files outside itself.
  stdoutFile: z.string().regex(/^items\/\d{4,}\.out$/),
  stderr: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
})

export const bundleSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  version: z.number().int().positive(),
  createdAt: z.string(),
  complete: z.boolean(),
  incompleteReason: z.string().nullable(),
  tool: z.object({name: z.string(), version: z.string()}),
  playbook: z.string().nullable(),
  target: z.string().nullable(),
  nodes: z.array(z.object({name: z.string().min(1), roles: z.array(z.enum(ROLES))})),
  items: z.array(itemSchema),
})

export type BundleManifest = z.infer<typeof bundleSchema>
export type BundleItem = z.infer<typeof itemSchema>

/**
 * Parse and validate bundle.json text. `file` names it in errors. The version is checked before the
 * schema, so a newer bundle gets "upgrade cloudtriage" rather than a list of fields we do not know.
 */
export function parseBundleJson(text: string, file: string): BundleManifest {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const at = positionOf(message, text)
    throw new InputError(at ? `${file}:${at.line}:${at.column}` : file, `not valid JSON (${message})`)
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InputError(file, 'not a cloudtriage bundle (bundle.json is not an object)')
  }
  const head = raw as {format?: unknown; version?: unknown}
  if (head.format !== BUNDLE_FORMAT) {
    throw new InputError(
      file,
      `not a cloudtriage bundle (format is ${JSON.stringify(head.format) ?? 'missing'})`,
    )
  }
  const version = head.version
  if (typeof version === 'number' && Number.isInteger(version) && version > BUNDLE_VERSION) {
    throw new InputError(
      file,
      `bundle version ${version} is newer than this cloudtriage supports (${BUNDLE_VERSION}); upgrade cloudtriage`,
    )
  }
  const parsed = bundleSchema.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''
    throw new InputError(file, `${where}${issue?.message ?? 'invalid'}`)
  }
  return parsed.data
}

/** V8 says "… in JSON at position 57" (Node 20) or "(line 3 column 5)" (newer V8). */
export function positionOf(message: string, text: string): {line: number; column: number} | null {
  const lineCol = /line (\d+) column (\d+)/.exec(message)
  if (lineCol) return {line: Number(lineCol[1]), column: Number(lineCol[2])}
  const position = /position (\d+)/.exec(message)
  if (!position) return null
  const offset = Number(position[1])
  const before = text.slice(0, offset)
  const line = before.split('\n').length
  return {line, column: offset - before.lastIndexOf('\n')}
}
