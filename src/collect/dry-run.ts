import type {Playbook} from '../playbook/schema.js'
import {runPlaybook} from '../playbook/run-playbook.js'
import type {EvidenceSource} from '../sources/source.js'
import {checkRequest} from './read-only.js'

/** A command the playbook would send now: its inputs are all known before anything runs. */
export interface PlannedCommand {
  readonly node: string
  readonly command: string
  /** The read-only guard's answer; a refused command would not be sent either. */
  readonly allowed: boolean
}

/** A gather that needs earlier results (the server's host, its port ids): shown as its template. */
export interface DeferredGather {
  readonly id: string
  /** `api`, `all`, `role:compute` or a {{ expression }} naming nodes. */
  readonly on: string
  readonly command: string
  readonly reason: string
}

export interface DryRunPlan {
  readonly playbook: string
  readonly target: string | null
  readonly source: string
  readonly now: readonly PlannedCommand[]
  readonly later: readonly DeferredGather[]
}

/** Marks the stop as a dry run, so nothing reads it as Ctrl-C. */
class DryRun extends Error {}

/**
 * What a playbook would run, without running anything. The real engine walks the playbook with a run
 * signal that is already stopped: the gatherer then hands no request to the source (not even the
 * live SSH source, so no connection is opened) but records each one exactly as it would have sent it.
 * Gathers that need a fact from an earlier wave cannot be built without running that wave; they are
 * listed as their templates with what they wait for.
 */
export async function planDryRun(
  playbook: Playbook,
  source: EvidenceSource,
  target: string | null,
): Promise<DryRunPlan> {
  const now: PlannedCommand[] = []
  const diagnosis = await runPlaybook(playbook, source, {
    target,
    signal: AbortSignal.abort(new DryRun('dry run')),
    onGathered: (g) =>
      now.push({node: g.node, command: describeNow(g.request), allowed: checkRequest(g.request).ok}),
  })
  const later = diagnosis.phases
    .flatMap((phase) => phase.gathered)
    .filter((o) => o.status === 'skipped')
    .map((o) => ({
      id: o.id,
      on: o.node,
      command: o.command,
      reason: (o.error ?? 'waits for earlier results').replace(
        /, which could not be gathered$/,
        ' from an earlier step',
      ),
    }))
  return {playbook: playbook.id, target, source: source.description, now: dedupe(now), later}
}

function describeNow(request: Parameters<typeof checkRequest>[0]): string {
  return request.kind === 'file'
    ? request.tailLines
      ? `tail -n ${request.tailLines} ${request.path}`
      : `cat ${request.path}`
    : request.argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`)).join(' ')
}

function dedupe(list: readonly PlannedCommand[]): PlannedCommand[] {
  const seen = new Set<string>()
  return list.filter((c) => {
    const key = `${c.node}\u0000${c.command}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** The plan for a terminal or a file: per node, then the deferred templates. */
export function renderDryRun(plan: DryRunPlan): string {
  const out = [
    `Dry run of ${plan.playbook}${plan.target ? ` for ${plan.target}` : ''}: nothing was run and no node was contacted.`,
    `Evidence source: ${plan.source}`,
    '',
    `Would run first (${plan.now.length}, exactly as they would be sent):`,
  ]
  const byNode = new Map<string, PlannedCommand[]>()
  for (const c of plan.now) byNode.set(c.node, [...(byNode.get(c.node) ?? []), c])
  for (const [node, commands] of byNode) {
    out.push(`  ${node}`)
    for (const c of commands)
      out.push(`    ${c.command}${c.allowed ? '' : '   [refused by the read-only guard: would not be sent]'}`)
  }
  if (plan.later.length > 0) {
    out.push('', `Would run once earlier results are known (${plan.later.length}, as templates):`)
    for (const g of plan.later) out.push(`  ${g.id} on ${g.on}: ${g.command}`, `    (${g.reason})`)
  }
  return `${out.join('\n')}\n`
}
