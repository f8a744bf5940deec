/**
 * The order of `kb search` results beyond bm25. bm25 counts words, so a component page that says
 * "MessagingTimeout" five times can outrank the signature whose literal hint *is* "MessagingTimeout". The
 * reader who types a page's name, or a piece of a known error string, means that page: those come first,
 * and bm25 orders the rest. Pure.
 */

/** What the ranking needs to know of a matching page. */
export interface RankedCandidate {
  readonly id: string
  readonly title: string
  /** The signature's literal hint; empty for components and guides. */
  readonly hint: string
  /** The signature's regex; null for components and guides. */
  readonly pattern: RegExp | null
  /** bm25: lower is better (SQLite's sign). */
  readonly score: number
}

/** Letter/digit runs, lower-cased and without diacritics: how FTS5's unicode61 tokenizer sees text. */
export function wordTokens(text: string): string[] {
  return (
    text
      .normalize('NFKD')
      .replaceAll(/\p{M}/gu, '')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  )
}

/**
 * How well the query names the signature by its hint: 2 when the query is the whole hint, 1 when it is a
 * contiguous part covering at least half of it ("Too many connections" of "(1040, 'Too many connections')"),
 * else 0. Half, so that a lone "port" or "nova-conductor" does not pull every hint that mentions it above
 * the page about it.
 */
export function hintCoverage(query: readonly string[], hint: readonly string[]): 0 | 1 | 2 {
  if (query.length === 0 || hint.length === 0 || query.length > hint.length) return 0
  if (query.length === hint.length) return sameTokens(query, hint) ? 2 : 0
  if (query.length * 2 < hint.length) return 0
  for (let start = 0; start + query.length <= hint.length; start++) {
    if (sameTokens(query, hint.slice(start, start + query.length))) return 1
  }
  return 0
}

/** The query as ranking sees it. */
export interface RankQuery {
  /** The words that are in the index, joined by spaces. */
  readonly words: string
  /** Everything the reader typed, joined by spaces: what a log line would hold. */
  readonly raw: string
}

/**
 * `candidates` reordered for the query: a page whose id or title is the query first; then signatures the
 * query names by their hint (the whole hint before a part of it, a hint spelled in the query's own case
 * before one differing only in case, since the log scanner matches hints case-sensitively); then signatures
 * the scanner would fire on if the typed text were a log line (it holds the hint and the regex matches);
 * then those whose hint alone it holds (the longer hint is the more specific); then everything else. bm25
 * within each group.
 */
export function rankForQuery<T extends RankedCandidate>(query: RankQuery, candidates: readonly T[]): T[] {
  const tokens = wordTokens(query.words)
  const literal = query.words.trim()
  const keyed = candidates.map((candidate) => {
    const named =
      sameTokens(tokens, wordTokens(candidate.id)) || sameTokens(tokens, wordTokens(candidate.title))
    const coverage = candidate.hint === '' ? 0 : hintCoverage(tokens, wordTokens(candidate.hint))
    const sameCase = coverage > 0 && literal !== '' && candidate.hint.includes(literal)
    const contained = candidate.hint !== '' && query.raw.includes(candidate.hint)
    const fires = contained && (candidate.pattern?.test(query.raw) ?? false)
    const key = [
      named ? 1 : 0,
      coverage,
      sameCase ? 1 : 0,
      fires ? 1 : 0,
      contained ? candidate.hint.length : 0,
    ] as const
    return {candidate, key}
  })
  return keyed
    .sort(
      (a, b) =>
        b.key[0] - a.key[0] ||
        b.key[1] - a.key[1] ||
        b.key[2] - a.key[2] ||
        b.key[3] - a.key[3] ||
        b.key[4] - a.key[4] ||
        a.candidate.score - b.candidate.score,
    )
    .map(({candidate}) => candidate)
}

/** Signatures whose hint the typed text holds: they belong among the results even if other words miss. */
export function hintsIn(raw: string, hints: ReadonlyMap<string, {readonly hint: string}>): string[] {
  return [...hints].filter(([, {hint}]) => hint !== '' && raw.includes(hint)).map(([id]) => id)
}

function sameTokens(a: readonly string[], b: readonly string[]): boolean {
  return a.length > 0 && a.length === b.length && a.every((token, i) => token === b[i])
}
