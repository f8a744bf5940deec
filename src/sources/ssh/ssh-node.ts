import {readFileSync} from 'node:fs'
import type {Duplex} from 'node:stream'
import pLimit, {type LimitFunction} from 'p-limit'
import ssh2, {type Client, type ClientChannel, type ConnectConfig, type ServerHostKeyAlgorithm} from 'ssh2'

import {refuseUnlessReadOnly} from '../../collect/read-only.js'
import {redactSecrets} from '../../collect/redact.js'
import {type EvidenceRequest, type Gathered, type GatherStatus} from '../../model/evidence.js'
import {toRemoteCommand} from '../../util/shell-quote.js'
import {CappedOutput} from './capped-output.js'
import {
  fingerprintOf,
  knownKeyTypesFor,
  parseKnownHosts,
  verifyHostKey,
  type HostKeyVerdict,
  type KnownHostEntry,
} from './known-hosts.js'
import {requestArgv} from './request-argv.js'
import {planAuth} from './ssh-auth.js'
import {describeAuthFailure, describeConnectError, describeHostKeyRefusal} from './ssh-failure.js'

/** Where and as whom to log in. */
export interface SshEndpoint {
  /** Node name, used in every message. */
  readonly name: string
  readonly host: string
  readonly port: number
  readonly user: string
  /** Explicit identity files; absent or empty means ssh's defaults (~/.ssh/id_ed25519, id_ecdsa, id_rsa). */
  readonly identityFiles?: readonly string[]
}

export interface SshSettings {
  /** Host keys are checked against this file; a missing file means every host is unknown. */
  readonly knownHostsPath: string
  /** Accept a host key that known_hosts does not know (never a changed one), for this run only. Nothing is written. */
  readonly acceptNewHostKeys: boolean
  /** TCP connect + handshake + authentication. */
  readonly connectTimeoutMs: number
  /** Per command, unless the request carries its own. */
  readonly commandTimeoutMs: number
  /** Per stream (stdout, stderr) of one command; the head is kept. */
  readonly outputCapBytes: number
  /** Concurrent sessions on one connection; OpenSSH's MaxSessions defaults to 10. */
  readonly channelsPerConnection: number
  /** ssh-agent socket; usually $SSH_AUTH_SOCK. */
  readonly agentSocket: string | undefined
}

export const DEFAULT_SSH_SETTINGS: Omit<SshSettings, 'knownHostsPath' | 'agentSocket'> = {
  acceptNewHostKeys: false,
  connectTimeoutMs: 15_000,
  commandTimeoutMs: 60_000,
  outputCapBytes: 8 * 1024 * 1024,
  channelsPerConnection: 4,
}

/** A node problem, already worded for the operator (without the node label, which gather() adds). */
class NodeUnreachable extends Error {}

/** ssh2's default host key algorithms (lib/protocol/constants.js), so known types can be moved to the front. */
const HOST_KEY_ALGORITHMS: ServerHostKeyAlgorithm[] = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
]

/**
 * One SSH connection to one node, opened on first use and shared by all its commands. A connection that
 * failed stays failed for the rest of the run, so an unreachable node costs one timeout, not one per command.
 */
export class SshNode {
  private connection: Promise<Client> | undefined
  private readonly channels: LimitFunction
  private acceptedKey: string | undefined

  constructor(
    readonly endpoint: SshEndpoint,
    private readonly settings: SshSettings,
    private readonly jump?: SshNode,
  ) {
    this.channels = pLimit(settings.channelsPerConnection)
  }

  /** `compute-1 (127.0.1.12:22 via bastion)`: how the node is named in errors. */
  get label(): string {
    const via = this.jump ? ` via ${this.jump.endpoint.name}` : ''
    return `${this.endpoint.name} (${this.endpoint.host}:${this.endpoint.port}${via})`
  }

  /** The jump host this node is reached through, if any. */
  get via(): SshNode | undefined {
    return this.jump
  }

  /** Fingerprint of a host key accepted because of acceptNewHostKeys, so the report can say so. */
  get acceptedNewHostKey(): string | undefined {
    return this.acceptedKey
  }

  /** Run one request. Never throws for node or command problems. */
  async gather(request: EvidenceRequest): Promise<Gathered> {
    const started = Date.now()
    const capturedAt = new Date(started).toISOString()
    const base = {node: this.endpoint.name, request, origin: `ssh ${this.endpoint.name}`, capturedAt}
    const argv = requestArgv(request)

    // Defense in depth: the guard already ran when the playbook loaded; check again right before sending.
    const refused = refuseUnlessReadOnly(base.node, request, argv, base.origin, capturedAt)
    if (refused) return refused

    try {
      const timeoutMs =
        request.kind === 'command' && request.timeoutMs ? request.timeoutMs : this.settings.commandTimeoutMs
      const result = await this.channels(() =>
        this.execute(remoteLine(argv, timeoutMs), timeoutMs + LOCAL_GRACE_MS),
      )
      const {status, error} = judge(result, request, timeoutMs, Date.now() - started)
      return {
        ...base,
        status,
        exitCode: result.exitCode,
        stdout: redactSecrets(result.stdout),
        stderr: redactSecrets(result.stderr),
        durationMs: Date.now() - started,
        truncated: result.truncated,
        ...(error ? {error: `${this.label}: ${error}`} : {}),
      }
    } catch (error) {
      const detail =
        error instanceof NodeUnreachable ? error.message : `unexpected SSH error: ${(error as Error).message}`
      return {
        ...base,
        status: 'unreachable',
        exitCode: null,
        stdout: '',
        stderr: '',
        durationMs: Date.now() - started,
        truncated: false,
        error: `${this.label}: ${detail}`,
      }
    }
  }

  /**
   * Run a command line on the shared connection. A connection that died before we noticed (ssh2 throws
   * "Not connected", or the session open gets "No response from server") is reopened once; a second
   * failure is the node's answer. Nothing ran on the dead connection, so retrying is safe.
   */
  private async execute(line: string, localDeadlineMs: number): Promise<ExecResult> {
    const once = async (): Promise<ExecResult> =>
      execute(await this.connect(), line, localDeadlineMs, this.settings.outputCapBytes)
    let result: ExecResult
    try {
      result = await once()
    } catch (error) {
      if (!CONNECTION_GONE.test((error as Error).message)) throw error
      this.connection = undefined
      return once()
    }
    if (result.channelError && CONNECTION_GONE.test(result.channelError)) {
      this.connection = undefined
      return once()
    }
    return result
  }

  /** Open a TCP stream from this node to host:port (this node is someone's jump host). */
  async forwardTo(host: string, port: number): Promise<Duplex> {
    let client: Client
    try {
      client = await this.connect()
    } catch (error) {
      // The hop's own failure, named after the hop, so "via bastion" errors say which link broke.
      throw new NodeUnreachable(`${this.label}: ${(error as Error).message}`)
    }
    return new Promise((resolve, reject) => {
      client.forwardOut('127.0.0.1', 0, host, port, (error, stream) => {
        if (error)
          reject(
            new NodeUnreachable(
              `${this.label} could not connect onward to ${host}:${port} (${error.message.replace(/^\(SSH\)\s*/, '')})`,
            ),
          )
        else resolve(stream)
      })
    })
  }

  async close(): Promise<void> {
    const connection = this.connection
    this.connection = undefined
    if (!connection) return
    const client = await connection.catch(() => undefined)
    if (!client) return
    await new Promise<void>((resolve) => {
      client.once('close', () => resolve())
      client.end()
    })
  }

  private connect(): Promise<Client> {
    this.connection ??= this.open()
    return this.connection
  }

  private async open(): Promise<Client> {
    const {host, port, user} = this.endpoint
    const knownHostsPath = this.settings.knownHostsPath
    const entries = readKnownHosts(knownHostsPath)
    const auth = planAuth(user, this.endpoint.identityFiles, this.settings.agentSocket)
    if (auth.methods.length === 0)
      throw new NodeUnreachable(describeAuthFailure({user, tried: [], skipped: auth.skipped}))

    let sock: Duplex | undefined
    if (this.jump) {
      try {
        sock = await this.jump.forwardTo(host, port)
      } catch (error) {
        throw new NodeUnreachable(`jump host failed: ${(error as Error).message}`)
      }
    }

    let hostKeyVerdict: HostKeyVerdict | undefined
    const client = new ssh2.Client() // ssh2 is CommonJS: Node's ESM loader sees only its default export
    const config: ConnectConfig = {
      host,
      port,
      username: user,
      ...(sock ? {sock} : {}),
      readyTimeout: this.settings.connectTimeoutMs,
      keepaliveInterval: 15_000,
      keepaliveCountMax: 3,
      authHandler: [...auth.methods],
      algorithms: {serverHostKey: hostKeyPreference(entries, host, port)},
      // ssh2 accepts any host key when no verifier is given; this is the only gate.
      hostVerifier: (key: Buffer) => {
        hostKeyVerdict = verifyHostKey(entries, host, port, key)
        if (hostKeyVerdict.status === 'match') return true
        if (hostKeyVerdict.status === 'unknown' && this.settings.acceptNewHostKeys) {
          this.acceptedKey = fingerprintOf(key)
          return true
        }
        return false
      },
    }

    return new Promise<Client>((resolve, reject) => {
      let ready = false
      client.on('ready', () => {
        ready = true
        resolve(client)
      })
      client.on('error', (error: Error & {code?: string; level?: string}) => {
        if (ready) return
        const refusal = hostKeyVerdict && describeHostKeyRefusal(hostKeyVerdict, {host, port, knownHostsPath})
        const accepted = hostKeyVerdict?.status === 'match' || this.acceptedKey !== undefined
        if (refusal && !accepted) reject(new NodeUnreachable(refusal))
        else if (error.level === 'client-authentication')
          reject(new NodeUnreachable(describeAuthFailure({user, tried: auth.tried, skipped: auth.skipped})))
        else reject(new NodeUnreachable(describeConnectError(error, this.settings.connectTimeoutMs)))
      })
      client.on('close', () => {
        // A connection that dropped after working is reopened on next use; one that never worked stays failed.
        if (ready && this.connection) this.connection = undefined
        if (!ready) reject(new NodeUnreachable('connection closed during the SSH handshake'))
      })
      client.connect(config)
    })
  }
}

function readKnownHosts(path: string): KnownHostEntry[] {
  try {
    return parseKnownHosts(readFileSync(path, 'utf8'))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw new NodeUnreachable(`cannot read known_hosts ${path}: ${(error as Error).message}`)
  }
}

/** Offer the key types known_hosts has for this host first, as OpenSSH does, so the server presents one we can check. */
function hostKeyPreference(
  entries: readonly KnownHostEntry[],
  host: string,
  port: number,
): ServerHostKeyAlgorithm[] {
  const preferred = knownKeyTypesFor(entries, host, port).flatMap((type) =>
    type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type],
  )
  const known = HOST_KEY_ALGORITHMS.filter((algorithm) => preferred.includes(algorithm)).sort(
    (a, b) => preferred.indexOf(a) - preferred.indexOf(b),
  )
  return [...new Set([...known, ...HOST_KEY_ALGORITHMS])]
}

/** ssh2's words for "this connection is already gone". */
const CONNECTION_GONE = /Not connected|No response from server/i

/** How long past the remote `timeout` we wait before giving up on the channel ourselves. */
const LOCAL_GRACE_MS = 3_000

/**
 * The shell line sent to the node: the checked argv, quoted, under coreutils `timeout`.
 *
 * Closing an SSH channel does not stop the remote process, and OpenSSH refuses "signal" requests for root
 * logins (no privilege separation after auth: "session signalling requires privilege separation"), so a
 * hung `cat` would outlive the run. `timeout` kills it on the node itself: TERM at the deadline, KILL 5 s
 * later. Our own timer (deadline + grace) stays as the backstop if `timeout` is missing or the node hangs.
 */
export function remoteLine(argv: readonly string[], timeoutMs: number): string {
  const seconds = Math.max(1, Math.ceil(timeoutMs / 1000))
  return `timeout -k 5 ${seconds} ${toRemoteCommand(argv)}`
}

interface ExecResult {
  readonly exitCode: number | null
  readonly signal: string | undefined
  readonly stdout: string
  readonly stderr: string
  readonly truncated: boolean
  readonly timedOut: boolean
  readonly channelError: string | undefined
}

/**
 * Run one command line on an open connection, bounded in time and memory. Rejects only when the
 * connection is already gone (ssh2 throws "Not connected"); every other outcome is an ExecResult.
 */
function execute(client: Client, command: string, timeoutMs: number, capBytes: number): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const stdout = new CappedOutput(capBytes)
    const stderr = new CappedOutput(capBytes)
    let exitCode: number | null = null
    let signal: string | undefined
    let timedOut = false
    let settled = false
    let channel: ClientChannel | undefined

    const finish = (channelError?: string): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve({
        exitCode,
        signal,
        stdout: stdout.text(),
        stderr: stderr.text(),
        truncated: stdout.truncated || stderr.truncated,
        timedOut,
        channelError,
      })
    }
    // Closing the channel stops our reading; the remote `timeout` (see remoteLine) stops the process.
    const stop = (): void => {
      channel?.close()
    }
    const timer = setTimeout(() => {
      timedOut = true
      stop()
      // Some servers never answer the close; do not wait on them.
      setTimeout(() => finish(), 2_000).unref()
    }, timeoutMs)

    const onSession = (error: Error | undefined, stream: ClientChannel): void => {
      if (error) {
        finish(error.message)
        return
      }
      channel = stream
      stream.on('data', (chunk: Buffer) => {
        if (!stdout.push(chunk)) stop()
      })
      stream.stderr.on('data', (chunk: Buffer) => {
        if (!stderr.push(chunk)) stop()
      })
      stream.on('exit', (code: number | null, signalName?: string) => {
        exitCode = typeof code === 'number' ? code : null
        signal = signalName
      })
      stream.on('close', () => finish())
    }
    try {
      client.exec(command, onSession)
    } catch (error) {
      settled = true
      clearTimeout(timer)
      reject(error instanceof Error ? error : new Error(String(error)))
    }
  })
}

/** Map what happened to a status: a command that ran is ok whatever its exit code, except "could not run". */
function judge(
  result: ExecResult,
  request: EvidenceRequest,
  timeoutMs: number,
  elapsedMs: number,
): {status: GatherStatus; error?: string} {
  if (result.channelError)
    return {status: 'failed', error: `could not open a session: ${result.channelError}`}
  // 124: `timeout` stopped it with TERM; 137: it ignored TERM and got KILL. Only past the deadline: before
  // it, 137 is some other SIGKILL (the OOM killer) and 124 the command's own exit status.
  const stoppedRemotely = (result.exitCode === 124 || result.exitCode === 137) && elapsedMs >= timeoutMs
  if (result.timedOut || stoppedRemotely) {
    return {
      status: 'timeout',
      error: `no result within ${Math.round(timeoutMs / 1000)} s; the command was stopped`,
    }
  }
  if (result.truncated) return {status: 'ok'}
  if (result.exitCode === null)
    return {
      status: 'failed',
      error: result.signal ? `killed by signal ${result.signal}` : 'the command ended without an exit status',
    }
  const firstStderr = result.stderr.split('\n')[0]?.trim() ?? ''
  if (result.exitCode === 127)
    return {status: 'failed', error: `command not found on the node${firstStderr ? ` (${firstStderr})` : ''}`}
  if (result.exitCode === 126)
    return {
      status: 'failed',
      error: `command not executable on the node${firstStderr ? ` (${firstStderr})` : ''}`,
    }
  if (request.kind === 'file' && result.exitCode !== 0)
    return {status: 'failed', error: `cannot read ${request.path}${firstStderr ? `: ${firstStderr}` : ''}`}
  return {status: 'ok'}
}
