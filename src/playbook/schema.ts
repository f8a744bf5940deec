import {z} from 'zod'

import {COMPONENTS} from '../model/components.js'

/**
 * The playbook format. A playbook is data: what to gather (by role or node), how to parse it, and named
 * checks whose conclusions raise findings for suspects. Expressions are JSONata, evaluated against the
 * gathered facts, each fact bound as a `$variable` named after its gather id.
 *
 * Field names are snake_case in YAML, as operators write them; the loader hands the engine the same
 * structure, validated.
 */

const id = z.string().regex(/^[a-z][a-zA-Z0-9_-]*$/, 'an id is a letter followed by letters, digits, _ or -')
const factName = z.string().regex(/^[a-z][a-zA-Z0-9]*$/, 'a fact name is camelCase letters and digits (it becomes a $variable)')

/** Where a gather runs: the openstack client (`api`), all nodes of a role, every node, or a templated node name. */
const target = z.union([
  z.literal('api'),
  z.literal('all'),
  z.string().regex(/^role:[a-z]+$/, 'expected api, all, role:<role>, or a {{ expression }} naming nodes'),
  z.string().regex(/^\{\{.*\}\}$/, 'expected api, all, role:<role>, or a {{ expression }} naming nodes'),
])

export const level = z.enum(['instance', 'host', 'network', 'control-plane'])
export type Level = z.infer<typeof level>

const gather = z
  .object({
    id: factName,
    on: target,
    command: z.array(z.string().min(1)).min(1).optional(),
    file: z.string().startsWith('/').optional(),
    tail_lines: z.number().int().positive().max(1_000_000).optional(),
    parse: z.string(),
    /** Run once per item of this expression's result, bound as $each. */
    for_each: z.string().optional(),
    max_items: z.number().int().positive().max(200).default(20),
    /** Take two samples this far apart, for rates (CPU, disk, NIC). Live only; offline has one sample. */
    sample_interval_ms: z.number().int().min(500).max(30_000).optional(),
    timeout_ms: z.number().int().positive().max(600_000).optional(),
    /** When this fails the target does not exist or cannot be read: stop with an input error. */
    identifies_target: z.boolean().default(false),
    /** This gather is the log of that component: the knowledge base's signatures for it scan the text. */
    log_of: z.enum(COMPONENTS).optional(),
    why: z.string().optional(),
  })
  .strict()
  .refine((g) => Boolean(g.command) !== Boolean(g.file), {message: 'a gather has exactly one of command or file'})

const check = z
  .object({
    id,
    component: z.enum(COMPONENTS),
    level,
    /** JSONata; truthy (non-empty, non-false) means the finding is raised. */
    when: z.string(),
    /** JSONata selecting the evidence to cite; defaults to the facts named in `when`. */
    cite: z.string().optional(),
    /** JSONata naming the node at fault; defaults to the node of the first cited item. */
    node: z.string().optional(),
    weight: z.number().min(0).max(1),
    says: z.string(),
    ruled_out: z.string().optional(),
    /** The finding only says something waited too long: a saturated node explains it (src/reason/rank.ts). */
    timeout: z.boolean().default(false),
    next: z.array(z.string()).default([]),
    kb: z.array(z.string()).default([]),
  })
  .strict()

const signature = z
  .object({
    id,
    /** Gather ids whose text is scanned. */
    in: z.array(factName).min(1),
    /** Literal that every match contains: the cheap prefilter. */
    hint: z.string().min(3),
    /** ECMAScript regex, checked for catastrophic backtracking at load. */
    pattern: z.string(),
    min_count: z.number().int().positive().default(1),
    component: z.enum(COMPONENTS),
    level,
    weight: z.number().min(0).max(1),
    says: z.string(),
    /** The lines only say something waited too long: a saturated node explains them (src/reason/rank.ts). */
    timeout: z.boolean().default(false),
    next: z.array(z.string()).default([]),
    kb: z.array(z.string()).default([]),
  })
  .strict()

const phase = z
  .object({
    id: z.enum(['macro', 'roles', 'blast-radius', 'resources']),
    title: z.string(),
    purpose: z.string(),
    gather: z.array(gather).default([]),
    /** Derived facts: name -> JSONata over the facts so far. */
    derive: z.record(factName, z.string()).default({}),
    checks: z.array(check).default([]),
  })
  .strict()

const scopeRule = z
  .object({
    level,
    when: z.string(),
    says: z.string(),
  })
  .strict()

export const playbookSchema = z
  .object({
    id,
    title: z.string(),
    summary: z.string(),
    target: z
      .object({
        kind: z.enum(['server', 'volume', 'service', 'none']),
        /** Live runs need it; offline runs may discover it. */
        required: z.enum(['always', 'live', 'never']),
        description: z.string(),
      })
      .strict(),
    /** Offline without a target: gather these, then pick the target with `pick`. */
    discover: z
      .object({
        gather: z.array(gather).min(1),
        pick: z.string(),
      })
      .strict()
      .optional(),
    components: z
      .array(z.object({id: z.enum(COMPONENTS), role: z.string()}).strict())
      .min(1),
    phases: z.array(phase).length(4),
    scope: z.array(scopeRule).min(1),
    signatures: z.array(signature).default([]),
    /**
     * JSONata naming the request ids this run is about (e.g. the boot's, from its instance actions). A
     * knowledge-base match on a log line that names another request (`req-<uuid>`) is that request's story,
     * not this one's: it leaves the ranking and is noted under Ruled out. `"[]"` for a sweep about no request
     * (control-plane): there a request's failure is a symptom, and the sweep's own checks look for causes.
     * Lines that name no request (a service's own AMQP, DB or OVSDB errors) always count.
     */
    kb_requests: z.string().optional(),
    /**
     * Per component, JSONata that is true when this run's own evidence shows it healthy now (RabbitMQ: status
     * answers, no alarm). Its knowledge-base matches whose last line is over a minute old are then an outage
     * that ended (a broker restarted two minutes ago leaves hundreds of "connection refused" lines in idle
     * workers' logs that no reconnect line follows): reported under Ruled out, not ranked.
     */
    kb_healthy_now: z.partialRecord(z.enum(COMPONENTS), z.string()).default({}),
    /** Shared dependencies (RabbitMQ, the database): suspects they explain fold under them (src/reason/rank.ts). */
    dependencies: z
      .array(
        z
          .object({
            component: z.enum(COMPONENTS),
            explains: z.array(z.enum(COMPONENTS)).min(1),
            /**
             * A node resource (CPU, memory, disk I/O): when it is a suspect it takes in the *timeout* findings
             * filed on the same node, however high they rank, and nothing else (a starved node's services time
             * out louder than the node complains; a hard failure there is a cause of its own).
             */
            slowness: z.boolean().default(false),
          })
          .strict(),
      )
      .default([]),
  })
  .strict()
  .refine((p) => p.phases.map((ph) => ph.id).join(',') === 'macro,roles,blast-radius,resources', {
    message: 'phases must be, in order: macro, roles, blast-radius, resources',
    path: ['phases'],
  })

export type Playbook = z.infer<typeof playbookSchema>
export type Phase = Playbook['phases'][number]
export type GatherSpec = z.infer<typeof gather>
export type CheckSpec = z.infer<typeof check>
export type SignatureSpec = z.infer<typeof signature>
export type ScopeRule = z.infer<typeof scopeRule>
