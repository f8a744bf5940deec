/**
 * Every lab fault, diagnosed offline from the `sos report` archives the lab captured of its nodes
 * (fixtures/lab/<fault>/sos/<node>.tar.xz, real Debian sos 4.0), against the same expectations table as
 * the bundle replays (test/golden/lab-faults.test.ts) and the live lab suite. This is the support
 * engineer's path: `cloudtriage <playbook> [target] --from <directory of sosreports>`.
 *
 * A row whose cause sos cannot hold is listed in test/lab/sos-cannot-show.tsv with the reason, and shows as a todo.
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'

import {describe, expect, it} from 'vitest'

import {loadBuiltinPlaybook, PLAYBOOK_DIR} from '../../src/app/playbook-catalog.js'
import {runPlaybook} from '../../src/playbook/run-playbook.js'
import {openSosreports} from '../../src/sources/sosreport/sosreport-source.js'

/** Causes sos cannot hold, with the reason: test/lab/sos-cannot-show.tsv (the live suite reads it too). */
const SOS_CANNOT_SHOW: Record<string, string> = Object.fromEntries(
  readFileSync('test/lab/sos-cannot-show.tsv', 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => [line.slice(0, line.indexOf('\t')), line.slice(line.indexOf('\t') + 1).trim()]),
)

const rows = readFileSync('test/lab/expectations.tsv', 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.startsWith('#'))
  .map((line) => {
    const [fault = '', playbook = '', target = '-', component = '', node = '-'] = line
      .split('\t')
      .map((c) => c.trim())
    return {fault, playbook, target: target === '-' ? null : target, expected: `${component}@${node}`}
  })

describe('the lab faults, diagnosed offline from their sosreports', () => {
  for (const row of rows) {
    const sos = path.join('fixtures/lab', row.fault, 'sos')
    const title = `${row.fault}: ${row.playbook} ${row.target ?? ''} from sos names ${row.expected}`
    const archives = existsSync(sos) ? readdirSync(sos).filter((f) => /\.tar\.(xz|gz)$/.test(f)) : []
    if (archives.length === 0 || !existsSync(path.join(PLAYBOOK_DIR, `${row.playbook}.yaml`))) {
      it.todo(`${title} (no sos archives captured yet)`)
      continue
    }
    const gap = SOS_CANNOT_SHOW[row.fault]
    if (gap) {
      it.todo(`${title} — ${gap}`)
      continue
    }
    it(
      title,
      async () => {
        const loaded = await loadBuiltinPlaybook(row.playbook)
        const source = await openSosreports(sos)
        try {
          const d = await runPlaybook(loaded.playbook, source, {target: row.target})
          const ranked = d.suspects.map((s) => `${s.component}@${s.node ?? '-'} ${s.confidence}`).join(', ')
          const top = d.suspects[0]
          expect(top ? `${top.component}@${top.node ?? '-'}` : 'no suspect', ranked).toBe(row.expected)
        } finally {
          await source.close()
        }
      },
      60_000,
    )
  }
})
