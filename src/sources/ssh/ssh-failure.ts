import {hostLookupName, type HostKeyVerdict} from './known-hosts.js'

/**
 * One-line, operator-facing reasons an SSH connection failed. Pure: the connection code records what
 * happened (error, host key verdict, what auth was tried) and these functions say it in words.
 */

export interface HostKeyContext {
  readonly host: string
  readonly port: number
  readonly knownHostsPath: string
}

/** Why a host key was refused, with the next step; undefined when the verdict lets the connection go on. */
export function describeHostKeyRefusal(verdict: HostKeyVerdict, context: HostKeyContext): string | undefined {
  const {knownHostsPath: file} = context
  switch (verdict.status) {
    case 'match':
      return undefined
    case 'unknown':
      return (
        `host key ${verdict.fingerprint} is not in ${file}; check it against the node ` +
        `(ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), then add it to known_hosts or rerun with --accept-new-host-key`
      )
    case 'mismatch':
      return (
        `HOST KEY CHANGED: the node presented ${verdict.fingerprint} but ${file} expects ${verdict.expected.join(', ')}; ` +
        `refusing to connect (possible man-in-the-middle). If the node was reinstalled, remove the old key with ` +
        `ssh-keygen -R '${hostLookupName(context.host, context.port)}' -f ${file}`
      )
    case 'revoked':
      return `host key is marked @revoked in ${file}; refusing to connect`
  }
}

export interface AuthContext {
  readonly user: string
  readonly tried: readonly string[]
  readonly skipped: readonly string[]
}

export function describeAuthFailure(context: AuthContext): string {
  const tried =
    context.tried.length > 0 ? context.tried.join(', ') : 'no key: no ssh-agent and no identity file found'
  const skipped = context.skipped.length > 0 ? `; skipped ${context.skipped.join('; ')}` : ''
  return `authentication failed for user ${context.user} (tried: ${tried}${skipped}); load the key into ssh-agent or set identity_file in the inventory`
}

/** Network-level failures from the socket or ssh2, by errno code or ssh2's own messages. */
export function describeConnectError(
  error: Error & {code?: string; level?: string},
  timeoutMs: number,
): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'connection refused (is sshd running, and is the port right?)'
    case 'ETIMEDOUT':
      return `no answer within ${Math.round(timeoutMs / 1000)} s`
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name does not resolve'
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'no route to host'
    case 'ECONNRESET':
      return 'connection reset during the SSH handshake'
  }
  if (/Timed out while waiting for handshake/i.test(error.message))
    return `no SSH handshake within ${Math.round(timeoutMs / 1000)} s`
  if (/Channel open failure/i.test(error.message))
    return `the jump host could not open a connection onward (${error.message.replace(/^\(SSH\)\s*/, '')})`
  return error.message.split('\n')[0] ?? 'unknown SSH error'
}
