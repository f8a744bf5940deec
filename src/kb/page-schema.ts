import {z} from 'zod'

import {COMPONENTS} from '../model/components.js'

/**
 * The knowledge-base page format: markdown files under knowledge/ with YAML front matter. Three page types,
 * one folder each: components/, signatures/, guides/. The front matter is the machine-readable part (the
 * playbooks scan logs with the signatures; `kb lint` checks links); the markdown body is for people.
 *
 * Field names are snake_case, as in the playbooks.
 */

const pageId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'an id is lower-case letters, digits and dashes (it is also the file name)')
const componentId = z.enum(COMPONENTS)
const readOnlyCommand = z.string().min(1)

export const componentPageSchema = z
  .object({
    id: componentId,
    type: z.literal('component'),
    title: z.string().min(1),
    summary: z.string().min(1),
    operations: z.array(z.string().min(1)).default([]),
    /** Package, process and container names by distribution family. */
    processes: z
      .object({
        debian: z.array(z.string().min(1)).optional(),
        rdo: z.array(z.string().min(1)).optional(),
        kolla: z.array(z.string().min(1)).optional(),
      })
      .strict()
      .default({}),
    logs: z
      .object({
        files: z.array(z.string().startsWith('/')).default([]),
        units: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .default({files: [], units: []}),
    commands: z.array(readOnlyCommand).default([]),
    depends_on: z.array(componentId).default([]),
    called_by: z.array(componentId).default([]),
    signatures: z.array(pageId).default([]),
  })
  .strict()

/**
 * How wide a fault a signature suggests. The playbook levels, plus `service` (one service on one node),
 * which ranks as `host`.
 */
export const signatureLevel = z.enum(['instance', 'service', 'host', 'network', 'control-plane'])

const example = z.object({line: z.string().min(1), source: z.string().min(1)}).strict()
const nearMiss = z.object({line: z.string().min(1), why: z.string().min(1)}).strict()
const duration = z.string().regex(/^\d+(s|m|h|d)$/, 'a duration is a number and a unit: 90s, 10m, 2h, 1d')

/**
 * What ends a signature: the line a service writes when the trouble is over (`Reconnected to AMQP server`).
 * When it follows the signature's last match in the same log (same process, where the log names one), the
 * match is a past event that ended, not a current cause.
 */
export const endedBySchema = z
  .object({
    /** Plain words for the report: "recovered: <says>". */
    says: z.string().min(1),
    /** A literal every recovery line contains (case-sensitive), as for `hint`. */
    hint: z.string().min(3),
    /** ECMAScript regex, ReDoS-checked like `pattern`. */
    pattern: z.string().min(1),
    flags: z.enum(['', 'i']).default(''),
    /**
     * true (default): only a recovery written by the same process (pid) ends the matches of that process.
     * false: any later recovery line in that log ends it (a daemon's startup line, written by its new pid).
     */
    same_process: z.boolean().default(true),
    /** Real recovery lines, each with where it came from. */
    examples: z.array(example).min(1, 'ended_by needs at least one real recovery line'),
  })
  .strict()

export const signaturePageSchema = z
  .object({
    id: pageId,
    type: z.literal('signature'),
    title: z.string().min(1),
    /** The component a match implicates. */
    component: componentId,
    /** Whose logs to scan: component ids (a gather's `log_of`), or `any`. */
    in: z.array(z.union([componentId, z.literal('any')])).min(1),
    /** A literal every matching line contains (case-sensitive): the cheap prefilter. */
    hint: z.string().min(3),
    /** ECMAScript regex, ReDoS-checked. */
    pattern: z.string().min(1),
    flags: z.enum(['', 'i']).default(''),
    min_count: z.number().int().positive().default(1),
    /** min_count matches within this long, e.g. 90s, 10m, 2h, 1d (by the lines' own timestamps). */
    window: z
      .string()
      .regex(/^\d+(s|m|h|d)$/, 'a window is a number and a unit: 90s, 10m, 2h, 1d')
      .optional(),
    roles: z.array(z.string().regex(/^[a-z]+$/)).optional(),
    /**
     * A regex whose first group is the node a matching line is about, when that is not the node whose log it
     * is (neutron-server names the agent host whose clock is off). Without it, or when it does not match,
     * the finding is for the log's own node.
     */
    names_node: z.string().min(1).optional(),
    /** The line that ends this trouble, when the service writes one. */
    ended_by: endedBySchema.optional(),
    /**
     * The error comes back at least this often while the fault lasts (a periodic task that fails each run).
     * When the log goes on for more than twice this long without it, the trouble ended silently.
     */
    repeats_every: duration.optional(),
    /**
     * The line only says that something waited too long (an RPC reply, an OVSDB commit, a status report). A
     * starved node writes such lines without anything on it being broken, so a measured saturation of the
     * same node takes them in (a playbook's `slowness` dependency, src/reason/rank.ts).
     */
    timeout: z.boolean().default(false),
    /** Free text for the reader (e.g. '>=zed'); not enforced. */
    versions: z.string().optional(),
    level: signatureLevel,
    weight: z.number().min(0).max(1),
    next: z.array(readOnlyCommand).default([]),
    fix: z.string().min(1),
    references: z.array(z.string().min(1)).default([]),
    examples: z
      .object({
        match: z.array(example).min(1, 'a signature needs at least one real line that matches'),
        near_miss: z
          .array(nearMiss)
          .min(1, 'a signature needs at least one near-miss line that must not match'),
      })
      .strict(),
  })
  .strict()

/** A guide explains one playbook; its front matter mirrors the playbook so `kb lint` can tell when they drift. */
export const guidePageSchema = z
  .object({
    id: pageId,
    type: z.literal('guide'),
    title: z.string().min(1),
    playbook: z.string().min(1),
    components: z.array(componentId).default([]),
    phases: z
      .array(
        z
          .object({
            id: z.string().min(1),
            checks: z.array(z.string()).default([]),
          })
          .strict(),
      )
      .default([]),
  })
  .strict()

export type ComponentPage = z.infer<typeof componentPageSchema>
export type SignaturePage = z.infer<typeof signaturePageSchema>
export type GuidePage = z.infer<typeof guidePageSchema>
export type SignatureLevel = z.infer<typeof signatureLevel>
export type EndedBy = z.infer<typeof endedBySchema>

export const PAGE_TYPES = ['component', 'signature', 'guide'] as const
export type PageType = (typeof PAGE_TYPES)[number]

/** The folder each page type lives in. */
export const PAGE_FOLDERS: Record<PageType, string> = {
  component: 'components',
  signature: 'signatures',
  guide: 'guides',
}

export const PAGE_SCHEMAS = {
  component: componentPageSchema,
  signature: signaturePageSchema,
  guide: guidePageSchema,
} as const
