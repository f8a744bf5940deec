import {appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {PLAYBOOK_DIR} from '../app/playbook-catalog.js'
import {lintKnowledgeDir, syncGuides} from './knowledge-tasks.js'
import {KNOWLEDGE_DIR} from './load-knowledge.js'

describe('kb lint on the shipped knowledge base', () => {
  // The CI gate: a page that does not parse, a dead link, a signature example that misbehaves, a component a
  // playbook uses without a page, or a guide that no longer says what its playbook says fails this test.
  it('finds no problem in knowledge/ against playbooks/', async () => {
    const problems = await lintKnowledgeDir()
    expect(problems.map((p) => `${p.where}: ${p.message}`)).toEqual([])
  })
})

describe('kb lint on drift', () => {
  let scratch: string
  let knowledge: string
  let playbooks: string

  beforeEach(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'kb-lint-'))
    knowledge = path.join(scratch, 'knowledge')
    playbooks = path.join(scratch, 'playbooks')
    cpSync(KNOWLEDGE_DIR, knowledge, {recursive: true})
    cpSync(PLAYBOOK_DIR, playbooks, {recursive: true})
  })

  afterEach(() => {
    rmSync(scratch, {recursive: true, force: true})
  })

  const lint = async () =>
    (await lintKnowledgeDir({knowledgeDir: knowledge, playbookDir: playbooks})).map(
      (p) => `${p.where}: ${p.message}`,
    )

  it('names the guide line that no longer matches its playbook, and regenerating fixes it', async () => {
    const file = path.join(playbooks, 'vm-ssh-fail.yaml')
    writeFileSync(file, readFileSync(file, 'utf8').replace('title: Macro view', 'title: The big picture'))
    const problems = await lint()
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(
      /^knowledge\/guides\/vm-ssh-fail\.md:\d+: out of date with playbooks\/vm-ssh-fail\.yaml; run: cloudtriage kb guides --write$/,
    )

    const {changed} = await syncGuides({knowledgeDir: knowledge, playbookDir: playbooks, write: true})
    expect(changed.map((f) => path.basename(f))).toEqual(['vm-ssh-fail.md'])
    expect(await lint()).toEqual([])
  })

  it('reports a component a playbook uses that has no page, and every link to it', async () => {
    await rm(path.join(knowledge, 'components', 'keypair.md'))
    const problems = await lint()
    expect(problems).toContain(
      'playbooks/vm-ssh-fail.yaml: uses component "keypair", which has no page (knowledge/components/keypair.md)',
    )
    expect(
      problems.some((p) =>
        /^knowledge\/guides\/vm-ssh-fail\.md:\d+: broken link "\.\.\/components\/keypair\.md"/.test(p),
      ),
    ).toBe(true)
  })

  it('reports a near-miss example that the signature matches, at its line', async () => {
    const file = path.join(knowledge, 'signatures', 'oslo-messaging-timeout.md')
    const text = readFileSync(file, 'utf8')
    const match =
      /- line: ('.*MessagingTimeout: Timed out waiting for a reply to message ID [0-9a-f]{32}.*')/.exec(
        text,
      )?.[1] ?? ''
    expect(match).not.toBe('')
    const lines = text.split('\n')
    const nearAt = lines.findIndex((l) => l.trim() === 'near_miss:')
    lines.splice(
      nearAt + 1,
      0,
      `  - line: ${match}`,
      '    why: copied from the match, so it must be reported',
    )
    writeFileSync(file, lines.join('\n'))
    const problems = await lint()
    expect(problems).toEqual([
      `knowledge/signatures/oslo-messaging-timeout.md:${nearAt + 2}: near miss matches, but must not (copied from the match, so it must be reported)`,
    ])
  })

  it('reports a broken link in a page body, and a suggested command that changes state', async () => {
    appendFileSync(
      path.join(knowledge, 'components', 'rabbitmq.md'),
      '\nSee [the broker crash](../signatures/no-such-signature.md).\n',
    )
    const file = path.join(knowledge, 'components', 'mariadb.md')
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('  - "systemctl status mariadb"', '  - "systemctl restart mariadb"'),
    )
    const problems = await lint()
    expect(
      problems.some((p) =>
        /^knowledge\/components\/rabbitmq\.md:\d+: broken link "\.\.\/signatures\/no-such-signature\.md"/.test(
          p,
        ),
      ),
    ).toBe(true)
    expect(
      problems.some((p) =>
        /^knowledge\/components\/mariadb\.md:\d+: "systemctl restart mariadb" looks like it changes state/.test(
          p,
        ),
      ),
    ).toBe(true)
  })

  it('reports a page that does not parse, at file:line', async () => {
    writeFileSync(
      path.join(knowledge, 'components', 'clock.md'),
      '---\nid: clock\ntype: component\ntitle: clock\nsummary: x\nprocess: {}\n---\n',
    )
    const problems = await lint()
    expect(problems).toContain('knowledge/components/clock.md:6: process: Unrecognized key: "process"')
  })
})
