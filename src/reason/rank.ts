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
export function rankSuspects(findings: readonly Finding[], scope: Scope): Suspect[] {
  const groups = new Map<string, Finding[]>()
  for (const finding of findings) {
    const key = `${finding.component}\u0000${finding.node ?? ''}`
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

  return suspects.sort(
    (a, b) => b.confidence - a.confidence || b.evidence.length - a.evidence.length || a.component.localeCompare(b.component),
  )
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
