import {execa} from 'execa'

import {refuseUnlessReadOnly} from '../../collect/read-only.js'
import {redactSecrets} from '../../collect/redact.js'
import {type EvidenceRequest, type Gathered, type GatherStatus} from '../../model/evidence.js'
import {requestArgv} from '../ssh/request-argv.js'

/**
 * Runs a request on this machine: the `openstack` client for the `api` node, and anything else the
 * operator's own host can answer. argv only, never a shell. The environment is passed through exactly as
 * the operator has it (OS_CLOUD, OS_CLIENT_CONFIG_FILE, clouds.yaml lookup, every OS_* variable), so
 * cloudtriage sees the cloud the operator's own `openstack` commands see.
 */

export interface LocalExecOptions {
  /** Per command, unless the request carries its own. */
  readonly commandTimeoutMs: number
  /** Per stream (stdout, stderr); the head is kept. */
  readonly outputCapBytes: number
  /** Defaults to this process's environment, untouched. */
  readonly env?: NodeJS.ProcessEnv
  /** Stops the command when the run ends early (Ctrl-C, deadline): a hung client must not outlive us. */
  readonly cancelSignal?: AbortSignal
}

export const DEFAULT_LOCAL_EXEC_OPTIONS: LocalExecOptions = {
  commandTimeoutMs: 120_000,
  outputCapBytes: 8 * 1024 * 1024,
}

/** Gather one request on this machine, reported as node `node`. Never throws for command problems. */
export async function gatherLocally(
  node: string,
  request: EvidenceRequest,
  options: LocalExecOptions = DEFAULT_LOCAL_EXEC_OPTIONS,
): Promise<Gathered> {
  const started = Date.now()
  const base = {node, request, origin: 'local', capturedAt: new Date(started).toISOString()}
  const argv = requestArgv(request)

  // Defense in depth: re-check the exact argv right before running it.
  const refused = refuseUnlessReadOnly(node, request, argv, base.origin, base.capturedAt)
  if (refused) return refused

  const [program = '', ...args] = argv
  const timeoutMs =
    request.kind === 'command' && request.timeoutMs ? request.timeoutMs : options.commandTimeoutMs
  const result = await execa(program, args, {
    env: options.env ?? process.env,
    extendEnv: false,
    // No prompt can ever wait on us: the openstack client asks for a password on a TTY when none is configured.
    stdin: 'ignore',
    timeout: timeoutMs,
    forceKillAfterDelay: 2_000,
    ...(options.cancelSignal ? {cancelSignal: options.cancelSignal} : {}),
    maxBuffer: options.outputCapBytes,
    encoding: 'buffer',
    stripFinalNewline: false,
    reject: false,
  })
  const stdout = Buffer.from(result.stdout ?? new Uint8Array()).toString('utf8')
  const stderr = Buffer.from(result.stderr ?? new Uint8Array()).toString('utf8')
  const {status, error} = result.isCanceled
    ? {
        status: 'timeout' as const,
        error: 'stopped: the run ended (Ctrl-C or the overall deadline) before it finished',
      }
    : judgeLocal(result, request, program, timeoutMs)
  return {
    ...base,
    status,
    exitCode: result.exitCode ?? null,
    stdout: redactSecrets(stdout),
    stderr: redactSecrets(stderr),
    durationMs: Date.now() - started,
    truncated: result.isMaxBuffer,
    ...(error ? {error: `${node} (local): ${error}`} : {}),
  }
}

interface LocalOutcome {
  readonly exitCode?: number | undefined
  readonly timedOut: boolean
  readonly isMaxBuffer: boolean
  readonly code?: string | undefined
  readonly signal?: string | undefined
  readonly stderr?: Uint8Array | undefined
}

function judgeLocal(
  result: LocalOutcome,
  request: EvidenceRequest,
  program: string,
  timeoutMs: number,
): {status: GatherStatus; error?: string} {
  if (result.timedOut)
    return {
      status: 'timeout',
      error: `no result within ${Math.round(timeoutMs / 1000)} s; the command was stopped`,
    }
  if (result.isMaxBuffer) return {status: 'ok'}
  if (result.code === 'ENOENT') {
    const hint =
      program === 'openstack'
        ? ' (install python-openstackclient, or run cloudtriage where the openstack client works)'
        : ''
    return {status: 'failed', error: `${program}: command not found on this machine${hint}`}
  }
  if (result.code === 'EACCES') return {status: 'failed', error: `${program}: permission denied`}
  if (result.exitCode === undefined)
    return {
      status: 'failed',
      error: result.signal ? `killed by signal ${result.signal}` : `${program} could not be started`,
    }
  if (request.kind === 'file' && result.exitCode !== 0) {
    const reason = Buffer.from(result.stderr ?? new Uint8Array())
      .toString('utf8')
      .split('\n')[0]
      ?.trim()
    return {status: 'failed', error: `cannot read ${request.path}${reason ? `: ${reason}` : ''}`}
  }
  return {status: 'ok'}
}
