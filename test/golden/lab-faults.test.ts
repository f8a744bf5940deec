/**
 * Golden tests on the project's own lab: for every fault in test/lab/expectations.tsv whose capture
 * bundle is in fixtures/lab/<fault>/bundle (recorded by `cloudtriage collect` during `npm run
 * lab:capture`, from a real OpenStack with the fault really injected), replaying the bundle must name
 * the expected component on the expected node as the top suspect. The same table drives the live lab
 * suite (test/lab/suite.sh), so offline replay and live runs are held to one answer.
 *
 * A row whose bundle or playbook does not exist yet is listed as a todo, never silently passed.
 */
import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'

import {describe, expect, it} from 'vitest'

import {loadBuiltinPlaybook, PLAYBOOK_DIR} from '../../src/app/playbook-catalog.js'
import {runPlaybook} from '../../src/playbook/run-playbook.js'
import {openBundle} from '../../src/sources/bundle/bundle-source.js'

interface Expectation {
  readonly fault: string
  readonly playbook: string
  readonly target: string | null
  readonly component: string
  readonly node: string | null
}

const dash = (value: string | undefined): string | null =>
  value === undefined || value === '-' ? null : value

const rows: Expectation[] = readFileSync('test/lab/expectations.tsv', 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.startsWith('#'))
  .map((line) => {
    const [fault = '', playbook = '', target, component = '', node] = line
      .split('\t')
      .map((cell) => cell.trim())
    return {fault, playbook, target: dash(target), component, node: dash(node)}
  })

describe('the lab faults, replayed from their capture bundles', () => {
  it('reads a non-trivial expectations table', () => {
    expect(rows.length).toBeGreaterThanOrEqual(15)
    for (const row of rows) expect(row.component, row.fault).toMatch(/^[a-z][a-z0-9-]+$/)
  })

  for (const row of rows) {
    const bundle = path.join('fixtures/lab', row.fault, 'bundle')
    const title = `${row.fault}: ${row.playbook} ${row.target ?? ''} names ${row.component}@${row.node ?? '-'}`
    if (
      !existsSync(path.join(bundle, 'bundle.json')) ||
      !existsSync(path.join(PLAYBOOK_DIR, `${row.playbook}.yaml`))
    ) {
      it.todo(`${title} (no capture bundle or playbook yet)`)
      continue
    }
    it(title, async () => {
      const loaded = await loadBuiltinPlaybook(row.playbook)
      const source = await openBundle(bundle)
      const d = await runPlaybook(loaded.playbook, source, {target: row.target})
      await source.close()
      const top = d.suspects[0]
      const ranked = d.suspects.map((s) => `${s.component}@${s.node ?? '-'} ${s.confidence}`).join(', ')
      expect(top ? `${top.component}@${top.node ?? '-'}` : 'no suspect', ranked).toBe(
        `${row.component}@${row.node ?? '-'}`,
      )
      expect(top?.evidence.length, 'the top suspect cites its evidence').toBeGreaterThan(0)
    })
  }
})
