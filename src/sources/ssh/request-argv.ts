import type {EvidenceRequest} from '../../model/evidence.js'

/**
 * The argv that satisfies a request on a live node. File requests are read with cat/tail so they pass the
 * same read-only guard, quoting, timeout and output cap as commands.
 */
export function requestArgv(request: EvidenceRequest): readonly string[] {
  if (request.kind === 'command') return request.argv
  return request.tailLines ? ['tail', '-n', String(request.tailLines), request.path] : ['cat', request.path]
}
