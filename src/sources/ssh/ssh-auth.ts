import {existsSync, readFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'
import ssh2, {type AnyAuthMethod} from 'ssh2'

// ssh2 is CommonJS: Node's ESM loader cannot see its named exports, only the default.
const {utils} = ssh2

/**
 * Which credentials to offer a node, in OpenSSH's order: agent keys first, then identity files.
 * Passwords and keyboard-interactive are never offered: cloudtriage must run unattended.
 */

/** Identity files ssh tries when none is configured (ssh_config(5) IdentityFile). */
export function defaultIdentityFiles(home: string = homedir()): string[] {
  return ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((name) => join(home, '.ssh', name))
}

/** `~/x` → `$HOME/x`, as ssh does for IdentityFile and UserKnownHostsFile. */
export function expandHome(path: string, home: string = homedir()): string {
  if (path === '~') return home
  return path.startsWith('~/') ? join(home, path.slice(2)) : path
}

export interface AuthPlan {
  readonly methods: readonly AnyAuthMethod[]
  /** What was offered, for the "authentication failed (tried: …)" message. */
  readonly tried: readonly string[]
  /** Keys that could not be used, with why (missing passphrase, unreadable). */
  readonly skipped: readonly string[]
}

/**
 * Build the list of methods for ssh2's `authHandler`. Explicit identity files that do not exist are
 * reported; default ones that do not exist are silently left out, as ssh does.
 */
export function planAuth(
  username: string,
  identityFiles: readonly string[] | undefined,
  agentSocket: string | undefined,
): AuthPlan {
  const methods: AnyAuthMethod[] = []
  const tried: string[] = []
  const skipped: string[] = []
  if (agentSocket) {
    methods.push({type: 'agent', username, agent: agentSocket})
    tried.push('ssh-agent')
  }
  const explicit = identityFiles !== undefined && identityFiles.length > 0
  for (const file of explicit ? identityFiles.map((f) => expandHome(f)) : defaultIdentityFiles()) {
    if (!existsSync(file)) {
      if (explicit) skipped.push(`${file} does not exist`)
      continue
    }
    let text: Buffer
    try {
      text = readFileSync(file)
    } catch (error) {
      skipped.push(`${file} is unreadable (${(error as NodeJS.ErrnoException).code ?? 'error'})`)
      continue
    }
    const parsed = utils.parseKey(text)
    if (parsed instanceof Error) {
      skipped.push(
        /passphrase/i.test(parsed.message)
          ? `${file} needs a passphrase (load it with ssh-add)`
          : `${file} is not a private key`,
      )
      continue
    }
    methods.push({type: 'publickey', username, key: text})
    tried.push(file)
  }
  return {methods, tried, skipped}
}
