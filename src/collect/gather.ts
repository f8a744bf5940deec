import {createHash} from 'node:crypto'

import pLimit from 'p-limit'

import {describeRequest, notGathered, requestKey, type EvidenceRequest, type Gathered} from '../model/evidence.js'
import type {EvidenceSource} from '../sources/source.js'
import type {AuditEntry} from '../reason/diagnosis.js'
import {checkRequest} from './read-only.js'
import {redactSecrets} from './redact.js'

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
  /**
   * Ends the collection: Ctrl-C, or the overall deadline (`deadlineSignal`). Requests not started come
   * back as timeout "interrupted"/"deadline passed"; requests in flight are abandoned at once with the
   * same status (their source stops them when it is closed).
   */
  readonly signal?: AbortSignal
}

/** Why the run's signal fired, in the operator's words; the deadline signal carries a DeadlinePassed. */
export class DeadlinePassed extends Error {
  constructor(readonly seconds: number) {
    super(`the run's overall deadline (${seconds} s) passed`)
    this.name = 'DeadlinePassed'
  }
}

/**
 * An AbortSignal that fires on Ctrl-C (`interrupt`) or when `deadlineSeconds` have passed, whichever comes
 * first; its reason says which, so missing evidence can name it.
 */
export function runSignal(interrupt: AbortSignal, deadlineSeconds?: number): AbortSignal {
  if (!deadlineSeconds) return interrupt
  const deadline = new AbortController()
  const timer = setTimeout(() => deadline.abort(new DeadlinePassed(deadlineSeconds)), deadlineSeconds * 1000)
  timer.unref()
  interrupt.addEventListener('abort', () => clearTimeout(timer), {once: true})
  return AbortSignal.any([interrupt, deadline.signal])
}

/** "interrupted (Ctrl-C)" or "the run's overall deadline (60 s) passed". */
export function stopReason(signal: AbortSignal): string {
  return signal.reason instanceof DeadlinePassed ? signal.reason.message : 'interrupted (Ctrl-C)'
}

/**
 * Runs jobs against a source, never failing as a whole: each job yields a Gathered. The read-only guard
 * runs here for every request, so a source can never be handed a mutating command even if a playbook
 * slipped past the loader's check. Whatever a source returns is redacted again here, so nothing
 * downstream (facts, report, audit log, bundle) ever holds a secret a careless source let through. Every
 * attempt lands in the audit log.
 */
export class Gatherer {
  readonly audit: AuditEntry[] = []
  private readonly limit: ReturnType<typeof pLimit>
  /**
   * Requests queued or running, by node and request. Two gathers of one wave that ask the same thing (the same
   * `openstack` listing read by two parsers) share one run: an API call costs seconds. Only what is still
   * pending is shared, so a second sample taken later (rates) runs again.
   */
  private readonly pending = new Map<string, Promise<Gathered>>()

  constructor(
    private readonly source: EvidenceSource,
    private readonly options: GatherOptions = {},
  ) {
    this.limit = pLimit(options.concurrency ?? 8)
  }

  async gatherAll(jobs: readonly GatherJob[]): Promise<Gathered[]> {
    return Promise.all(jobs.map((job) => this.shared(job, () => this.limit(() => this.gatherOne(job)))))
  }

  private shared(job: GatherJob, run: () => Promise<Gathered>): Promise<Gathered> {
    const key = requestKey(job.node, job.request)
    const already = this.pending.get(key)
    if (already) return already
    const answer = run().finally(() => this.pending.delete(key))
    this.pending.set(key, answer)
    return answer
  }

  async gatherOne(job: GatherJob): Promise<Gathered> {
    const verdict = checkRequest(job.request)
    const signal = this.options.signal
    let gathered: Gathered
    if (!verdict.ok) {
      gathered = notRun(job, 'refused', `refused by the read-only guard: ${verdict.reason}`)
    } else if (signal?.aborted) {
      gathered = notRun(job, 'timeout', `not run: ${stopReason(signal)} before it started`)
    } else {
      gathered = scrub(await this.untilStopped(job, signal))
    }
    this.audit.push({
      node: job.node,
      command: redactSecrets(describeRequest(job.request)),
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

  /** The source's answer, or a timeout the moment the run is stopped (Ctrl-C or deadline). */
  private async untilStopped(job: GatherJob, signal: AbortSignal | undefined): Promise<Gathered> {
    const asked = this.source.gather(job.node, job.request)
    if (!signal) return asked
    const started = Date.now()
    let onAbort: (() => void) | undefined
    const stopped = new Promise<Gathered>((resolve) => {
      onAbort = () =>
        resolve(
          notGathered(
            job.node,
            job.request,
            'timeout',
            'cloudtriage',
            `still running when ${stopReason(signal)}; abandoned`,
            {
              durationMs: Date.now() - started,
            },
          ),
        )
      signal.addEventListener('abort', onAbort, {once: true})
    })
    try {
      return await Promise.race([asked, stopped])
    } finally {
      if (onAbort) signal.removeEventListener('abort', onAbort)
      // An abandoned request still settles later; nothing waits for it, and it must not be unhandled.
      asked.catch(() => undefined)
    }
  }
}

function scrub(gathered: Gathered): Gathered {
  return {
    ...gathered,
    stdout: redactSecrets(gathered.stdout),
    stderr: redactSecrets(gathered.stderr),
    ...(gathered.error ? {error: redactSecrets(gathered.error)} : {}),
  }
}

function notRun(job: GatherJob, status: 'refused' | 'timeout', error: string): Gathered {
  return notGathered(job.node, job.request, status, 'cloudtriage', error)
}
