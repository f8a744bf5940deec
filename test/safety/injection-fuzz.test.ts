/**
 * The no-injection promise, fuzzed: more than 1,000 hostile values (quotes, $(…), backticks, newlines,
 * redirections, unicode, leading dashes, very long, NUL) go as one argv element through the real SSH path
 * (SshNode -> OpenSSH sshd on 127.0.0.1 -> the remote login shell) and through local execution. Every
 * payload tries to create a canary file; none may ever exist. `date +VALUE` prints VALUE back (with `%`
 * doubled), so each value is also shown to arrive byte for byte, neither split nor cut. NUL cannot be
 * carried by any command line: those values must be refused before anything is sent, never truncated.
 */
import {existsSync, rmSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {Gathered} from '../../src/model/evidence.js'
import {gatherLocally} from '../../src/sources/local/local-exec.js'
import {DEFAULT_SSH_SETTINGS, SshNode} from '../../src/sources/ssh/ssh-node.js'
import {
  generateKeyPair,
  makeTempDir,
  sshdAvailable,
  SSHD_SKIP_REASON,
  startSshd,
  type TestSshd,
} from '../support/sshd.js'

const SEED = Number(process.env['CLOUDTRIAGE_FUZZ_SEED'] ?? 6061)
const dir = makeTempDir('injection')
const CANARY = join(dir, 'CANARY')
/** Relative redirections land in the login directory of the remote (and local) user. */
const RELATIVE_CANARY = 'cloudtriage-injection-canary'
const canaries = [
  CANARY,
  join(homedir(), RELATIVE_CANARY),
  join('/root', RELATIVE_CANARY),
  join(process.cwd(), RELATIVE_CANARY),
]

function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Ways to break out of a quoted or unquoted word and run `touch CANARY`. */
const PAYLOADS = [
  `$(touch ${CANARY})`,
  `\`touch ${CANARY}\``,
  `'; touch ${CANARY}; '`,
  `"; touch ${CANARY}; "`,
  `'"'"'; touch ${CANARY} #`,
  `\\'; touch ${CANARY} #`,
  `; touch ${CANARY}`,
  `&& touch ${CANARY}`,
  `|| touch ${CANARY}`,
  `| touch ${CANARY}`,
  `& touch ${CANARY} &`,
  `\ntouch ${CANARY}\n`,
  `\r\ntouch ${CANARY}`,
  `> ${RELATIVE_CANARY}`,
  `>> ${CANARY}`,
  `2> ${CANARY}`,
  `< /etc/shadow > ${CANARY}`,
  `$(IFS=_;cmd=touch_${CANARY};$cmd)`,
  `\${IFS}touch\${IFS}${CANARY}`,
  `$((1))$(touch ${CANARY})`,
  `<(touch ${CANARY})`,
  `{touch,${CANARY}}`,
  `*; touch ${CANARY}`,
  `~root/$(touch ${CANARY})`,
  `!!; touch ${CANARY}`,
  `\\\`touch ${CANARY}\\\``,
  `$'\\x3b' touch ${CANARY}`,
  `"$(touch ${CANARY})"`,
  `'$(touch ${CANARY})'`,
  `\\$(touch ${CANARY})`,
]
const PREFIXES = [
  '',
  '-',
  '--',
  '-rf ',
  '--output=',
  '-e',
  '--help ',
  ' ',
  '\t',
  'web-1',
  "'",
  '"',
  '\\',
  '$',
  '`',
  '%s%n%x',
  'ä',
]
const SUFFIXES = [
  '',
  ' ',
  '\\',
  "'",
  '"',
  '#',
  ' #',
  '\u202e',
  '\u200b',
  '🙂',
  'é',
  'ｅｃｈｏ',
  '\u0085',
  '\u2028',
  '$',
  '&',
]

function hostileValues(): {values: string[]; withNul: string[]} {
  const random = prng(SEED)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T
  const values = new Set<string>()
  // Every payload under every prefix: the systematic part.
  for (const payload of PAYLOADS) for (const prefix of PREFIXES) values.add(`${prefix}${payload}`)
  // Random combinations of two payloads, prefixes and suffixes: the fuzz part.
  while (values.size < 1_150)
    values.add(`${pick(PREFIXES)}${pick(PAYLOADS)}${pick(SUFFIXES)}${pick(PAYLOADS)}${pick(SUFFIXES)}`)
  // Very long values: 4 KiB up to 100 KiB of payloads.
  for (const size of [4_096, 16_384, 65_536, 100_000]) {
    let long = ''
    while (long.length < size) long += pick(PAYLOADS)
    values.add(long.slice(0, size))
  }
  const withNul = [...values]
    .slice(0, 60)
    .map((v, i) =>
      i % 3 === 0 ? `\0${v}` : i % 3 === 1 ? `${v}\0touch ${CANARY}` : `${v.slice(0, 5)}\0${v.slice(5)}`,
    )
  return {values: [...values], withNul}
}

const {values, withNul} = hostileValues()
const dateArg = (value: string): string => `+${value.replaceAll('%', '%%')}`
/** Between values in one `date` format; no hostile value contains it. */
const SEP = '\u0001<cloudtriage-sep>\u0001'

/** Consecutive runs of values whose total stays under one command-line argument's limit (128 KiB on Linux). */
function batchByLength(list: readonly string[], maxChars: number): string[][] {
  const batches: string[][] = []
  let current: string[] = []
  let size = 0
  for (const v of list) {
    if (current.length > 0 && size + v.length > maxChars) {
      batches.push(current)
      current = []
      size = 0
    }
    current.push(v)
    size += v.length + SEP.length
  }
  if (current.length > 0) batches.push(current)
  return batches
}

afterAll(() => {
  for (const c of canaries) rmSync(c, {force: true})
  rmSync(dir, {recursive: true, force: true})
})

function expectNoCanary(): void {
  for (const c of canaries) expect(existsSync(c), `canary ${c} was created`).toBe(false)
}

function expectVerbatim(results: readonly Gathered[]): void {
  const wrong = results.flatMap((r, i) =>
    r.status === 'ok' && r.exitCode === 0 && r.stdout === `${values[i]}\n`
      ? []
      : [{value: values[i]?.slice(0, 80), status: r.status, error: r.error, out: r.stdout.slice(0, 80)}],
  )
  expect(wrong).toEqual([])
}

describe('injection fuzz', () => {
  it(`has at least 1,000 hostile values, some very long, some with NUL (seed ${SEED})`, () => {
    expect(values.length).toBeGreaterThanOrEqual(1_000)
    expect(Math.max(...values.map((v) => v.length))).toBeGreaterThanOrEqual(100_000)
    expect(values.some((v) => v.includes('\n'))).toBe(true)
    expect(values.some((v) => v.startsWith('-'))).toBe(true)
    expect(withNul.length).toBeGreaterThanOrEqual(50)
  })

  it('runs none of them in local execution, and each arrives byte for byte', async () => {
    const started = Date.now()
    const results: Gathered[] = []
    // Batches of 16: fast enough, gentle on a shared 2-core machine.
    for (let i = 0; i < values.length; i += 16) {
      results.push(
        ...(await Promise.all(
          values
            .slice(i, i + 16)
            .map((v) => gatherLocally('api', {kind: 'command', argv: ['date', dateArg(v)]})),
        )),
      )
    }
    expectVerbatim(results)
    expectNoCanary()
    console.info(
      `injection fuzz, local: ${values.length} hostile values in ${((Date.now() - started) / 1000).toFixed(1)} s, canary never created`,
    )
  })

  it('refuses values with NUL locally before running anything, never truncating them', async () => {
    for (const v of withNul) {
      const result = await gatherLocally('api', {kind: 'command', argv: ['date', dateArg(v)]})
      expect(result).toMatchObject({status: 'refused', exitCode: null, stdout: ''})
      expect(result.error).toContain('NUL')
    }
    expectNoCanary()
  })
})

if (!sshdAvailable) console.warn(`skipping the SSH injection fuzz: ${SSHD_SKIP_REASON}`)

describe.skipIf(!sshdAvailable)('injection fuzz over real SSH', () => {
  let sshd: TestSshd
  let node: SshNode

  beforeAll(async () => {
    const key = generateKeyPair(dir, 'id_ed25519')
    sshd = await startSshd({authorizedKeys: [key.publicLine]})
    node = new SshNode(
      {name: 'fuzz-node', host: '127.0.0.1', port: sshd.port, user: 'root', identityFiles: [key.privatePath]},
      {
        ...DEFAULT_SSH_SETTINGS,
        knownHostsPath: sshd.knownHostsPath,
        agentSocket: undefined,
        connectTimeoutMs: 5_000,
        channelsPerConnection: 8,
      },
    )
  })
  afterAll(async () => {
    await node?.close()
    await sshd?.stop()
  })

  it('runs none of them on the node over one connection, each arrives byte for byte, within 60 s', async () => {
    // One session per value costs 0.2-0.35 s on a loaded 2-core CI box, so values travel in batches: each
    // value is its own argv element of a `grep -F -e V1 -e V2 … /proc/loadavg` (quoted separately), and
    // again inside one `date +V1<SEP>V2…` whose output proves every byte arrived.
    const started = Date.now()
    const batches = batchByLength(values, 4_000)
    const greps = await Promise.all(
      batches.map((batch) =>
        node.gather({
          kind: 'command',
          argv: ['grep', '-F', ...batch.flatMap((v) => ['-e', v]), '/proc/loadavg'],
        }),
      ),
    )
    const dates = await Promise.all(
      batches.map((batch) => node.gather({kind: 'command', argv: ['date', dateArg(batch.join(SEP))]})),
    )
    const seconds = (Date.now() - started) / 1000
    expect(greps.map((g) => `${g.status} ${g.exitCode}`).filter((s) => s !== 'ok 0' && s !== 'ok 1')).toEqual(
      [],
    )
    const arrived = dates.flatMap((d) => d.stdout.replace(/\n$/, '').split(SEP))
    expect(arrived.length).toBe(values.length)
    expect(arrived.filter((v, i) => v !== values[i]).map((v) => v.slice(0, 80))).toEqual([])
    expectNoCanary()
    // One connection: sshd accepted exactly one login for all of them.
    expect(sshd.log().match(/Accepted publickey/g)?.length).toBe(1)
    expect(seconds).toBeLessThan(60)
    console.info(
      `injection fuzz, ssh: ${values.length} hostile values in ${greps.length + dates.length} commands over 1 connection in ${seconds.toFixed(1)} s, canary never created`,
    )
  }, 120_000)

  it('refuses values with NUL before sending anything, never truncating them', async () => {
    const before = sshd.log().length
    for (const v of withNul) {
      const result = await node.gather({kind: 'command', argv: ['date', dateArg(v)]})
      expect(result).toMatchObject({status: 'refused', exitCode: null, stdout: ''})
      expect(result.error).toContain('NUL')
    }
    expect(sshd.log().slice(before)).not.toMatch(/session|Starting session/i)
    expectNoCanary()
  })
})
