import {execFileSync, spawnSync} from 'node:child_process'
import {readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {
  generateKeyPair,
  makeTempDir,
  sshdAvailable,
  SSHD_SKIP_REASON,
  startSshd,
  type KeyPair,
  type TestSshd,
} from '../../../test/support/sshd.js'
import {
  entryMatchesHost,
  fingerprintOf,
  knownKeyTypesFor,
  parseKnownHosts,
  verifyHostKey,
} from './known-hosts.js'

// Keys and hashed files below are produced by the real ssh-keygen; `ssh-keygen -F` is the oracle for matching.
const dir = makeTempDir('known-hosts')
let alpha: KeyPair
let beta: KeyPair
let rsa: KeyPair

beforeAll(() => {
  alpha = generateKeyPair(dir, 'alpha')
  beta = generateKeyPair(dir, 'beta')
  rsa = generateKeyPair(dir, 'rsa', 'rsa')
})
afterAll(() => rmSync(dir, {recursive: true, force: true}))

function keyBody(key: KeyPair): string {
  return key.publicLine.split(' ').slice(0, 2).join(' ')
}

/** What `ssh-keygen -F` finds for this host, as the set of key blobs (base64) on the matching lines. */
function oracleKeys(file: string, host: string, port: number): string[] {
  const name = port === 22 ? host : `[${host}]:${port}`
  const result = spawnSync('ssh-keygen', ['-F', name, '-f', file], {encoding: 'utf8'})
  return result.stdout
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => l.split(/\s+/)[2] ?? '')
    .sort()
}

function ourKeys(file: string, host: string, port: number): string[] {
  return parseKnownHosts(readFileSync(file, 'utf8'))
    .filter((e) => entryMatchesHost(e, host, port))
    .map((e) => e.key.toString('base64'))
    .sort()
}

const LOOKUPS: ReadonlyArray<readonly [string, number]> = [
  ['controller-0', 22],
  ['controller-0', 2222],
  ['127.0.1.10', 22],
  ['compute-7', 22],
  ['compute-17', 22],
  ['compute-bad', 22],
  ['net-a.example', 22],
  ['net-ab.example', 22],
  ['bastion', 2200],
  ['bastion', 22],
  ['stranger', 22],
]

function writeFixture(withGarbage: boolean): string {
  const file = join(dir, `known_hosts_${Math.random().toString(36).slice(2)}`)
  writeFileSync(
    file,
    [
      '# comment line',
      '',
      `controller-0,127.0.1.10 ${keyBody(alpha)}`,
      `[controller-0]:2222 ${keyBody(beta)}`,
      `compute-?,!compute-bad ${keyBody(beta)}`,
      `compute-* ${keyBody(rsa)}`,
      `!compute-bad,net-?.example ${keyBody(alpha)}`,
      `[bastion]:2200 ${keyBody(rsa)}`,
      ...(withGarbage ? ['garbage line without a key'] : []),
      '',
    ].join('\n'),
  )
  return file
}

describe('known_hosts host matching agrees with ssh-keygen -F', () => {
  it('on plain names, comma lists, [host]:port, wildcards and negation', () => {
    const file = writeFixture(true)
    for (const [host, port] of LOOKUPS) {
      expect(ourKeys(file, host, port), `${host}:${port}`).toEqual(oracleKeys(file, host, port))
    }
  })

  it('on the same file after ssh-keygen -H hashed the plain names', () => {
    // ssh-keygen -H refuses files with unreadable lines, so this copy has none.
    const file = writeFixture(false)
    execFileSync('ssh-keygen', ['-H', '-f', file], {stdio: 'ignore'})
    expect(readFileSync(file, 'utf8')).toContain('|1|')
    for (const [host, port] of LOOKUPS) {
      expect(ourKeys(file, host, port), `${host}:${port}`).toEqual(oracleKeys(file, host, port))
    }
    // Sanity: the hashed file still finds a plain name, so the comparison above is not vacuous.
    expect(ourKeys(file, '127.0.1.10', 22)).toEqual([alpha.blob.toString('base64')])
    // ssh lowercases the host before lookup (ssh.c), so a hashed entry matches any case. ssh-keygen -F does
    // not, which is why upper case is checked here rather than against the oracle.
    expect(ourKeys(file, 'CONTROLLER-0', 22)).toEqual([alpha.blob.toString('base64')])
  })
})

describe('verifyHostKey', () => {
  it('matches the recorded key, reports a different key as a mismatch, and an absent host as unknown', () => {
    const entries = parseKnownHosts(`controller-0 ${keyBody(alpha)}\n`)
    expect(verifyHostKey(entries, 'controller-0', 22, alpha.blob)).toEqual({status: 'match'})
    expect(verifyHostKey(entries, 'controller-0', 22, beta.blob)).toEqual({
      status: 'mismatch',
      fingerprint: fingerprintOf(beta.blob),
      expected: [`ssh-ed25519 ${fingerprintOf(alpha.blob)}`],
    })
    expect(verifyHostKey(entries, 'compute-0', 22, beta.blob)).toEqual({
      status: 'unknown',
      fingerprint: fingerprintOf(beta.blob),
    })
  })

  it('treats a host known only by another key type as changed, never as new', () => {
    const entries = parseKnownHosts(`controller-0 ${keyBody(rsa)}\n`)
    expect(verifyHostKey(entries, 'controller-0', 22, alpha.blob).status).toBe('mismatch')
  })

  it('refuses a revoked key even where another line lists it for the host', () => {
    const entries = parseKnownHosts(`@revoked * ${keyBody(alpha)}\ncontroller-0 ${keyBody(alpha)}\n`)
    expect(verifyHostKey(entries, 'controller-0', 22, alpha.blob)).toEqual({status: 'revoked'})
  })

  it('ignores @cert-authority lines, so such a host is unknown rather than trusted', () => {
    const entries = parseKnownHosts(`@cert-authority *.example ${keyBody(alpha)}\n`)
    expect(verifyHostKey(entries, 'node.example', 22, alpha.blob).status).toBe('unknown')
  })

  it('computes fingerprints exactly as ssh-keygen -l prints them', () => {
    const printed = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${alpha.privatePath}.pub`], {
      encoding: 'utf8',
    })
    expect(printed.split(' ')[1]).toBe(fingerprintOf(alpha.blob))
  })

  it('lists the key types known for a host in file order, for host key algorithm preference', () => {
    const entries = parseKnownHosts(`h ${keyBody(rsa)}\nh ${keyBody(alpha)}\nother ${keyBody(beta)}\n`)
    expect(knownKeyTypesFor(entries, 'h', 22)).toEqual(['ssh-rsa', 'ssh-ed25519'])
  })
})

describe.skipIf(!sshdAvailable)('known_hosts written by ssh-keyscan against a real sshd', () => {
  let sshd: TestSshd
  beforeAll(async () => {
    sshd = await startSshd({authorizedKeys: []})
  })
  afterAll(async () => sshd?.stop())

  it('verifies the scanned key of the running server, hashed and plain', () => {
    for (const hashed of [false, true]) {
      const scanned = execFileSync(
        'ssh-keyscan',
        [...(hashed ? ['-H'] : []), '-t', 'ed25519', '-p', String(sshd.port), '127.0.0.1'],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        },
      )
      expect(scanned).toContain(hashed ? '|1|' : `[127.0.0.1]:${sshd.port}`)
      const entries = parseKnownHosts(scanned)
      expect(verifyHostKey(entries, '127.0.0.1', sshd.port, sshd.hostKey.blob)).toEqual({status: 'match'})
      expect(verifyHostKey(entries, '127.0.0.1', 22, sshd.hostKey.blob).status).toBe('unknown')
    }
  })
})
if (!sshdAvailable) console.warn(SSHD_SKIP_REASON)
