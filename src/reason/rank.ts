import type {Level} from '../playbook/schema.js'
import type {Finding, Scope, Suspect} from './diagnosis.js'

/**
 * How much a finding counts, given the blast radius. A fault that explains the observed scope counts in
 * full; one that would produce a different scope counts less. When every VM on a host fails, a host-level
 * cause (dead OVS agent, overloaded node) explains it and an instance-level one (one security group) does not;
 * when one VM fails and its neighbours are fine, the reverse.
 */
const SCOPE_FIT: Record<Level, Record<Level, number>> = {
  instance: {instance: 1, network: 0.8, host: 0.7, 'control-plane': 0.65},
  host: {host: 1, network: 0.8, 'control-plane': 0.8, instance: 0.55},
  network: {network: 1, 'control-plane': 0.85, host: 0.75, instance: 0.55},
  'control-plane': {'control-plane': 1, network: 0.85, host: 0.75, instance: 0.5},
}

export function scopeFit(scope: Level, finding: Level): number {
  return SCOPE_FIT[scope][finding]
}

const MAX_EVIDENCE = 8

/**
 * Group findings by (component, node) into suspects and rank them. Independent findings combine as a
 * noisy-or, so two weak signals about the same agent outrank one weak signal, but never reach certainty.
 * Pure: same findings, same scope, same ranking.
 */
export function rankSuspects(findings: readonly Finding[], scope: Scope, dependencies: readonly DependencyRule[] = []): Suspect[] {
  const groups = new Map<string, Finding[]>()
  for (const finding of findings) {
    const key = suspectKey(finding)
    groups.set(key, [...(groups.get(key) ?? []), finding])
  }

  const suspects = [...groups.values()].map((group): Suspect => {
    const scored = group
      .map((f) => ({f, score: f.weight * scopeFit(scope.level, f.level)}))
      .sort((a, b) => b.score - a.score)
    const confidence = 1 - scored.reduce((miss, {score}) => miss * (1 - score), 1)
    const lead = scored[0]!.f
    return {
      component: lead.component,
      node: lead.node,
      confidence: Math.round(confidence * 100) / 100,
      level: lead.level,
      summary: lead.summary,
      evidence: dedupe(scored.flatMap(({f}) => f.evidence), (e) => `${e.node}|${e.source}|${e.line}|${e.excerpt}`).slice(0, MAX_EVIDENCE),
      checks: scored.map(({f}) => f.check),
      next: dedupe(scored.flatMap(({f}) => f.next), (n) => n),
      kb: dedupe(scored.flatMap(({f}) => f.kb), (k) => k),
    }
  })

  const timeoutsOnly = new Set(
    [...groups.values()].filter((group) => group.every((f) => f.timeout === true)).map((group) => suspectKey(group[0]!)),
  )
  return foldExplained(suspects.sort(byRank), dependencies, (s) => timeoutsOnly.has(suspectKey(s)))
}

function suspectKey(s: {readonly component: string; readonly node: string | null}): string {
  return `${s.component}\u0000${s.node ?? ''}`
}

function byRank(a: Suspect, b: Suspect): number {
  return b.confidence - a.confidence || b.evidence.length - a.evidence.length || a.component.localeCompare(b.component)
}

/** A shared dependency and the components whose failures it produces when it fails (RabbitMQ: every RPC user). */
export interface DependencyRule {
  readonly component: string
  readonly explains: readonly string[]
  /** A node resource (CPU, memory, disk I/O): it takes in the timeouts on its own node (see foldSlowness). */
  readonly slowness?: boolean
}

/**
 * The blast-radius rule: when a shared dependency is a suspect, the suspects it explains that rank below it
 * are its symptoms, not separate causes (a dead RabbitMQ makes every compute "down" and every service time
 * out). They fold into the dependency: one root suspect whose summary lists its blast radius and whose checks
 * include theirs. A service that outranks the dependency has evidence of its own and stays. Expects `ranked`
 * best first; `timeoutsOnly` tells a suspect whose every finding only says something waited too long.
 * Slowness rules go first: a timeout a saturated node explains is not then claimed by RabbitMQ.
 */
export function foldExplained(
  ranked: readonly Suspect[],
  dependencies: readonly DependencyRule[],
  timeoutsOnly: (s: Suspect) => boolean = () => false,
): Suspect[] {
  let out = [...ranked]
  for (const rule of dependencies.filter((r) => r.slowness)) out = foldSlowness(out, rule, timeoutsOnly)
  for (const rule of dependencies.filter((r) => !r.slowness)) {
    const rootAt = out.findIndex((s) => s.component === rule.component)
    const root = out[rootAt]
    if (!root) continue
    // The dependency itself, filed on other nodes, is the same failure seen from their logs (compute-0's
    // nova-compute cannot reach RabbitMQ): it folds in too.
    const folded = out.filter(
      (s, i) => i > rootAt && (s.component === root.component ? s.node !== root.node : rule.explains.includes(s.component)),
    )
    if (folded.length === 0) continue
    const radius = folded
      .map((s) => (s.component === root.component ? `what ${s.node ?? 'another node'} logged about it` : `${s.component}${s.node ? ` on ${s.node}` : ''}`))
      .join(', ')
    const merged: Suspect = {
      ...root,
      summary: `${root.summary} Blast radius: this also explains ${radius}.`,
      checks: dedupe([...root.checks, ...folded.flatMap((s) => s.checks)], (c) => c),
    }
    out = out.filter((s) => !folded.includes(s)).map((s) => (s === root ? merged : s))
  }
  return out
}

/**
 * A saturated node (measured: CPU busy, pressure stalls, iowait) makes the services on it time out: the
 * OVS agent's OVSDB commits, nova-compute's RPC calls. Those timeouts are often louder than the node's own
 * numbers, so, unlike a shared dependency, the node takes them in whatever their rank, and then stands where
 * the strongest of them stood. Only timeouts, only on the same node: a hard failure there (a dead agent, a
 * refused connection) is a cause of its own and stays.
 */
function foldSlowness(ranked: readonly Suspect[], rule: DependencyRule, timeoutsOnly: (s: Suspect) => boolean): Suspect[] {
  let out = [...ranked]
  // Only a measured saturation takes timeouts in: a node suspect made of timeout lines alone proves nothing.
  for (const root of ranked.filter((s) => s.component === rule.component && s.node !== null && !timeoutsOnly(s))) {
    const folded = out.filter(
      (s) => s !== root && s.node === root.node && s.component !== root.component && rule.explains.includes(s.component) && timeoutsOnly(s),
    )
    if (folded.length === 0) continue
    const merged: Suspect = {
      ...root,
      confidence: Math.max(root.confidence, ...folded.map((s) => s.confidence)),
      summary: `${root.summary} It also explains the timeouts logged on ${root.node}: ${folded.map((s) => s.summary).join('; ')}.`,
      evidence: dedupe([...root.evidence, ...folded.flatMap((s) => s.evidence)], (e) => `${e.node}|${e.source}|${e.line}|${e.excerpt}`).slice(0, MAX_EVIDENCE),
      checks: dedupe([...root.checks, ...folded.flatMap((s) => s.checks)], (c) => c),
      next: dedupe([...root.next, ...folded.flatMap((s) => s.next)], (n) => n),
      kb: dedupe([...root.kb, ...folded.flatMap((s) => s.kb)], (k) => k),
    }
    out = out.filter((s) => !folded.includes(s)).map((s) => (s === root ? merged : s)).sort(byRank)
  }
  return out
}

function dedupe<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>()
  return items.filter((item) => {
    const k = key(item)
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
}
