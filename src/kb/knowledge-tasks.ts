import {readFile, writeFile, mkdir} from 'node:fs/promises'
import path from 'node:path'

import {listPlaybookFiles, PLAYBOOK_DIR} from '../app/playbook-catalog.js'
import {CloudtriageError} from '../model/errors.js'
import {loadPlaybookFile} from '../playbook/load.js'
import {lintKnowledge, type PlaybookForLint} from './lint-knowledge.js'
import {KNOWLEDGE_DIR, loadKnowledge} from './load-knowledge.js'
import type {KnowledgeProblem} from './parse-page.js'
import {renderGuide} from './playbook-guide.js'

/** The folders `kb lint` and `kb guides` work on; tests point them at temporary copies. */
export interface KnowledgeDirs {
  readonly knowledgeDir?: string
  readonly playbookDir?: string
}

/** Load every playbook; one that does not load is a lint problem, not a crash. */
export async function loadPlaybooksForLint(
  playbookDir: string = PLAYBOOK_DIR,
): Promise<{playbooks: PlaybookForLint[]; problems: KnowledgeProblem[]}> {
  const playbooks: PlaybookForLint[] = []
  const problems: KnowledgeProblem[] = []
  const label = path.basename(path.resolve(playbookDir))
  for (const file of await listPlaybookFiles(playbookDir)) {
    const name = `${label}/${path.basename(file)}`
    try {
      const {playbook} = await loadPlaybookFile(file)
      playbooks.push({path: name, text: await readFile(file, 'utf8'), playbook})
    } catch (error) {
      if (!(error instanceof CloudtriageError)) throw error
      problems.push({
        where: name,
        message: `does not load, so its guide and components cannot be checked: ${error.message}`,
      })
    }
  }
  return {playbooks, problems}
}

/** Everything `kb lint` reports for a knowledge folder against a playbook folder. */
export async function lintKnowledgeDir(dirs: KnowledgeDirs = {}): Promise<KnowledgeProblem[]> {
  const knowledgeDir = dirs.knowledgeDir ?? KNOWLEDGE_DIR
  const kb = await loadKnowledge(knowledgeDir)
  const {playbooks, problems} = await loadPlaybooksForLint(dirs.playbookDir)
  const guideTexts = new Map<string, string>()
  for (const p of playbooks) {
    const name = `guides/${p.playbook.id}.md`
    const text = await readFile(path.join(knowledgeDir, name), 'utf8').catch(() => undefined)
    if (text !== undefined) guideTexts.set(name, text)
  }
  return [...problems, ...lintKnowledge(kb, playbooks, guideTexts)]
}

/** Regenerate (or with `write: false`, only compare) the guide of every playbook. */
export async function syncGuides(
  dirs: KnowledgeDirs & {write: boolean},
): Promise<{changed: string[]; unchanged: string[]; problems: KnowledgeProblem[]}> {
  const knowledgeDir = dirs.knowledgeDir ?? KNOWLEDGE_DIR
  const {playbooks, problems} = await loadPlaybooksForLint(dirs.playbookDir)
  const changed: string[] = []
  const unchanged: string[] = []
  await mkdir(path.join(knowledgeDir, 'guides'), {recursive: true})
  for (const p of playbooks) {
    const file = path.join(knowledgeDir, 'guides', `${p.playbook.id}.md`)
    const want = renderGuide(p.playbook, p.text, p.path)
    const have = await readFile(file, 'utf8').catch(() => undefined)
    if (have === want) {
      unchanged.push(file)
      continue
    }
    changed.push(file)
    if (dirs.write) await writeFile(file, want)
  }
  return {changed, unchanged, problems}
}
