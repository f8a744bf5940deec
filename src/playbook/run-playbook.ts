import {setTimeout as sleep} from 'node:timers/promises'

import {Gatherer} from '../collect/gather.js'
import {API_NODE, describeRequest, type EvidenceRequest, type Gathered} from '../model/evidence.js'
import {InputError, UnknownTarget} from '../model/errors.js'
import {KNOWLEDGE_DIR, loadKnowledgeCached, type KnowledgeBase} from '../kb/load-knowledge.js'
import {
  describeEnding,
  freshness,
  matchAgeMs,
  scanComponentLogs,
  type ComponentLog,
  type Ending,
  type SignatureHit,
} from '../kb/log-scan.js'
import type {SignatureEntry} from '../kb/parse-page.js'
import type {SignatureLevel} from '../kb/page-schema.js'
import type {NodeRef} from '../model/node.js'
import {PARSERS} from '../parse/index.js'
import {SAMPLE_RATES} from './sample-rates.js'
import {citeItems, type StoredEvidence} from '../reason/cite.js'
import type {
  Diagnosis,
  Finding,
  GatherOutcome,
  KbEntryRef,
  Missing,
  PhaseOutcome,
  RuledOut,
  Scope,
} from '../reason/diagnosis.js'
import {rankSuspects} from '../reason/rank.js'
import type {EvidenceSource} from '../sources/source.js'
import type {CheckSpec, GatherSpec, Playbook} from './schema.js'
import {compileScanner} from './signature-scan.js'
import {evaluate, isTruthy, referencedVariables, renderProse, renderTemplate, type Bindings} from './template.js'

export interface RunOptions {
  /** Server name/id, volume…; null offline when the playbook may discover it. */
  readonly target: string | null
  readonly concurrency?: number
  readonly signal?: AbortSignal
  readonly onGathered?: (gathered: Gathered) => void
  readonly onPhase?: (phaseTitle: string) => void
  /** Injected for tests; defaults to real time. */
  readonly now?: () => Date
  /**
   * The knowledge base whose signatures scan every gather marked `log_of` (default: the built-in knowledge/);
   * null to scan with the playbook's own signatures only.
   */
  readonly knowledgeDir?: string | null
}

/** Why one piece of a fact is absent. */
interface MissingPart {
  readonly node: string | null
  readonly command: string
  readonly reason: string
}

interface FactState {
  readonly available: boolean
  readonly missing: readonly MissingPart[]
  /** Indexes into the evidence store, for signature scanning. */
  readonly stored: readonly number[]
  readonly phase: string
  /** A derived fact computed while some fact it reads was missing: its value may be short of the truth. */
  readonly partial?: boolean
}

const MAX_CITED = 5

/** How the openstack client and the APIs say a named resource does not exist. */
const NOT_FOUND = /No \S+ with a name or ID of|No \S+ found for|could not be found|\(HTTP 404\)/i

/**
 * Walk a playbook's four phases against a source and conclude. The flow is the method the product encodes:
 * gather what the phase needs (later gathers may depend on earlier facts: the server's host decides which
 * node's logs we read), derive facts, run checks, then rank suspects by how well they explain the scope.
 *
 * It never aborts for a node or command problem: what could not be gathered becomes "missing evidence"
 * with the command that would fill it, and the checks that needed it are reported as undetermined.
 */
export async function runPlaybook(playbook: Playbook, source: EvidenceSource, options: RunOptions): Promise<Diagnosis> {
  const now = options.now ?? (() => new Date())
  const started = now()
  const live = source.kind === 'live'
  const nodes = await source.nodes()
  const gatherer = new Gatherer(source, {concurrency: options.concurrency, onGathered: options.onGathered, signal: options.signal})
  const store: StoredEvidence[] = []
  const facts = new Map<string, FactState>()
  const bindings: Bindings = {target: options.target, nodes: nodes.map((n) => ({name: n.name, roles: [...n.roles]}))}
  const notes: string[] = []

  if (!options.target && playbook.target.required === 'always') {
    throw new InputError('target', `${playbook.id} needs a ${playbook.target.kind} (${playbook.target.description})`)
  }
  if (!options.target && playbook.target.required === 'live' && live) {
    throw new InputError('target', `${playbook.id} needs a ${playbook.target.kind} when run live (${playbook.target.description})`)
  }

  const ctx: Ctx = {playbook, source, nodes, gatherer, store, facts, bindings, live, signal: options.signal}
  const discoverOutcomes: GatherOutcome[] = []
  if (!options.target && playbook.discover) {
    options.onPhase?.('Looking for a failing target in the evidence')
    discoverOutcomes.push(...(await gatherWave(ctx, playbook.discover.gather, 'macro')))
    const picked = await safeEvaluate(playbook.discover.pick, bindings)
    if (typeof picked === 'string' && picked !== '') {
      bindings.target = picked
      notes.push(`No ${playbook.target.kind} was named; the evidence shows ${picked} failing, so this report is about it.`)
    } else {
      notes.push(`No ${playbook.target.kind} was named and the evidence shows none failing.`)
    }
  }

  const findings: Finding[] = []
  const ruledOut: RuledOut[] = []
  const blocked = new Map<string, Set<string>>()
  const phases: PhaseOutcome[] = []
  let scope: Scope | undefined

  for (const phase of playbook.phases) {
    options.onPhase?.(phase.title)
    const outcomes = phase.id === 'macro' ? [...discoverOutcomes] : []
    outcomes.push(...(await gatherPhase(ctx, phase.gather, phase.id)))
    for (const [name, expr] of Object.entries(phase.derive)) {
      await derive(ctx, name, expr, phase.id)
    }
    const fired: string[] = []
    const cleared: string[] = []
    const undetermined: string[] = []
    for (const check of phase.checks) {
      const result = await runCheck(ctx, check, phase.id)
      if (result.kind === 'finding') {
        findings.push(result.finding)
        fired.push(check.id)
      } else if (result.kind === 'ruled-out') {
        ruledOut.push(result.ruledOut)
        cleared.push(check.id)
      } else {
        undetermined.push(check.id)
        for (const fact of result.missingFacts) blocked.set(fact, (blocked.get(fact) ?? new Set()).add(check.id))
      }
    }
    if (phase.id === 'blast-radius') scope = await decideScope(ctx)
    phases.push({id: phase.id, title: phase.title, purpose: phase.purpose, gathered: outcomes, findings: fired, ruledOut: cleared, undetermined})
  }

  // Signatures scan everything their sources gathered; matches count per node, so one bad compute is one finding.
  const signatureFindings = await scanSignatures(ctx)
  findings.push(...signatureFindings)
  for (const f of signatureFindings) {
    const phase = phases.find((p) => p.id === f.phase)
    if (phase) (phase.findings as string[]).push(f.check)
  }

  // Knowledge-base signatures scan the component logs: data, not code, decides what a log line means.
  const kb = options.knowledgeDir === null ? undefined : await loadKnowledgeForRun(options.knowledgeDir ?? KNOWLEDGE_DIR, notes)
  const ownRequests = playbook.kb_requests === undefined ? undefined : requestIdsOf(await safeEvaluate(playbook.kb_requests, ctx.bindings))
  const healthyNow = new Set<string>()
  for (const [component, expr] of Object.entries(playbook.kb_healthy_now)) {
    if (await isTruthy(expr, ctx.bindings).catch(() => false)) healthyNow.add(component)
  }
  const {findings: kbFindings, ended: kbEnded} = kb ? scanKnowledgeSignatures(ctx, kb, ownRequests, healthyNow) : {findings: [], ended: []}
  findings.push(...kbFindings)
  // A log error followed by its recovery is a past event that ended: said in words, never ranked.
  ruledOut.push(...kbEnded)
  for (const f of kbFindings) {
    const phase = phases.find((p) => p.id === f.phase)
    if (phase && !phase.findings.includes(f.check)) (phase.findings as string[]).push(f.check)
  }

  const finalScope = scope ?? {level: 'instance' as const, says: 'Scope unknown: the evidence to tell one failing VM from many was not gathered.'}
  const suspects = rankSuspects(findings, finalScope, playbook.dependencies)
  const missing = collectMissing(facts, blocked)
  const nextCommands = dedupe([...suspects.slice(0, 3).flatMap((s) => s.next), ...missing.flatMap(runnableOnItsNode)]).slice(0, 12)

  return {
    playbook: playbook.id,
    title: playbook.title,
    target: typeof bindings.target === 'string' ? bindings.target : null,
    source: {kind: source.kind, description: source.description},
    startedAt: started.toISOString(),
    durationMs: now().getTime() - started.getTime(),
    components: playbook.components,
    scope: finalScope,
    phases,
    suspects,
    ruledOut,
    missing,
    nextCommands,
    audit: gatherer.audit,
    complete: missing.length === 0 && !options.signal?.aborted,
    notes: [...notes, ...(source.notes?.() ?? [])],
    kb: kbEntriesUsed([...findings.flatMap((f) => f.kb), ...kbEnded.map((r) => r.check)], kb),
  }
}

interface Ctx {
  readonly playbook: Playbook
  readonly source: EvidenceSource
  readonly nodes: readonly NodeRef[]
  readonly gatherer: Gatherer
  readonly store: StoredEvidence[]
  readonly facts: Map<string, FactState>
  readonly bindings: Bindings
  readonly live: boolean
  readonly signal: AbortSignal | undefined
}

/** Gathers of one phase, in waves: a gather runs once every fact it refers to has been settled. */
async function gatherPhase(ctx: Ctx, specs: readonly GatherSpec[], phase: string): Promise<GatherOutcome[]> {
  const outcomes: GatherOutcome[] = []
  let pending = [...specs]
  const declaredHere = new Set(specs.map((s) => s.id))
  while (pending.length > 0) {
    const ready = pending.filter((spec) => dependencies(spec).every((dep) => !declaredHere.has(dep) || ctx.facts.has(dep)))
    // A cycle (or a reference to a later gather) cannot be satisfied: run the rest so they report what they miss.
    const wave = ready.length > 0 ? ready : pending
    outcomes.push(...(await gatherWave(ctx, wave, phase)))
    pending = pending.filter((spec) => !wave.includes(spec))
  }
  return outcomes
}

function dependencies(spec: GatherSpec): string[] {
  const texts = [spec.on, spec.for_each ?? '', spec.file ?? '', ...(spec.command ?? [])]
  return texts.flatMap(referencedVariables)
}

async function gatherWave(ctx: Ctx, specs: readonly GatherSpec[], phase: string): Promise<GatherOutcome[]> {
  const results = await Promise.all(specs.map((spec) => gatherFact(ctx, spec, phase)))
  return results.flat()
}

/** Resolve one gather spec into jobs, run them, parse, and bind the fact. */
async function gatherFact(ctx: Ctx, spec: GatherSpec, phase: string): Promise<GatherOutcome[]> {
  const missingDeps = dependencies(spec).filter((dep) => isFactName(ctx, dep) && !ctx.facts.get(dep)?.available)
  if (missingDeps.length > 0) {
    const reason = `needs ${missingDeps.map((d) => `$${d}`).join(', ')}, which could not be gathered`
    return skip(ctx, spec, phase, reason)
  }

  const {jobs, skipped, multi} = await resolveJobs(ctx, spec)
  if (jobs.length === 0 && skipped.length === 0 && spec.for_each && knownInFull(ctx, spec.for_each)) {
    // A for_each over nothing (a cloud without routers): nothing to ask, so an empty fact, not missing evidence.
    ctx.bindings[spec.id] = []
    ctx.facts.set(spec.id, {available: true, missing: [], stored: [], phase})
    return []
  }
  if (jobs.length === 0) return skip(ctx, spec, phase, skipped[0] ?? 'no node matches')

  const first = await ctx.gatherer.gatherAll(jobs)
  let second: Gathered[] | undefined
  if (spec.sample_interval_ms && ctx.live && !ctx.signal?.aborted) {
    await sleep(spec.sample_interval_ms)
    second = await ctx.gatherer.gatherAll(jobs)
  }

  const values: unknown[] = []
  const missing: MissingPart[] = skipped.map((reason) => ({node: null, command: commandOf(spec), reason}))
  const stored: number[] = []
  const outcomes: GatherOutcome[] = []
  const parse = (PARSERS as Readonly<Record<string, (text: string) => unknown>>)[spec.parse]
  if (!parse) throw new Error(`parser ${spec.parse} vanished after load`)

  first.forEach((g, i) => {
    const latest = second?.[i] ?? g
    outcomes.push(outcomeOf(spec.id, latest))
    if (latest.status !== 'ok') {
      missing.push({node: latest.node, command: describeRequest(latest.request), reason: latest.error ?? latest.status})
      return
    }
    const text = latest.stdout.trim() === '' && latest.exitCode !== 0 ? latest.stderr : latest.stdout
    const target = ctx.bindings.target
    if (spec.identifies_target && latest.exitCode !== 0 && typeof target === 'string' && target !== '') {
      // Only "no such server" means the operator named something that is not there (exit 2). Any other
      // failure (nova-api answering 500, a timeout) says nothing about the target: it is missing evidence.
      const said = firstLine(latest.stderr || latest.stdout)
      if (NOT_FOUND.test(said)) {
        throw new UnknownTarget(`${target}: ${said} (from ${describeRequest(latest.request)} on ${latest.node})`)
      }
      missing.push({node: latest.node, command: describeRequest(latest.request), reason: `exit ${latest.exitCode}: ${said}`})
      return
    }
    const ref = ctx.store.push({gathered: latest, text}) - 1
    stored.push(ref)
    let value: unknown
    try {
      value = parse(text)
      const rate = SAMPLE_RATES[spec.parse]
      if (rate && isRecord(value)) {
        value = {...value, rates: second && g.status === 'ok' ? rate(parse(g.stdout), value, spec.sample_interval_ms ?? 0) : null}
      }
    } catch (error) {
      missing.push({node: latest.node, command: describeRequest(latest.request), reason: `output could not be parsed: ${(error as Error).message}`})
      return
    }
    values.push(stamp(value, {_node: latest.node, _source: describeRequest(latest.request), _ref: ref, _exit: latest.exitCode}))
  })

  const available = values.length > 0
  if (available) ctx.bindings[spec.id] = multi ? values.flatMap((v) => (Array.isArray(v) ? v : [v])) : values[0]
  ctx.facts.set(spec.id, {available, missing, stored, phase})
  return outcomes
}

async function resolveJobs(ctx: Ctx, spec: GatherSpec): Promise<{jobs: {node: string; request: EvidenceRequest}[]; skipped: string[]; multi: boolean}> {
  const jobs: {node: string; request: EvidenceRequest}[] = []
  const skipped: string[] = []
  let multi = spec.on === 'all' || spec.on.startsWith('role:') || Boolean(spec.for_each)
  let items: unknown[] = [undefined]
  if (spec.for_each) {
    const value = await safeEvaluate(spec.for_each, ctx.bindings)
    items = (Array.isArray(value) ? value : value === undefined ? [] : [value]).slice(0, spec.max_items)
  }
  for (const each of items) {
    const scoped = each === undefined ? ctx.bindings : {...ctx.bindings, each}
    const nodeNames = await resolveOn(ctx, spec.on, scoped)
    if (nodeNames.length > 1) multi = true
    if (nodeNames.length === 0) skipped.push(`no node matches "${spec.on}"`)
    for (const node of nodeNames) {
      const request = await buildRequest(spec, scoped)
      if (!request) {
        skipped.push(`cannot build "${commandOf(spec)}": a value it needs is missing`)
        continue
      }
      jobs.push({node, request})
    }
  }
  return {jobs, skipped, multi}
}

async function resolveOn(ctx: Ctx, on: string, bindings: Bindings): Promise<string[]> {
  if (on === 'api') return [API_NODE]
  if (on === 'all') return ctx.nodes.map((n) => n.name)
  if (on.startsWith('role:')) {
    const role = on.slice('role:'.length)
    return ctx.nodes.filter((n) => (n.roles as readonly string[]).includes(role)).map((n) => n.name)
  }
  const value = await safeEvaluate(on.replace(/^\{\{/, '').replace(/\}\}$/, ''), bindings)
  const names = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string' && v !== '')
  return [...new Set(names.map((name) => canonicalNodeName(ctx.nodes, name)))]
}

/** Nova says "compute-0.example.org", the sosreport says "compute-0": the same node. */
export function canonicalNodeName(nodes: readonly NodeRef[], name: string): string {
  if (nodes.some((n) => n.name === name)) return name
  const short = name.split('.')[0]
  return nodes.find((n) => n.name.split('.')[0] === short)?.name ?? name
}

async function buildRequest(spec: GatherSpec, bindings: Bindings): Promise<EvidenceRequest | undefined> {
  if (spec.file) {
    const path = await renderTemplate(spec.file, bindings)
    return path === undefined ? undefined : {kind: 'file', path, ...(spec.tail_lines ? {tailLines: spec.tail_lines} : {})}
  }
  const argv: string[] = []
  for (const arg of spec.command ?? []) {
    const rendered = await renderTemplate(arg, bindings)
    if (rendered === undefined) return undefined
    argv.push(rendered)
  }
  return {kind: 'command', argv, ...(spec.timeout_ms ? {timeoutMs: spec.timeout_ms} : {})}
}

function skip(ctx: Ctx, spec: GatherSpec, phase: string, reason: string): GatherOutcome[] {
  ctx.facts.set(spec.id, {available: false, missing: [{node: null, command: commandOf(spec), reason}], stored: [], phase})
  return [{id: spec.id, node: spec.on, command: commandOf(spec), status: 'skipped', exitCode: null, durationMs: 0, origin: 'cloudtriage', error: reason}]
}

function commandOf(spec: GatherSpec): string {
  if (spec.file) return spec.tail_lines ? `tail -n ${spec.tail_lines} ${spec.file}` : `cat ${spec.file}`
  return (spec.command ?? []).join(' ')
}

function outcomeOf(id: string, g: Gathered): GatherOutcome {
  return {
    id,
    node: g.node,
    command: describeRequest(g.request),
    status: g.status,
    exitCode: g.exitCode,
    durationMs: g.durationMs,
    origin: g.origin,
    ...(g.error ? {error: g.error} : {}),
  }
}

async function derive(ctx: Ctx, name: string, expr: string, phase: string): Promise<void> {
  const deps = referencedVariables(expr).filter((d) => isFactName(ctx, d))
  const absent = deps.filter((d) => !ctx.facts.get(d)?.available)
  // A derived fact over partly missing facts is still useful (e.g. servers from the list even if ports are missing),
  // so it is available whenever it evaluates to something.
  // An empty selection is an answer ("no dead agent"), not missing evidence: JSONata says undefined for both.
  const value = await safeEvaluate(expr, ctx.bindings)
  const available = value !== undefined || absent.length === 0
  if (available) ctx.bindings[name] = value ?? []
  const missing = available ? [] : absent.flatMap((d) => ctx.facts.get(d)?.missing ?? [])
  ctx.facts.set(name, {available, missing, stored: [], phase, partial: absent.length > 0 || deps.some((d) => ctx.facts.get(d)?.partial)})
}

type CheckResult =
  | {kind: 'finding'; finding: Finding}
  | {kind: 'ruled-out'; ruledOut: RuledOut}
  | {kind: 'undetermined'; missingFacts: string[]}

async function runCheck(ctx: Ctx, check: CheckSpec, phase: string): Promise<CheckResult> {
  const exprs = [check.when, check.cite ?? '', check.node ?? '']
  const deps = [...new Set(exprs.flatMap(referencedVariables))].filter((d) => isFactName(ctx, d))
  const missingFacts = deps.filter((d) => !ctx.facts.get(d)?.available)
  if (missingFacts.length > 0) return {kind: 'undetermined', missingFacts}

  let fired: boolean
  try {
    fired = await isTruthy(check.when, ctx.bindings)
  } catch (error) {
    throw new Error(`check ${check.id}: "when" failed to evaluate: ${(error as Error).message}`)
  }
  if (!fired) {
    const reason = check.ruled_out ? await renderProse(check.ruled_out, ctx.bindings) : `${check.id}: not seen`
    return {kind: 'ruled-out', ruledOut: {check: check.id, component: check.component, reason}}
  }

  const citeExpr = check.cite ?? deps.map((d) => `$${d}`).join(', ')
  const cited = citeExpr ? await safeEvaluate(deps.length > 1 && !check.cite ? `[${citeExpr}]` : citeExpr, ctx.bindings) : undefined
  const evidence = citeItems(cited, ctx.store, MAX_CITED)
  const nodeValue = check.node ? await safeEvaluate(check.node, ctx.bindings) : evidence[0]?.node
  const node = typeof nodeValue === 'string' && nodeValue !== API_NODE ? canonicalNodeName(ctx.nodes, nodeValue) : null
  return {
    kind: 'finding',
    finding: {
      check: check.id,
      phase,
      component: check.component,
      node,
      level: check.level,
      weight: check.weight,
      summary: await renderProse(check.says, ctx.bindings),
      evidence,
      next: await Promise.all(check.next.map((n) => renderProse(n, ctx.bindings))),
      kb: check.kb,
      ...(check.timeout ? {timeout: true} : {}),
    },
  }
}

async function decideScope(ctx: Ctx): Promise<Scope | undefined> {
  for (const rule of ctx.playbook.scope) {
    const deps = referencedVariables(rule.when).filter((d) => isFactName(ctx, d))
    if (deps.some((d) => !ctx.facts.get(d)?.available)) continue
    if (await isTruthy(rule.when, ctx.bindings).catch(() => false)) {
      return {level: rule.level, says: await renderProse(rule.says, ctx.bindings)}
    }
  }
  return undefined
}

async function scanSignatures(ctx: Ctx): Promise<Finding[]> {
  const signatures = ctx.playbook.signatures
  if (signatures.length === 0) return []
  const scanner = compileScanner(signatures)
  const bySig = new Map<string, {ref: number; line: number; text: string}[]>()
  const scanned = new Set<number>()
  for (const sig of signatures) {
    for (const source of sig.in) {
      for (const ref of ctx.facts.get(source)?.stored ?? []) {
        if (scanned.has(ref)) continue
        scanned.add(ref)
        const stored = ctx.store[ref]
        if (!stored) continue
        for (const [id, matches] of scanner.scan(stored.text)) {
          const wanted = signatures.find((s) => s.id === id)
          if (!wanted?.in.some((s) => ctx.facts.get(s)?.stored.includes(ref))) continue
          bySig.set(id, [...(bySig.get(id) ?? []), ...matches.map((m) => ({ref, ...m}))])
        }
      }
    }
  }

  const sigFacts: Record<string, unknown[]> = {}
  const findings: Finding[] = []
  for (const sig of signatures) {
    const matches = bySig.get(sig.id) ?? []
    const items = matches.map((m) => ({line: m.line, text: m.text, _ref: m.ref, _node: ctx.store[m.ref]?.gathered.node}))
    sigFacts[sig.id] = items
    const byNode = new Map<string, typeof items>()
    for (const item of items) byNode.set(item._node ?? '', [...(byNode.get(item._node ?? '') ?? []), item])
    for (const [node, nodeItems] of byNode) {
      if (nodeItems.length < sig.min_count) continue
      // As for knowledge-base signatures: an error the log has long moved on from counts for less than one
      // still happening (an AMQP outage during bring-up an hour ago is not why ssh fails now).
      const ages = [...new Set(nodeItems.map((i) => i._ref))].map((ref) =>
        matchAgeMs(nodeItems.filter((i) => i._ref === ref), ctx.store[ref]?.text ?? '', ctx.store[ref]?.gathered.capturedAt),
      )
      const age = ages.some((a) => a === undefined) ? undefined : Math.min(...(ages as number[]))
      const scoped = {...ctx.bindings, matches: nodeItems, count: nodeItems.length, node}
      findings.push({
        check: sig.id,
        phase: ctx.facts.get(sig.in[0] ?? '')?.phase ?? 'roles',
        component: sig.component,
        node: node === '' || node === API_NODE ? null : node,
        level: sig.level,
        weight: sig.weight * freshness(age),
        summary: `${await renderProse(sig.says, scoped)} (${nodeItems.length} matching line${nodeItems.length === 1 ? '' : 's'}${freshness(age) < 1 ? `, the last ${Math.round((age ?? 0) / 60_000)} min before the log's end: a past event` : ''})`,
        evidence: citeItems(nodeItems.slice(-MAX_CITED), ctx.store, MAX_CITED),
        next: await Promise.all(sig.next.map((n) => renderProse(n, scoped))),
        kb: sig.kb,
        ...(sig.timeout ? {timeout: true} : {}),
      })
    }
  }
  ctx.bindings.sig = sigFacts
  return findings
}

async function loadKnowledgeForRun(dir: string, notes: string[]): Promise<KnowledgeBase | undefined> {
  let kb: KnowledgeBase
  try {
    kb = await loadKnowledgeCached(dir)
  } catch (error) {
    notes.push(`The knowledge base in ${dir} could not be read (${(error as Error).message}); its signatures did not run.`)
    return undefined
  }
  const first = kb.problems[0]
  if (first) {
    notes.push(`${kb.problems.length} knowledge-base file(s) are not valid and were skipped (${first.where}: ${first.message}); run: cloudtriage kb lint`)
  }
  return kb
}

/** A signature's level as the ranking knows it: one service on one node is a host-level fault. */
function playbookLevel(level: SignatureLevel): Finding['level'] {
  return level === 'service' ? 'host' : level
}

/**
 * Scan every gather marked `log_of` with the knowledge base's signatures for that component: one finding per
 * implicated component and node for the troubles still open, and one ruled-out line per component and node
 * for those the logs show ended (recovered, or a periodic error that stopped).
 */
/** The request ids a `kb_requests` expression gave, as a set (an absent or odd value is no request). */
function requestIdsOf(value: unknown): ReadonlySet<string> {
  const items = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]
  return new Set(items.filter((v): v is string => typeof v === 'string'))
}

const REQUEST_ID = /\breq-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/

/**
 * A `belongs` test for scanComponentLogs that keeps lines naming no request or one of `own`, and records the
 * other requests each signature matched, by signature id. Without `own`, every line belongs.
 */
function ownRequestLines(
  own: ReadonlySet<string> | undefined,
  textOf: (ref: number) => string,
): {belongs: (signature: SignatureEntry, ref: number, line: number) => boolean; others: Map<SignatureEntry, Set<string>>} {
  const others = new Map<SignatureEntry, Set<string>>()
  if (own === undefined) return {belongs: () => true, others}
  const lineCache = new Map<number, string[]>()
  const linesOf = (ref: number) => lineCache.get(ref) ?? lineCache.set(ref, textOf(ref).split('\n')).get(ref)!
  const belongs = (signature: SignatureEntry, ref: number, line: number): boolean => {
    const req = requestOfLine(linesOf(ref), line)
    if (req === undefined || own.has(req)) return true
    others.set(signature, (others.get(signature) ?? new Set<string>()).add(req))
    return false
  }
  return {belongs, others}
}

/**
 * The request a log line (1-based) is about: the id it names; else, for a continuation of an earlier line
 * (an undated line of a multi-line message, or an oslo.log exception line, which repeats the time and pid
 * of the line it belongs to but drops its request context), the id of the line it continues.
 */
function requestOfLine(lines: readonly string[], line: number): string | undefined {
  const own = lines[line - 1] ?? ''
  const direct = REQUEST_ID.exec(own)?.[0]
  if (direct !== undefined) return direct
  let group = logPrefix(own)
  for (let i = line - 2; i >= 0 && line - i <= 200; i--) {
    const text = lines[i] ?? ''
    const prefix = logPrefix(text)
    if (prefix !== undefined && group !== undefined && prefix !== group) return undefined
    const req = REQUEST_ID.exec(text)?.[0]
    if (req !== undefined) return req
    group ??= prefix
  }
  return undefined
}

/** oslo.log's "date time pid" that every line of one record repeats; undefined for an undated line. */
function logPrefix(text: string): string | undefined {
  return /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)? \d+ /.exec(text)?.[0]
}

/** How long a component shown healthy now must have been quiet in its logs before their errors count as over. */
const SETTLED_AFTER_MS = 60_000

function scanKnowledgeSignatures(
  ctx: Ctx,
  kb: KnowledgeBase,
  ownRequests?: ReadonlySet<string>,
  healthyNow: ReadonlySet<string> = new Set(),
): {findings: Finding[]; ended: RuledOut[]} {
  const logs: ComponentLog[] = []
  const phaseOfRef = new Map<number, string>()
  const gathers = [...(ctx.playbook.discover?.gather ?? []), ...ctx.playbook.phases.flatMap((p) => p.gather)]
  for (const spec of gathers) {
    if (!spec.log_of) continue
    const fact = ctx.facts.get(spec.id)
    for (const ref of fact?.stored ?? []) {
      const stored = ctx.store[ref]
      if (!stored) continue
      phaseOfRef.set(ref, fact?.phase ?? 'roles')
      const node = stored.gathered.node
      const roles = ctx.nodes.find((n) => n.name === node)?.roles ?? []
      const readAt = stored.gathered.capturedAt
      logs.push({component: spec.log_of, node, roles: [...roles], ref, text: stored.text, ...(readAt ? {readAt} : {})})
    }
  }
  // One finding per implicated component and node: five signatures of one RabbitMQ outage are one suspicion, not five.
  const groups = new Map<string, SignatureHit[]>()
  const endedGroups = new Map<string, SignatureHit[]>()
  const {belongs, others} = ownRequestLines(ownRequests, (ref) => ctx.store[ref]?.text ?? '')
  const hits = scanComponentLogs([...kb.signatures.values()], logs, belongs)
  const aboutOthers = [...others].map(([signature, requests]): RuledOut => ({
    check: signature.meta.id,
    component: signature.meta.component,
    reason: `${signature.meta.title}: logged for ${requests.size} other request${requests.size === 1 ? '' : 's'} (${[...requests].slice(0, 3).join(', ')}${requests.size > 3 ? ', …' : ''}), not for this one.`,
  }))
  for (const hit of hits) {
    const key = `${hit.signature.meta.component}\0${hit.node}`
    const into = hit.ended ? endedGroups : groups
    into.set(key, [...(into.get(key) ?? []), hit])
  }
  const ended = [...[...endedGroups.values()].map((hits) => endedInWords(hits, ctx)), ...aboutOthers]
  // A component this run saw healthy, whose errors stopped a while ago: an outage that ended.
  for (const [key, hits] of [...groups]) {
    const component = hits[0]!.signature.meta.component
    const ages = hits.map((h) => h.ageMs)
    if (!healthyNow.has(component) || ages.some((a) => a === undefined || a <= SETTLED_AFTER_MS)) continue
    groups.delete(key)
    const quiet = Math.min(...(ages as number[]))
    const lead = [...hits].sort((a, b) => b.signature.meta.weight - a.signature.meta.weight)[0]!
    const lines = hits.reduce((n, h) => n + h.lines.length, 0)
    ended.push({
      check: lead.signature.meta.id,
      component,
      reason: `${lead.signature.meta.title} (${lines} line${lines === 1 ? '' : 's'}${lead.node === API_NODE ? '' : ` on ${lead.node}`}), the last ${Math.round(quiet / 1000)} s before the end of the log, while ${component} answers healthy now: an outage that ended, not a current cause.`,
    })
  }
  const findings = [...groups.values()].map((hits): Finding => {
    const scored = hits
      .map((hit) => ({hit, weight: hit.signature.meta.weight * freshness(hit.ageMs)}))
      .sort((a, b) => b.weight - a.weight || a.hit.signature.meta.id.localeCompare(b.hit.signature.meta.id))
    const lead = scored[0]!
    const sig = lead.hit.signature.meta
    const node = lead.hit.node
    const lines = scored.flatMap(({hit}) => hit.lines.slice(-2))
    const where = [...new Set(scored.flatMap(({hit}) => hit.lines.map((l) => ctx.store[l.ref])).map((st) => (st ? describeRequest(st.gathered.request) : '')))].filter(Boolean).join(', ')
    const n = scored.reduce((sum, {hit}) => sum + hit.lines.length, 0)
    const age = lead.hit.ageMs
    const past = freshness(age) < 1 && age !== undefined ? `; last seen ${Math.round(age / 60_000)} min before the end of the log, so it may be over` : ''
    const also = scored.length > 1 ? `; also ${scored.slice(1).map(({hit}) => hit.signature.meta.title).join('; ')}` : ''
    return {
      check: sig.id,
      phase: phaseOfRef.get(lead.hit.lines[0]?.ref ?? -1) ?? 'roles',
      component: sig.component,
      node: node === API_NODE ? null : node,
      level: playbookLevel(sig.level),
      weight: Math.round(lead.weight * 100) / 100,
      summary: `${sig.title} (${n} matching line${n === 1 ? '' : 's'} in ${where}${node === API_NODE ? '' : ` on ${node}`}${past}${also})`,
      evidence: citeItems(lines.slice(-MAX_CITED).map((l) => ({_ref: l.ref, line: l.line})), ctx.store, MAX_CITED),
      next: [...new Set(scored.flatMap(({hit}) => hit.signature.meta.next))],
      kb: scored.map(({hit}) => hit.signature.meta.id),
      // Every line behind it only says something waited: slowness on the node explains all of them.
      ...(scored.every(({hit}) => hit.signature.meta.timeout) ? {timeout: true} : {}),
    }
  })
  return {findings, ended}
}

/** Ended hits of one component on one node as one ruled-out line: the strongest signature, the whole span. */
function endedInWords(hits: readonly SignatureHit[], ctx: Ctx): RuledOut {
  const sorted = [...hits].sort(
    (a, b) => b.signature.meta.weight - a.signature.meta.weight || a.signature.meta.id.localeCompare(b.signature.meta.id),
  )
  const lead = sorted[0]!
  const endings = sorted.map((h) => h.ended!)
  const froms = endings.map((e) => e.from).filter((t): t is number => t !== undefined)
  const tos = endings.map((e) => e.to).filter((t): t is number => t !== undefined)
  // A recovery line says more than a restart, a restart more than silence: name the strongest the group has.
  const base: Ending =
    endings.find((e) => e.kind === 'recovered') ?? endings.find((e) => e.kind === 'restarted') ?? endings.find((e) => e.kind === 'silent') ?? endings[0]!
  const span: Ending = {...base, from: froms.length > 0 ? Math.min(...froms) : undefined, to: tos.length > 0 ? Math.max(...tos) : base.to} as Ending
  const where = [...new Set(sorted.flatMap((h) => h.lines.map((l) => ctx.store[l.ref])).map((st) => (st ? describeRequest(st.gathered.request) : '')))].filter(Boolean).join(', ')
  const node = lead.node === API_NODE ? '' : ` on ${lead.node}`
  const also = sorted.length > 1 ? ` (also ${sorted.slice(1).map((h) => h.signature.meta.title).join('; ')})` : ''
  return {
    check: lead.signature.meta.id,
    component: lead.signature.meta.component,
    reason: `${describeEnding(lead, span, node)}${also}, in ${where}: ${
      span.kind === 'past' ? 'a past event, not ranked (no recovery line: confirm it is over)' : 'a past event that ended, not a current cause'
    }.`,
  }
}

/** The knowledge-base pages this run's findings cite (signatures that matched, pages named by checks), with titles. */
function kbEntriesUsed(cited: readonly string[], kb: KnowledgeBase | undefined): KbEntryRef[] {
  if (!kb) return []
  const ids = [...new Set(cited)]
  const byId = new Map(kb.pages.map((p) => [p.meta.id, p]))
  return ids.flatMap((id) => {
    const page = byId.get(id)
    return page ? [{id, title: page.meta.title, type: page.type}] : []
  })
}

function collectMissing(facts: ReadonlyMap<string, FactState>, blocked: ReadonlyMap<string, Set<string>>): Missing[] {
  const out: Missing[] = []
  const seen = new Set<string>()
  for (const [name, state] of facts) {
    for (const part of state.missing) {
      const key = `${part.node}|${part.command}`
      if (seen.has(key)) continue
      seen.add(key)
      out.push({what: name, node: part.node, command: part.command, reason: part.reason, blocks: [...(blocked.get(name) ?? [])]})
    }
  }
  return out
}

/** Every fact the expression reads was gathered, and no derived one among them was computed over a gap. */
function knownInFull(ctx: Ctx, expr: string): boolean {
  return referencedVariables(expr)
    .filter((d) => isFactName(ctx, d))
    .every((d) => ctx.facts.get(d)?.available === true && !ctx.facts.get(d)?.partial)
}

function isFactName(ctx: Ctx, name: string): boolean {
  return ctx.facts.has(name) || declaredFacts(ctx.playbook).has(name)
}

const declaredCache = new WeakMap<Playbook, Set<string>>()
function declaredFacts(playbook: Playbook): Set<string> {
  let names = declaredCache.get(playbook)
  if (!names) {
    names = new Set([
      ...(playbook.discover?.gather.map((g) => g.id) ?? []),
      ...playbook.phases.flatMap((p) => [...p.gather.map((g) => g.id), ...Object.keys(p.derive)]),
    ])
    declaredCache.set(playbook, names)
  }
  return names
}

/** Stamp provenance onto a parsed value: the value itself, its array items, and arrays of records one level down. */
/**
 * Mark every record of a fact, at any depth, with where it came from, so a check can cite any part of it
 * (a port inside a bridge inside `ovs-vsctl show`) and still name the node and command.
 */
function stamp(value: unknown, marks: Record<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((item) => stamp(item, marks))
  if (!isRecord(value)) return value
  const out: Record<string, unknown> = {...value, ...marks}
  for (const [key, field] of Object.entries(value)) {
    if (Array.isArray(field) && field.some((item) => isRecord(item) || Array.isArray(item))) out[key] = stamp(field, marks)
  }
  return out
}

async function safeEvaluate(expr: string, bindings: Bindings): Promise<unknown> {
  try {
    return await evaluate(expr, bindings)
  } catch {
    return undefined
  }
}

/**
 * Missing evidence as a command the operator can paste: node commands prefixed with `ssh <node>`, and
 * none whose arguments could not be worked out (a template that still has `{{ }}` in it).
 */
export function runnableOnItsNode(missing: {readonly node: string | null; readonly command: string}): string[] {
  if (missing.command.includes('{{')) return []
  return [missing.node && missing.node !== API_NODE ? `ssh ${missing.node} ${missing.command}` : missing.command]
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.trim() ?? ''
}

function dedupe(items: readonly string[]): string[] {
  return [...new Set(items)]
}
