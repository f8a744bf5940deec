import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {describe, expect, it} from 'vitest'

import {loadKnowledge} from '../../src/kb/load-knowledge.js'
import {signatureMatches} from '../../src/kb/signature-match.js'

/**
 * Every known-issue signature carries its own test data: real log lines that must match and near-misses
 * that must not. This file runs them all through the scanner's own decision (`signatureMatches`: the literal
 * hint, then the regex), and checks that a line said to come from a lab capture really is in that capture.
 */

const repo = fileURLToPath(new URL('../../', import.meta.url))
const kb = await loadKnowledge(path.join(repo, 'knowledge'))
const signatures = [...kb.signatures.values()]

/** `fixtures/...` or `/work/shared/...` (a file), else a public source (URL or owner/repo path). */
function capturePath(source: string): string | undefined {
  const first = source.split(/\s+/)[0] ?? ''
  if (first.startsWith('fixtures/')) return path.join(repo, first)
  if (first.startsWith('/')) return first
  return undefined
}

describe('knowledge/signatures', () => {
  it('loads every signature file without a schema, regex or ReDoS problem', () => {
    const problems = kb.problems.filter((p) => p.where.includes('/signatures/'))
    expect(problems).toEqual([])
  })

  it('holds at least 80 signatures', () => {
    expect(signatures.length).toBeGreaterThanOrEqual(80)
  })

  describe.each(signatures.map((s) => [s.meta.id, s] as const))('%s', (_id, sig) => {
    it('matches each of its real example lines', () => {
      for (const example of sig.meta.examples.match) {
        expect(
          example.line.includes(sig.meta.hint),
          `hint "${sig.meta.hint}" missing from: ${example.line}`,
        ).toBe(true)
        expect(
          sig.regex.test(example.line),
          `pattern /${sig.meta.pattern}/ does not match: ${example.line}`,
        ).toBe(true)
      }
    })

    it('does not match its near-miss lines', () => {
      for (const near of sig.meta.examples.near_miss) {
        expect(signatureMatches(sig, near.line), `near-miss matched (${near.why}): ${near.line}`).toBe(false)
      }
    })

    it('takes its lab lines verbatim from the capture it names, and names a public source otherwise', () => {
      for (const example of sig.meta.examples.match) {
        const file = capturePath(example.source)
        if (file === undefined) {
          expect(example.source, 'a public source is a URL').toMatch(/https?:\/\/\S+/)
          continue
        }
        // The shared lab captures live outside the repo; in-repo fixtures must always be there.
        if (!file.startsWith(repo) && !existsSync(file)) continue
        const lines = readFileSync(file, 'utf8').split('\n')
        expect(lines, `${example.source} does not contain the line verbatim`).toContain(example.line)
      }
    })
  })

  // A signature that names the line which ends it (ended_by) carries real recovery lines too.
  const withRecovery = signatures.filter((s) => s.meta.ended_by && s.endedBy)
  it('has recovery lines for the AMQP family and the lost-conductor heartbeat', () => {
    expect(withRecovery.map((s) => s.meta.id)).toEqual(
      expect.arrayContaining([
        'amqp-server-unreachable-refused',
        'amqp-connection-forced-shutdown',
        'nova-lost-connection-to-conductor',
      ]),
    )
  })

  describe.each(withRecovery.map((s) => [s.meta.id, s] as const))('%s ended_by', (_id, sig) => {
    it('matches each real recovery example, which the signature itself does not match, and none of the signature lines', () => {
      const ended = sig.meta.ended_by!
      const isRecovery = (line: string) => line.includes(ended.hint) && sig.endedBy!.test(line)
      for (const example of ended.examples) {
        expect(isRecovery(example.line), `ended_by /${ended.pattern}/ does not match: ${example.line}`).toBe(
          true,
        )
        expect(
          signatureMatches(sig, example.line),
          `the signature itself matches its recovery: ${example.line}`,
        ).toBe(false)
        const file = capturePath(example.source)
        if (file === undefined) {
          expect(example.source, 'a public source is a URL').toMatch(/https?:\/\/\S+/)
        } else if (file.startsWith(repo) || existsSync(file)) {
          expect(
            readFileSync(file, 'utf8').split('\n'),
            `${example.source} does not contain the line verbatim`,
          ).toContain(example.line)
        }
      }
      for (const example of sig.meta.examples.match) {
        expect(isRecovery(example.line), `ended_by matches the signature's own line: ${example.line}`).toBe(
          false,
        )
      }
    })
  })
})
