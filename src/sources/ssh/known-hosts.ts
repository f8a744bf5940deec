import {createHash, createHmac, timingSafeEqual} from 'node:crypto'

/**
 * OpenSSH known_hosts, read the way `ssh` reads it (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT").
 *
 * ssh2 accepts any host key unless told otherwise, so this module is what stands between cloudtriage
 * and a man in the middle. It supports plain names, comma lists, `[host]:port`, hashed names
 * (`|1|salt|HMAC-SHA1`), `*`/`?` wildcards with `!negation`, and `@revoked`. `@cert-authority` lines are
 * skipped: ssh2 cannot verify host certificates, so such a host is reported unknown rather than trusted.
 */

export interface KnownHostEntry {
  readonly marker: 'revoked' | 'cert-authority' | null
  /** The host field as written, e.g. `controller-0,127.0.1.10` or `|1|…|…`. */
  readonly hosts: string
  /** Key algorithm as written, e.g. `ssh-ed25519`. */
  readonly keyType: string
  /** SSH wire-format public key. */
  readonly key: Buffer
  /** 1-based line number in the file, for messages. */
  readonly line: number
}

export type HostKeyVerdict =
  | {readonly status: 'match'}
  | {readonly status: 'unknown'; readonly fingerprint: string}
  | {readonly status: 'mismatch'; readonly fingerprint: string; readonly expected: readonly string[]}
  | {readonly status: 'revoked'}

/** Parse a known_hosts file. Lines that cannot be read are skipped, as ssh does. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = []
  text.split('\n').forEach((raw, index) => {
    const entry = parseLine(raw.trim(), index + 1)
    if (entry) entries.push(entry)
  })
  return entries
}

function parseLine(line: string, lineNumber: number): KnownHostEntry | undefined {
  if (line === '' || line.startsWith('#')) return undefined
  const fields = line.split(/\s+/)
  let marker: KnownHostEntry['marker'] = null
  if (fields[0]?.startsWith('@')) {
    const word = fields.shift()
    if (word === '@revoked') marker = 'revoked'
    else if (word === '@cert-authority') marker = 'cert-authority'
    else return undefined
  }
  const [hosts, keyType, keyBase64] = fields
  if (!hosts || !keyType || !keyBase64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(keyBase64)) return undefined
  const key = Buffer.from(keyBase64, 'base64')
  if (key.length === 0) return undefined
  return {marker, hosts, keyType, key, line: lineNumber}
}

/** The name ssh looks up: the bare host on port 22, `[host]:port` otherwise. */
export function hostLookupName(host: string, port: number): string {
  return port === 22 ? host.toLowerCase() : `[${host.toLowerCase()}]:${port}`
}

/** OpenSSH's fingerprint form: `SHA256:` + unpadded base64 of the SHA-256 of the key blob. */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`
}

/** Does this entry's host field name `host` on `port`? */
export function entryMatchesHost(entry: KnownHostEntry, host: string, port: number): boolean {
  const name = hostLookupName(host, port)
  if (entry.hosts.startsWith('|1|')) return hashedNameMatches(entry.hosts, name)
  return patternListMatches(entry.hosts, name)
}

function hashedNameMatches(field: string, name: string): boolean {
  const [, , saltBase64, hashBase64] = field.split('|')
  if (!saltBase64 || !hashBase64) return false
  const expected = Buffer.from(hashBase64, 'base64')
  const actual = createHmac('sha1', Buffer.from(saltBase64, 'base64')).update(name).digest()
  return expected.length === actual.length && timingSafeEqual(expected, actual)
}

/** A comma list of patterns; any matching `!pattern` vetoes the whole list, as in OpenSSH match_hostname. */
function patternListMatches(list: string, name: string): boolean {
  let matched = false
  for (const raw of list.split(',')) {
    const negated = raw.startsWith('!')
    const pattern = (negated ? raw.slice(1) : raw).toLowerCase()
    if (!wildcardMatches(pattern, name)) continue
    if (negated) return false
    matched = true
  }
  return matched
}

function wildcardMatches(pattern: string, name: string): boolean {
  const source = pattern
    .replaceAll(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.')
  return new RegExp(`^${source}$`, 's').test(name)
}

/**
 * Decide whether `keyBlob` is the right key for `host:port`.
 *
 * A revoked key is refused for every host. Otherwise any non-CA entry for the host with the same key is a
 * match; entries for the host with only other keys mean the key changed (whatever their type: we never
 * silently trust a new key for a host we already know).
 */
export function verifyHostKey(
  entries: readonly KnownHostEntry[],
  host: string,
  port: number,
  keyBlob: Buffer,
): HostKeyVerdict {
  if (entries.some((e) => e.marker === 'revoked' && e.key.equals(keyBlob))) return {status: 'revoked'}
  const forHost = entries.filter((e) => e.marker === null && entryMatchesHost(e, host, port))
  if (forHost.some((e) => e.key.equals(keyBlob))) return {status: 'match'}
  const fingerprint = fingerprintOf(keyBlob)
  if (forHost.length === 0) return {status: 'unknown', fingerprint}
  return {
    status: 'mismatch',
    fingerprint,
    expected: forHost.map((e) => `${e.keyType} ${fingerprintOf(e.key)}`),
  }
}

/**
 * Key types known for this host, in file order. Offered first during key exchange (as OpenSSH does), so
 * a server with both RSA and Ed25519 keys presents the one we can check.
 */
export function knownKeyTypesFor(entries: readonly KnownHostEntry[], host: string, port: number): string[] {
  const types = entries
    .filter((e) => e.marker === null && entryMatchesHost(e, host, port))
    .map((e) => e.keyType)
  return [...new Set(types)]
}
