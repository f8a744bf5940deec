import {createHash} from 'node:crypto'
import {mkdir, rename, rm, stat} from 'node:fs/promises'
import {homedir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import Database from 'better-sqlite3'

import {
  buildKnowledgeBase,
  KNOWLEDGE_DIR,
  readKnowledgeFiles,
  type KnowledgeBase,
  type KnowledgeFile,
} from './load-knowledge.js'
import {compileSignatureRegex, type KnowledgePage} from './parse-page.js'
import type {PageType} from './page-schema.js'
import {renderPage} from './render-page.js'
import {hintsIn, rankForQuery, type RankedCandidate} from './search-rank.js'

/**
 * The knowledge base's full-text index: SQLite FTS5 through better-sqlite3, in one file built from
 * knowledge/ at build time and rebuilt whenever the knowledge files change (their content hash is stored in
 * the file and compared before every query; hashing ~150 small files takes a few milliseconds).
 *
 * Tokens: unicode61 splits on everything but letters and digits, so `ovs_idl` indexes as "ovs" "idl" and
 * `rpc_response_timeout` as three tokens; a query term is searched as the phrase of its tokens, so the same
 * identifier finds them in order. Porter stemming lets "restarting" find "restart". bm25 ranks with the
 * id, title and keys (hint, process and unit names) columns weighted above the body; then a page named by
 * the query, or a signature whose hint the query is, goes first (search-rank.ts). Words that are in no
 * page (a host name pasted with the error) are left out of the query and reported.
 */

/** Bump when the table layout or what goes into it changes: old index files are then rebuilt. */
const INDEX_FORMAT = 'kb-index-v2'

/** bm25 column weights: id, title, keys, body. */
const WEIGHTS = [10, 8, 5, 1] as const

export interface SearchHit {
  readonly id: string
  readonly type: PageType
  readonly title: string
  /** bm25: lower is better (SQLite's sign). */
  readonly score: number
  /** A few words around the match, highlighted with the markers given to search. */
  readonly snippet: string
}

/** Hits, and the words of the query that are in no page and were left out of it. */
export interface SearchResult {
  readonly hits: SearchHit[]
  /** As typed (one whitespace-separated word each), in query order. */
  readonly ignored: string[]
}

export interface IndexedPage {
  readonly id: string
  readonly type: PageType
  readonly title: string
  readonly summary: string
  /** The page rendered as markdown (front matter as a header, then the body). */
  readonly markdown: string
}

export interface IndexInfo {
  readonly file: string
  readonly rebuilt: boolean
  /** Time to build, when rebuilt. */
  readonly buildMs: number
  readonly pages: number
  /** Files that are not valid pages (left out of the index); `kb lint` names them. */
  readonly problems: number
}

/** Where the index lives: dist/kb.sqlite beside the installed package when writable, else the user's cache. */
export async function defaultIndexFile(knowledgeDir: string = KNOWLEDGE_DIR): Promise<string> {
  if (path.resolve(knowledgeDir) === path.resolve(KNOWLEDGE_DIR)) {
    const dist = fileURLToPath(new URL('../../dist/', import.meta.url))
    if (await isWritableDir(dist)) return path.join(dist, 'kb.sqlite')
  }
  const cache = process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache')
  const tag = createHash('sha256').update(path.resolve(knowledgeDir)).digest('hex').slice(0, 12)
  return path.join(cache, 'cloudtriage', `kb-${tag}.sqlite`)
}

/** A hash of every knowledge file's name and content, and of the index format. */
export function fingerprint(files: readonly KnowledgeFile[]): string {
  const hash = createHash('sha256').update(INDEX_FORMAT)
  for (const f of files) hash.update('\0').update(f.name).update('\0').update(f.text)
  return hash.digest('hex')
}

/**
 * Make sure the index file matches the knowledge folder, rebuilding it if not. Safe with concurrent runs:
 * the new index is written beside the old and renamed over it.
 */
export async function ensureIndex(
  options: {knowledgeDir?: string; indexFile?: string} = {},
): Promise<IndexInfo> {
  const dir = options.knowledgeDir ?? KNOWLEDGE_DIR
  const file = options.indexFile ?? (await defaultIndexFile(dir))
  const files = await readKnowledgeFiles(dir)
  const want = fingerprint(files)
  const have = readMeta(file)
  if (have && have.fingerprint === want)
    return {file, rebuilt: false, buildMs: 0, pages: have.pages, problems: have.problems}

  const started = performance.now()
  const kb = buildKnowledgeBase(dir, files)
  await mkdir(path.dirname(file), {recursive: true})
  const tmp = `${file}.partial-${process.pid}`
  await rm(tmp, {force: true})
  try {
    writeIndex(tmp, kb, want)
    await rename(tmp, file)
  } catch (error) {
    await rm(tmp, {force: true})
    throw error
  }
  return {
    file,
    rebuilt: true,
    buildMs: Math.round(performance.now() - started),
    pages: kb.pages.length,
    problems: kb.problems.length,
  }
}

/** Write a fresh index of a knowledge base into `file` (which must not exist). */
export function writeIndex(file: string, kb: KnowledgeBase, print: string): void {
  const db = new Database(file)
  try {
    db.pragma('journal_mode = OFF')
    db.exec(`
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE pages (id TEXT PRIMARY KEY, type TEXT NOT NULL, title TEXT NOT NULL, summary TEXT NOT NULL, markdown TEXT NOT NULL, hint TEXT NOT NULL, pattern TEXT NOT NULL, flags TEXT NOT NULL);
      CREATE VIRTUAL TABLE search USING fts5(id, title, keys, body, tokenize = 'porter unicode61 remove_diacritics 2');
    `)
    const addPage = db.prepare(
      'INSERT INTO pages (id, type, title, summary, markdown, hint, pattern, flags) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    )
    const addText = db.prepare('INSERT INTO search (rowid, id, title, keys, body) VALUES (?, ?, ?, ?, ?)')
    const addMeta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)')
    db.transaction(() => {
      kb.pages.forEach((page, i) => {
        const markdown = renderPage(page)
        const [hint, pattern, flags] =
          page.type === 'signature' ? [page.meta.hint, page.meta.pattern, page.meta.flags] : ['', '', '']
        addPage.run(page.meta.id, page.type, page.meta.title, summaryOf(page), markdown, hint, pattern, flags)
        addText.run(i + 1, page.meta.id, page.meta.title, keysOf(page), markdown)
      })
      addMeta.run('fingerprint', print)
      addMeta.run('pages', String(kb.pages.length))
      addMeta.run('problems', String(kb.problems.length))
    })()
  } finally {
    db.close()
  }
}

function readMeta(file: string): {fingerprint: string; pages: number; problems: number} | undefined {
  let db: Database.Database
  try {
    db = new Database(file, {readonly: true, fileMustExist: true})
  } catch {
    return undefined
  }
  try {
    const rows = db.prepare('SELECT key, value FROM meta').all() as {key: string; value: string}[]
    const meta = new Map(rows.map((r) => [r.key, r.value]))
    const print = meta.get('fingerprint')
    return print
      ? {fingerprint: print, pages: Number(meta.get('pages')), problems: Number(meta.get('problems'))}
      : undefined
  } catch {
    return undefined
  } finally {
    db.close()
  }
}

/** Highly weighted words that are not the title: the literal hint, process, package, container and unit names. */
function keysOf(page: KnowledgePage): string {
  if (page.type === 'signature') return [page.meta.hint, page.meta.component].join(' ')
  if (page.type === 'component') {
    const m = page.meta
    return [
      ...Object.values(m.processes).flatMap((names) => names ?? []),
      ...m.logs.units,
      ...m.logs.files,
    ].join(' ')
  }
  return [page.meta.playbook, ...page.meta.components].join(' ')
}

function summaryOf(page: KnowledgePage): string {
  if (page.type === 'component') return page.meta.summary
  if (page.type === 'signature') return `${page.meta.component}: ${page.meta.title}`
  return `guide to playbook ${page.meta.playbook}`
}

/**
 * The FTS5 query for what the user typed: each word becomes the quoted phrase of its letter/digit runs
 * (so punctuation, quotes and FTS5 operators in error messages are inert), all words required. Pure.
 * Null when nothing searchable is left.
 */
export function toFtsQuery(words: readonly string[], join: 'AND' | 'OR' = 'AND'): string | null {
  const phrases = toFtsTerms(words).map((term) => term.phrase)
  return phrases.length === 0 ? null : [...new Set(phrases)].join(` ${join} `)
}

/** One searchable word as typed, and the FTS5 phrase it becomes. */
export interface FtsTerm {
  readonly word: string
  readonly phrase: string
}

/** The whitespace-separated words that hold letters or digits, each with its quoted phrase. Pure. */
export function toFtsTerms(words: readonly string[]): FtsTerm[] {
  return words
    .flatMap((w) => w.split(/\s+/))
    .map((word) => ({word, tokens: word.match(/[\p{L}\p{N}]+/gu) ?? []}))
    .filter(({tokens}) => tokens.length > 0)
    .map(({word, tokens}) => ({word, phrase: `"${tokens.join(' ')}"`}))
}

/** An open index for queries. Close it when done. */
export class KnowledgeIndex {
  private readonly db: Database.Database

  constructor(readonly file: string) {
    this.db = new Database(file, {readonly: true, fileMustExist: true})
  }

  /** Ranked pages for the words (see `query`), without the list of ignored words. */
  search(
    words: readonly string[],
    options: {limit?: number; type?: PageType; mark?: readonly [string, string]} = {},
  ): SearchHit[] {
    return this.query(words, options).hits
  }

  /**
   * Ranked pages for the words. Words that are in no page at all (a host name, a request id pasted with
   * the error) are left out and returned as `ignored`. Then all remaining words must match; if no page has
   * them all, any of them (bm25 puts pages with more of the words first). A page named by the query and a
   * signature whose hint the query is come before the rest (search-rank.ts).
   */
  query(
    words: readonly string[],
    options: {limit?: number; type?: PageType; mark?: readonly [string, string]} = {},
  ): SearchResult {
    const [open, close] = options.mark ?? ['\u0002', '\u0003']
    const terms = toFtsTerms(words)
    const known = terms.filter((term) => this.occurs(term.phrase))
    const ignored = terms.filter((term) => !known.includes(term)).map((term) => term.word)
    const knownWords = known.map((term) => term.word)
    const all = toFtsQuery(knownWords, 'AND')
    if (!all) return {hits: [], ignored}
    const any = toFtsQuery(knownWords, 'OR') ?? all

    // Rank every match (there are ~150 pages), then cut to the limit and make snippets for those only.
    let matches = this.matching(all, options.type).map((hit) => ({...hit, query: all}))
    if (matches.length === 0) matches = this.matching(any, options.type).map((hit) => ({...hit, query: any}))
    // A pasted line holding a signature's hint passes that signature's prefilter: keep it in the running
    // even when the line's other words are not on its page.
    const raw = words.join(' ')
    const missing = hintsIn(raw, this.signatures()).filter((id) => !matches.some((hit) => hit.id === id))
    if (missing.length > 0) {
      const extra = this.matching(any, options.type).filter((hit) => missing.includes(hit.id))
      matches = [...matches, ...extra.map((hit) => ({...hit, query: any}))]
    }
    const withPatterns = matches.map((hit) => ({
      ...hit,
      pattern: this.signatures().get(hit.id)?.regex ?? null,
    }))
    const top = rankForQuery({words: knownWords.join(' '), raw}, withPatterns).slice(0, options.limit ?? 10)
    const hits = top.map(({id, type, title, score, query}) => ({
      id,
      type,
      title,
      score,
      snippet: this.snippet(query, id, open, close),
    }))
    return {hits, ignored}
  }

  private readonly statements = new Map<string, Database.Statement>()
  private statement(sql: string): Database.Statement {
    let prepared = this.statements.get(sql)
    if (!prepared) {
      prepared = this.db.prepare(sql)
      this.statements.set(sql, prepared)
    }
    return prepared
  }

  /** Every page matching the FTS5 query, bm25-ranked, without snippets. */
  private matching(
    query: string,
    type: PageType | undefined,
  ): (Omit<RankedCandidate, 'pattern'> & {type: PageType})[] {
    return this.statement(
      `SELECT s.id AS id, p.type AS type, p.title AS title, p.hint AS hint, bm25(search, ${WEIGHTS.join(', ')}) AS score
         FROM search s JOIN pages p ON p.id = s.id
        WHERE search MATCH ? ${type ? 'AND p.type = ?' : ''} ORDER BY score`,
    ).all(query, ...(type ? [type] : [])) as (Omit<RankedCandidate, 'pattern'> & {type: PageType})[]
  }

  private snippet(query: string, id: string, open: string, close: string): string {
    const row = this.statement(
      `SELECT snippet(search, -1, ?, ?, '…', 14) AS snippet FROM search WHERE search MATCH ? AND id = ?`,
    ).get(open, close, query, id) as {snippet: string} | undefined
    return row?.snippet ?? ''
  }

  /** Each signature's hint and regex, read and compiled once (as checked when the page was indexed). */
  private signaturesById: Map<string, {hint: string; regex: RegExp | null}> | undefined
  private signatures(): ReadonlyMap<string, {hint: string; regex: RegExp | null}> {
    this.signaturesById ??= new Map(
      (
        this.statement("SELECT id, hint, pattern, flags FROM pages WHERE type = 'signature'").all() as {
          id: string
          hint: string
          pattern: string
          flags: string
        }[]
      ).map((row) => {
        const regex = compileSignatureRegex(row.pattern, row.flags)
        return [row.id, {hint: row.hint, regex: typeof regex === 'string' ? null : regex}]
      }),
    )
    return this.signaturesById
  }

  /** Whether any page holds the phrase. */
  private occurs(phrase: string): boolean {
    return this.statement('SELECT 1 FROM search WHERE search MATCH ? LIMIT 1').get(phrase) !== undefined
  }

  page(id: string): IndexedPage | undefined {
    return this.db.prepare('SELECT id, type, title, summary, markdown FROM pages WHERE id = ?').get(id) as
      IndexedPage | undefined
  }

  list(type?: PageType): IndexedPage[] {
    const sql = `SELECT id, type, title, summary, markdown FROM pages ${type ? 'WHERE type = ?' : ''} ORDER BY type, id`
    return this.db.prepare(sql).all(...(type ? [type] : [])) as IndexedPage[]
  }

  /** Ids close to one that was not found, for "did you mean". */
  similarIds(id: string, limit = 5): string[] {
    const query = toFtsQuery([id], 'OR')
    if (!query) return []
    const rows = this.db
      .prepare('SELECT id FROM search WHERE search MATCH ? ORDER BY bm25(search, 10, 1, 1, 0) LIMIT ?')
      .all(query.replaceAll(' ', ' OR ').replaceAll('"', ''), limit) as {id: string}[]
    return rows.map((r) => r.id)
  }

  close(): void {
    this.db.close()
  }
}

async function isWritableDir(dir: string): Promise<boolean> {
  try {
    const s = await stat(dir)
    if (!s.isDirectory()) return false
    const probe = path.join(dir, `.kb-probe-${process.pid}`)
    await mkdir(probe)
    await rm(probe, {recursive: true})
    return true
  } catch {
    return false
  }
}
