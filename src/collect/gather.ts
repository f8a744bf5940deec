import {createHash} from 'node:crypto'

import pLimit from 'p-limit'

import {describeRequest, notGathered, type EvidenceRequest, type Gathered} from '../model/evidence.js'
import type {EvidenceSource} from '../sources/source.js'
import type {AuditEntry} from '../reason/diagnosis.js'
import {checkRequest} from './read-only.js'

/** One request on one node, as the engine schedules it. */
export interface GatherJob {
  readonly node: string
  readonly request: EvidenceRequest
}

export interface GatherOptions {
  /** Requests in flight at once across all nodes (sources add their own per-node limits). */
  readonly concurrency?: number
  /** Called as each result arrives, for progress display and recording. */
  readonly onGathered?: (gathered: Gathered) => void
  /** Stops scheduling new requests (Ctrl-C); those not started come back as timeout "interrupted". */
  readonly signal?: AbortSignal
}

/**
 * Runs jobs against a source, never failing as a whole: each job yields a Gathered. The read-only guard
 * runs here for every request, so a source can never be handed a mutating command even if a playbook
 * slipped past the loader's check. Every attempt lands in the audit log.
 */
export class Gatherer {
  readonly audit: AuditEntry[] = []
  private readonly limit: ReturnType<typeof pLimit>

  constructor(
    private readonly source: EvidenceSource,
    private readonly options: GatherOptions = {},
  ) {
    this.limit = pLimit(options.concurrency ?? 8)
  }

  async gatherAll(jobs: readonly GatherJob[]): Promise<Gathered[]> {
    return Promise.all(jobs.map((job) => this.limit(() => this.gatherOne(job))))
  }

  async gatherOne(job: GatherJob): Promise<Gathered> {
    const verdict = checkRequest(job.request)
    let gathered: Gathered
    if (!verdict.ok) {
      gathered = notRun(job, 'refused', `refused by the read-only guard: ${verdict.reason}`)
    } else if (this.options.signal?.aborted) {
      gathered = notRun(job, 'timeout', 'interrupted before it ran')
    } else {
      gathered = await this.source.gather(job.node, job.request)
    }
    this.audit.push({
      node: job.node,
      command: describeRequest(job.request),
      status: gathered.status,
      exitCode: gathered.exitCode,
      durationMs: gathered.durationMs,
      outputSha256: createHash('sha256')
        .update(gathered.stdout)
        .update('\u0000')
        .update(gathered.stderr)
        .digest('hex'),
    })
    this.options.onGathered?.(gathered)
    return gathered
  }
}

function notRun(job: GatherJob, status: 'refused' | 'timeout', error: string): Gathered {
  return notGathered(job.node, job.request, status, 'cloudtriage', error)
}
