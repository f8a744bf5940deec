import {readdir, readFile} from 'node:fs/promises'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {PAGE_FOLDERS, PAGE_TYPES} from './page-schema.js'
import {
  parsePage,
  type ComponentEntry,
  type GuideEntry,
  type KnowledgePage,
  type KnowledgeProblem,
  type SignatureEntry,
} from './parse-page.js'

/** The knowledge base shipped with cloudtriage, from both src/ (tests) and dist/ (built CLI): two levels up. */
export const KNOWLEDGE_DIR = fileURLToPath(new URL('../../knowledge/', import.meta.url))

/** Every valid page of a knowledge folder, by type and id, and every file that could not be read as one. */
export interface KnowledgeBase {
  readonly dir: string
  readonly pages: readonly KnowledgePage[]
  readonly components: ReadonlyMap<string, ComponentEntry>
  readonly signatures: ReadonlyMap<string, SignatureEntry>
  readonly guides: ReadonlyMap<string, GuideEntry>
  /** Files that are not valid pages; they are left out of the maps above. */
  readonly problems: readonly KnowledgeProblem[]
}

/** One knowledge file as read from disk, for loading and for the index fingerprint. */
export interface KnowledgeFile {
  /** Relative to the knowledge folder, e.g. `signatures/oslo-messaging-timeout.md`. */
  readonly name: string
  readonly text: string
}

/** Read every `*.md` page under components/, signatures/ and guides/ (sorted, so builds are reproducible). */
export async function readKnowledgeFiles(dir: string = KNOWLEDGE_DIR): Promise<KnowledgeFile[]> {
  const files: KnowledgeFile[] = []
  for (const type of PAGE_TYPES) {
    const folder = PAGE_FOLDERS[type]
    let entries: string[]
    try {
      entries = await readdir(path.join(dir, folder))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue
      throw error
    }
    const names = entries
      .filter((e) => e.endsWith('.md'))
      .sort()
      .map((e) => `${folder}/${e}`)
    files.push(
      ...(await Promise.all(
        names.map(async (name) => ({name, text: await readFile(path.join(dir, name), 'utf8')})),
      )),
    )
  }
  return files
}

/** Load a knowledge folder. Never throws for a bad page: it becomes a problem, and the rest still loads. */
export async function loadKnowledge(dir: string = KNOWLEDGE_DIR): Promise<KnowledgeBase> {
  return buildKnowledgeBase(dir, await readKnowledgeFiles(dir))
}

/** Pure: the files of a knowledge folder to a knowledge base. Problems name files as `knowledge/<folder>/<file>:line`. */
export function buildKnowledgeBase(dir: string, files: readonly KnowledgeFile[]): KnowledgeBase {
  const pages: KnowledgePage[] = []
  const problems: KnowledgeProblem[] = []
  const components = new Map<string, ComponentEntry>()
  const signatures = new Map<string, SignatureEntry>()
  const guides = new Map<string, GuideEntry>()
  const seenIds = new Map<string, string>()
  const label = path.basename(path.resolve(dir))
  for (const file of files) {
    const result = parsePage(file.text, `${label}/${file.name}`)
    if (!result.ok) {
      problems.push(result.problem)
      continue
    }
    const page = result.page
    // `kb show <id>` looks pages up by id alone, so ids are unique across types.
    const clash = seenIds.get(page.meta.id)
    if (clash) {
      problems.push({where: page.at(['id']), message: `id "${page.meta.id}" is also used by ${clash}`})
      continue
    }
    seenIds.set(page.meta.id, page.file)
    pages.push(page)
    if (page.type === 'component') components.set(page.meta.id, page)
    else if (page.type === 'signature') signatures.set(page.meta.id, page)
    else guides.set(page.meta.id, page)
  }
  return {dir, pages, components, signatures, guides, problems}
}

const cache = new Map<string, {print: string; kb: KnowledgeBase}>()

/**
 * loadKnowledge, parsed once per process while the files stay the same (each playbook run re-reads the
 * files to notice edits, but only re-parses when their content changed).
 */
export async function loadKnowledgeCached(dir: string = KNOWLEDGE_DIR): Promise<KnowledgeBase> {
  const files = await readKnowledgeFiles(dir)
  const print = files.map((f) => `${f.name}\0${f.text}`).join('\0\0')
  const key = path.resolve(dir)
  const hit = cache.get(key)
  if (hit && hit.print === print) return hit.kb
  const kb = buildKnowledgeBase(dir, files)
  cache.set(key, {print, kb})
  return kb
}
