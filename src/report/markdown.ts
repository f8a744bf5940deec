import type {Diagnosis, EvidenceRef, Missing, PhaseOutcome, Suspect} from '../reason/diagnosis.js'
import {safeText} from '../reason/cite.js'

/**
 * The support-case report: the answer first, then the reasoning of each phase, the ranked suspects with
 * their evidence, what was ruled out, what is missing and the read-only commands to run next.
 * Everything that came from the cloud is treated as hostile text: code-fenced or escaped.
 */
export interface MarkdownOptions {
  /** Include the audit log table (files: yes; a terminal at 3 a.m.: no). */
  readonly audit?: boolean
}

export function renderMarkdown(d: Diagnosis, options: MarkdownOptions = {}): string {
  const out: string[] = []
  const target = d.target ? ` — ${inline(d.target)}` : ''
  out.push(`# ${inline(d.playbook)}${target}`, '', `_${inline(d.title)}_`, '')
  out.push(...answer(d), '')
  out.push(
    `Evidence: ${inline(d.source.description)} (${d.source.kind}). Run ${d.startedAt}, ${(d.durationMs / 1000).toFixed(1)} s, ` +
      `${d.audit.length} read-only commands/files. ${d.complete ? 'All requested evidence was gathered.' : `**Partial:** ${d.missing.length} piece(s) of evidence missing (see below).`}`,
    '',
  )
  for (const note of d.notes) out.push(`> ${inline(note)}`, '')

  out.push('## Ranked suspects', '')
  if (d.suspects.length === 0) out.push('No check raised a finding.', '')
  d.suspects.forEach((s, i) => out.push(...suspectSection(s, i + 1)))

  out.push('## How we got here', '')
  d.phases.forEach((phase, i) => out.push(...phaseSection(d, phase, i + 1)))

  out.push('## Ruled out', '')
  if (d.ruledOut.length === 0) out.push('Nothing was ruled out.', '')
  for (const r of d.ruledOut) out.push(`- **${inline(r.component)}** (${inline(r.check)}): ${inline(r.reason)}`)
  out.push('')

  out.push('## Missing evidence', '')
  if (d.missing.length === 0) out.push('None: every piece of evidence the playbook asked for was gathered.', '')
  else out.push(...missingTable(d.missing), '')

  if (d.kb.length > 0) {
    out.push('## Knowledge base entries used', '')
    for (const k of d.kb) out.push(`- \`${code(k.id)}\` — ${inline(k.title)} (${k.type}; \`cloudtriage kb show ${code(k.id)}\`)`)
    out.push('')
  }

  out.push('## Next read-only commands', '')
  if (d.nextCommands.length === 0) out.push('None suggested.', '')
  for (const cmd of d.nextCommands) out.push(`- \`${code(cmd)}\``)
  out.push('')

  if (options.audit === false) return out.join('\n')
  out.push('## Audit log', '', `Every command sent or file read, in order (${d.audit.length}):`, '')
  out.push('| node | command | status | exit | ms | output sha256 |', '|---|---|---|---|---|---|')
  for (const a of d.audit) {
    out.push(`| ${cell(a.node)} | \`${code(a.command)}\` | ${a.status} | ${a.exitCode ?? ''} | ${a.durationMs} | ${a.outputSha256.slice(0, 12)} |`)
  }
  out.push('')
  return out.join('\n')
}

function answer(d: Diagnosis): string[] {
  const top = d.suspects[0]
  if (!top) {
    return [`**Answer:** nothing the playbook checks looks broken.${d.complete ? '' : ' But some evidence is missing, so this is not a clean bill of health.'}`]
  }
  const lines = [
    `**Most likely:** \`${top.component}\`${top.node ? ` on **${inline(top.node)}**` : ''} (confidence ${top.confidence.toFixed(2)}) — ${inline(top.summary)}`,
    '',
    `**Scope:** ${inline(d.scope.says)} (${d.scope.level}-level)`,
  ]
  const others = d.suspects.slice(1, 4)
  if (others.length > 0) {
    lines.push('', '| # | component | node | confidence | why |', '|---|---|---|---|---|')
    d.suspects.slice(0, 4).forEach((s, i) => {
      lines.push(`| ${i + 1} | ${cell(s.component)} | ${cell(s.node ?? '—')} | ${s.confidence.toFixed(2)} | ${cell(s.summary)} |`)
    })
  }
  return lines
}

function suspectSection(s: Suspect, rank: number): string[] {
  const out = [`### ${rank}. ${inline(s.component)}${s.node ? ` on ${inline(s.node)}` : ''} — ${s.confidence.toFixed(2)}`, '', inline(s.summary), '']
  out.push(`Checks: ${s.checks.map((c) => `\`${code(c)}\``).join(', ')} · level: ${s.level}`, '')
  for (const e of s.evidence) out.push(...evidenceBlock(e))
  if (s.kb.length > 0) out.push(`Knowledge base: ${s.kb.map((k) => `\`${code(k)}\``).join(', ')}`, '')
  if (s.next.length > 0) {
    out.push('Look next:', '')
    for (const n of s.next) out.push(`- \`${code(n)}\``)
    out.push('')
  }
  return out
}

function evidenceBlock(e: EvidenceRef): string[] {
  const where = `${e.node ? `${inline(e.node)}: ` : ''}\`${code(e.source)}\`${e.line ? ` line ${e.line}` : ''}${e.origin ? ` (${inline(e.origin)})` : ''}`
  return [`- ${where}`, '', ...fence(e.excerpt).map((l) => `  ${l}`), '']
}

function phaseSection(d: Diagnosis, phase: PhaseOutcome, n: number): string[] {
  const out = [`### ${n}. ${inline(phase.title)}`, '', inline(phase.purpose), '']
  if (phase.id === 'roles') {
    out.push('Components taking part in this operation:', '')
    for (const c of d.components) out.push(`- \`${c.id}\` — ${inline(c.role)}`)
    out.push('')
  }
  if (phase.id === 'blast-radius') out.push(`**Scope:** ${inline(d.scope.says)} (${d.scope.level}-level)`, '')
  if (phase.gathered.length > 0) {
    out.push('| evidence | node | command | status |', '|---|---|---|---|')
    for (const g of phase.gathered) {
      const status = g.status === 'ok' ? `ok${g.exitCode ? ` (exit ${g.exitCode})` : ''}` : `**${g.status}**${g.error ? `: ${cell(g.error)}` : ''}`
      out.push(`| ${cell(g.id)} | ${cell(g.node)} | \`${code(g.command)}\` | ${status} |`)
    }
    out.push('')
  }
  const line = (label: string, ids: readonly string[]): void => {
    if (ids.length > 0) out.push(`${label}: ${ids.map((id) => `\`${code(id)}\``).join(', ')}`, '')
  }
  line('Raised', phase.findings)
  line('Ruled out', phase.ruledOut)
  line('Undetermined (evidence missing)', phase.undetermined)
  return out
}

function missingTable(missing: readonly Missing[]): string[] {
  const out = ['| evidence | node | why missing | run this to fill it | blocks |', '|---|---|---|---|---|']
  for (const m of missing) {
    out.push(`| ${cell(m.what)} | ${cell(m.node ?? '—')} | ${cell(m.reason)} | \`${code(m.command)}\` | ${m.blocks.map(cell).join(', ')} |`)
  }
  return out
}

/** A fence longer than any backtick run inside, so hostile text cannot close it. */
function fence(text: string): string[] {
  const clean = safeText(text)
  const longest = Math.max(2, ...[...clean.matchAll(/`+/g)].map((m) => m[0].length))
  const ticks = '`'.repeat(longest + 1)
  return [ticks, ...clean.split('\n'), ticks]
}

/** Text from the cloud inside a sentence: no markdown, HTML or control characters take effect. */
export function inline(text: string): string {
  return safeText(text)
    .replaceAll('\n', ' ')
    .replaceAll(/([\\`*_[\]<>#|])/g, '\\$1')
}

function cell(text: string): string {
  return inline(text)
}

function code(text: string): string {
  return safeText(text).replaceAll('\n', ' ').replaceAll('`', "'").replaceAll('|', '\\|')
}
