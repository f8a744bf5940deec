import type {Diagnosis} from '../reason/diagnosis.js'

/**
 * The `--json` result. The fields promised to integrators — playbook, target, suspects (component, node,
 * confidence, summary, evidence[{node, source, line, excerpt}]), ruledOut, missing — come first; the rest of
 * the diagnosis follows for tools that want the reasoning too.
 */
export function toJsonResult(d: Diagnosis): Record<string, unknown> {
  return {
    playbook: d.playbook,
    target: d.target,
    suspects: d.suspects.map((s) => ({
      component: s.component,
      node: s.node,
      confidence: s.confidence,
      summary: s.summary,
      evidence: s.evidence.map((e) => ({node: e.node, source: e.source, line: e.line, excerpt: e.excerpt, origin: e.origin ?? null})),
      level: s.level,
      checks: s.checks,
      next: s.next,
      kb: s.kb,
    })),
    ruledOut: d.ruledOut,
    missing: d.missing,
    complete: d.complete,
    scope: d.scope,
    title: d.title,
    source: d.source,
    startedAt: d.startedAt,
    durationMs: d.durationMs,
    notes: d.notes,
    kb: d.kb.map((k) => k.id),
    nextCommands: d.nextCommands,
    phases: d.phases,
    audit: d.audit,
  }
}
