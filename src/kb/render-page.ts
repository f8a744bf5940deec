import type {KnowledgePage} from './parse-page.js'

/**
 * A page as a reader sees it in `kb show`: the front matter turned into a short header, then the page's own
 * markdown. Pure. The same text is what the search index stores, so `kb show` needs no file access.
 */
export function renderPage(page: KnowledgePage): string {
  const out: string[] = []
  if (page.type === 'component') {
    const m = page.meta
    out.push(`# ${m.title}`, '', `_component · ${m.id}_ — ${m.summary}`, '')
    if (m.operations.length > 0) out.push(`**Operations:** ${m.operations.join(', ')}`, '')
    const procs = Object.entries(m.processes).filter(([, names]) => names && names.length > 0)
    if (procs.length > 0) {
      out.push('| distribution | packages / processes / containers |', '|---|---|')
      for (const [family, names] of procs)
        out.push(`| ${FAMILY[family] ?? family} | ${(names ?? []).map(code).join(', ')} |`)
      out.push('')
    }
    if (m.logs.files.length > 0) out.push(`**Log files:** ${m.logs.files.map(code).join(', ')}`, '')
    if (m.logs.units.length > 0) out.push(`**Journal units:** ${m.logs.units.map(code).join(', ')}`, '')
    if (m.commands.length > 0)
      out.push('**Read-only state commands:**', '', ...m.commands.map((c) => `- ${code(c)}`), '')
    if (m.depends_on.length > 0) out.push(`**Depends on:** ${m.depends_on.join(', ')}`, '')
    if (m.called_by.length > 0) out.push(`**Called by:** ${m.called_by.join(', ')}`, '')
    if (m.signatures.length > 0) out.push(`**Known-issue signatures:** ${m.signatures.join(', ')}`, '')
  } else if (page.type === 'signature') {
    const m = page.meta
    out.push(
      `# ${m.title}`,
      '',
      `_signature · ${m.id}_ — implicates **${m.component}** (${m.level}, weight ${m.weight})`,
      '',
    )
    out.push(`**Scans the logs of:** ${m.in.join(', ')}`, '')
    out.push(
      `**Hint:** ${code(m.hint)}  `,
      `**Pattern:** ${code(m.pattern)}${m.flags ? ` (flags ${m.flags})` : ''}`,
      '',
    )
    const constraints = [
      m.min_count > 1 ? `at least ${m.min_count} lines` : '',
      m.window ? `within ${m.window}` : '',
      m.roles ? `on ${m.roles.join('/')} nodes` : '',
      m.versions ? `versions ${m.versions}` : '',
    ].filter(Boolean)
    if (constraints.length > 0) out.push(`**Only when:** ${constraints.join(', ')}`, '')
    if (m.next.length > 0)
      out.push('**Check next (read-only):**', '', ...m.next.map((c) => `- ${code(c)}`), '')
    out.push(`**Usual fix** (never run by cloudtriage): ${m.fix}`, '')
    if (m.references.length > 0) out.push('**References:**', '', ...m.references.map((r) => `- ${r}`), '')
    out.push(
      '**Example that matches:**',
      '',
      ...m.examples.match.map((e) => `- ${code(e.line)} — ${e.source}`),
      '',
    )
    out.push(
      '**Near miss (does not match):**',
      '',
      ...m.examples.near_miss.map((e) => `- ${code(e.line)} — ${e.why}`),
      '',
    )
  } else {
    out.push(`_guide · ${page.meta.id} · playbook ${page.meta.playbook}_`, '')
  }
  out.push(page.body.trim(), '')
  return out.join('\n')
}

const FAMILY: Record<string, string> = {debian: 'Debian/Ubuntu', rdo: 'RDO/TripleO', kolla: 'Kolla'}

/** Inline code that survives backticks inside. */
function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length))
  const ticks = '`'.repeat(longest + 1)
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : ''
  return `${ticks}${pad}${text}${pad}${ticks}`
}
