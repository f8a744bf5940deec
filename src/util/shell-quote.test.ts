import {spawnSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import {shellQuote, toRemoteCommand, UnquotableArgument} from './shell-quote.js'

/** Run a quoted line through a real POSIX shell and get back the argv it saw (NUL-separated by printf). */
function argvSeenBy(shell: string, argv: readonly string[]): string[] {
  const line = `printf '%s\\0' ${toRemoteCommand(argv)}`
  const result = spawnSync(shell, ['-c', line], {encoding: 'utf8', maxBuffer: 64 * 1024 * 1024})
  expect(result.status, result.stderr).toBe(0)
  return result.stdout.split('\0').slice(0, -1)
}

const HOSTILE = [
  "x'; touch /tmp/CANARY; echo '",
  '$(touch /tmp/CANARY)',
  '`touch /tmp/CANARY`',
  '${HOME}',
  'a\nb\r\nc',
  "'",
  "''",
  '\\',
  '"',
  '-E',
  '--format=json',
  '-',
  '*',
  '~',
  '!',
  '#comment',
  'a b\tc',
  'ünïcødé ✓ 日本語 🐧',
  'ERROR|CRITICAL',
  '&& reboot',
  '',
  ' ',
  'x'.repeat(100_000),
]

/** Small deterministic PRNG (mulberry32) so a failing case can be reproduced from its seed. */
function prng(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const ALPHABET = [...'abcXYZ019 \t\n\'"\\`$(){}[];&|<>*?!~#%=,.-_/:@é✓🐧\r']

function randomArg(next: () => number): string {
  const length = Math.floor(next() * 24)
  let out = ''
  for (let i = 0; i < length; i++) out += ALPHABET[Math.floor(next() * ALPHABET.length)] ?? ''
  return out
}

describe('shellQuote', () => {
  it('quotes the empty string as two single quotes', () => {
    expect(shellQuote('')).toBe("''")
  })

  it('leaves plain words, paths and flags bare so command lines stay readable', () => {
    expect(shellQuote('/var/log/nova/nova-compute.log')).toBe('/var/log/nova/nova-compute.log')
    expect(shellQuote('-E')).toBe('-E')
    expect(shellQuote('table=0,in_port=1')).toBe('table=0,in_port=1')
  })

  it('writes an embedded single quote as close-escape-reopen', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`)
  })

  it('refuses a NUL byte with a typed error instead of cutting the argument', () => {
    expect(() => shellQuote('a\0b')).toThrow(UnquotableArgument)
    expect(() => toRemoteCommand(['cat', '/proc/\0x'])).toThrow(/NUL/)
  })

  it('refuses an empty argv', () => {
    expect(() => toRemoteCommand([])).toThrow(UnquotableArgument)
  })
})

describe('toRemoteCommand through real shells', () => {
  const shells = ['/bin/sh', '/bin/bash', '/bin/dash'].filter((s) => existsSync(s))

  it.each(shells)('%s receives every hostile argument exactly as given', (shell) => {
    expect(argvSeenBy(shell, HOSTILE)).toEqual(HOSTILE)
  })

  it.each(shells)('%s receives 300 random arguments exactly as given (seeded property test)', (shell) => {
    const next = prng(20_261_122)
    for (let round = 0; round < 30; round++) {
      const argv = Array.from({length: 10}, () => randomArg(next))
      expect(argvSeenBy(shell, argv), `round ${round}`).toEqual(argv)
    }
  })

  it('never lets command substitution run', () => {
    const marker = `/tmp/cloudtriage-shq-canary-${process.pid}`
    argvSeenBy('/bin/sh', [`$(touch ${marker})`, `\`touch ${marker}\``, `'; touch ${marker}; '`])
    expect(existsSync(marker)).toBe(false)
  })
})
