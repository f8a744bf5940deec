import {EXIT} from '../model/errors.js'
import type {Gathered} from '../model/evidence.js'
import type {LoadedPlaybook} from '../playbook/load.js'
import {runPlaybook} from '../playbook/run-playbook.js'
import type {Diagnosis} from '../reason/diagnosis.js'
import type {EvidenceSource} from '../sources/source.js'

export interface DiagnoseRequest {
  readonly loaded: LoadedPlaybook
  readonly source: EvidenceSource
  readonly target: string | null
  readonly concurrency?: number
  readonly signal?: AbortSignal
  readonly onGathered?: (gathered: Gathered) => void
  readonly onPhase?: (title: string) => void
}

/** Run one playbook to a diagnosis, always closing the source (SSH connections, temp dirs). */
export async function diagnose(request: DiagnoseRequest): Promise<Diagnosis> {
  try {
    return await runPlaybook(request.loaded.playbook, request.source, {
      target: request.target,
      concurrency: request.concurrency,
      signal: request.signal,
      onGathered: request.onGathered,
      onPhase: request.onPhase,
    })
  } finally {
    await request.source.close()
  }
}

/** The documented exit code for a finished run. */
export function exitCodeFor(d: Diagnosis): number {
  if (!d.complete) return EXIT.partial
  return d.suspects.length > 0 ? EXIT.ok : EXIT.noSuspect
}
