/**
 * What a playbook asks a node for, and what came back.
 *
 * A request is data: an argv (never a shell string) or a file path. Sources decide how to satisfy it
 * (run it over SSH, run it locally, find it in a sosreport, replay it from a bundle), so playbooks never
 * know where evidence came from.
 */

/** The pseudo-node that runs the `openstack` client: the operator's own machine when live. */
export const API_NODE = 'api'

export interface CommandRequest {
  readonly kind: 'command'
  /** argv, first element is the program. Never joined into a shell string on this machine. */
  readonly argv: readonly string[]
  /** Per-command timeout; sources apply their own default when absent. */
  readonly timeoutMs?: number
}

export interface FileRequest {
  readonly kind: 'file'
  /** Absolute path on the node, e.g. /var/log/nova/nova-compute.log. */
  readonly path: string
  /** Only the last N lines (logs). Absent: the whole file, bounded by the output cap. */
  readonly tailLines?: number
}

export type EvidenceRequest = CommandRequest | FileRequest

/**
 * ok           – the command ran (any exit code) or the file was read.
 * failed       – the source tried and could not (command not found, permission, read error).
 * timeout      – the per-command or overall deadline passed.
 * unreachable  – the node could not be reached (connect, auth, host key).
 * not-collected – offline input does not contain it (the sosreport or bundle never captured it).
 * refused      – the read-only guard refused it; nothing was sent.
 */
export type GatherStatus = 'ok' | 'failed' | 'timeout' | 'unreachable' | 'not-collected' | 'refused'

export interface Gathered {
  readonly node: string
  readonly request: EvidenceRequest
  readonly status: GatherStatus
  /** Exit code of the command; 0 for a file read; null when it never ran or exit is unknown. */
  readonly exitCode: number | null
  /** Redacted output. Sources must run redaction before returning. */
  readonly stdout: string
  readonly stderr: string
  readonly durationMs: number
  /** Output was cut at the size cap (or sos tailed it); what is there is the beginning/tail. */
  readonly truncated: boolean
  /** Where it really came from, for citations: "ssh compute-0", "sosreport compute-0:sos_commands/…", "bundle items/0007.out". */
  readonly origin: string
  /** Why it is not ok, written for the operator. */
  readonly error?: string
  /** ISO time the evidence was taken (live) or captured (offline), when known. */
  readonly capturedAt?: string
}

/** How a request reads in a report and in "run this to fill the gap" hints. */
export function describeRequest(request: EvidenceRequest): string {
  if (request.kind === 'file') {
    return request.tailLines ? `tail -n ${request.tailLines} ${request.path}` : `cat ${request.path}`
  }
  return request.argv.map(displayArg).join(' ')
}

function displayArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`
}

/** A stable key for one request on one node: bundles are indexed by it. */
export function requestKey(node: string, request: EvidenceRequest): string {
  const what =
    request.kind === 'file'
      ? `file:${request.path}:${request.tailLines ?? ''}`
      : `cmd:${JSON.stringify(request.argv)}`
  return `${node}|${what}`
}

/** A request that produced no output (refused, unreachable, not in the offline input…): one shape everywhere. */
export function notGathered(
  node: string,
  request: EvidenceRequest,
  status: Exclude<GatherStatus, 'ok'>,
  origin: string,
  error: string,
  extra: {readonly capturedAt?: string; readonly durationMs?: number} = {},
): Gathered {
  return {
    node,
    request,
    status,
    exitCode: null,
    stdout: '',
    stderr: '',
    durationMs: extra.durationMs ?? 0,
    truncated: false,
    origin,
    error,
    ...(extra.capturedAt ? {capturedAt: extra.capturedAt} : {}),
  }
}
