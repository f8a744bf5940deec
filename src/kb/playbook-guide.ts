import {parseDocument} from 'yaml'

import type {Playbook} from '../playbook/schema.js'

/**
 * The guide page of a playbook, generated from its YAML: the playbook is the single source of truth for its
 * reasoning, so its guide is derived from it (`cloudtriage kb guides --write`) and `kb lint` fails when the
 * committed guide differs from what the playbook now says. Pure.
 */
export function renderGuide(playbook: Playbook, playbookText: string, playbookPath: string): string {
  const header = headerComment(playbookText)
  const componentIds = [...new Set(playbook.components.map((c) => c.id))]
  const front = [
    '---',
    `id: ${playbook.id}`,
    'type: guide',
    `title: ${yamlString(`Guide: ${playbook.title}`)}`,
    `playbook: ${playbookPath}`,
    `components: [${componentIds.join(', ')}]`,
    'phases:',
    ...playbook.phases.map((p) => `  - {id: ${p.id}, checks: [${p.checks.map((c) => c.id).join(', ')}]}`),
    '---',
  ]

  const out: string[] = [
    `# Guide: ${playbook.title}`,
    '',
    `_Generated from \`${playbookPath}\` by \`cloudtriage kb guides --write\`. Edit the playbook, then regenerate; \`kb lint\` fails when this page and the playbook disagree._`,
    '',
    `\`cloudtriage ${playbook.id}\` — ${playbook.summary}`,
    '',
  ]
  if (header) out.push(header, '')
  out.push(
    `**Target:** a ${playbook.target.kind} (${playbook.target.description}); needed ${TARGET_NEED[playbook.target.required]}.`,
    '',
  )
  if (playbook.discover) {
    out.push(
      `Offline without a target, it first gathers ${playbook.discover.gather.map((g) => `\`${g.id}\``).join(', ')} and picks the failing one with \`${playbook.discover.pick}\`.`,
      '',
    )
  }

  out.push('## Components on the path', '')
  for (const c of playbook.components) out.push(`- [${c.id}](../components/${c.id}.md) — ${c.role}`)
  out.push('')

  out.push('## The four phases', '')
  playbook.phases.forEach((phase, i) => {
    out.push(`### ${i + 1}. ${phase.title} (\`${phase.id}\`)`, '', oneLine(phase.purpose), '')
    if (phase.gather.length > 0) {
      out.push(
        'Evidence gathered:',
        '',
        '| fact | on | command or file | scanned as log of |',
        '|---|---|---|---|',
      )
      for (const g of phase.gather) {
        const what = g.file
          ? `${g.tail_lines ? `tail -n ${g.tail_lines} ` : ''}${g.file}`
          : (g.command ?? []).join(' ')
        out.push(
          `| \`${g.id}\` | ${cell(g.on)} | \`${cell(what)}\` | ${g.log_of ? `[${g.log_of}](../components/${g.log_of}.md)` : ''} |`,
        )
      }
      out.push('')
    }
    const derived = Object.keys(phase.derive)
    if (derived.length > 0) out.push(`Derived facts: ${derived.map((d) => `\`${d}\``).join(', ')}.`, '')
    if (phase.checks.length > 0) {
      out.push('Checks:', '')
      for (const c of phase.checks) {
        out.push(
          `- **\`${c.id}\`** → [${c.component}](../components/${c.component}.md), ${c.level}-level, weight ${c.weight}: ${oneLine(c.says)}`,
        )
        if (c.ruled_out) out.push(`  - Ruled out when: ${oneLine(c.ruled_out)}`)
        for (const n of c.next) out.push(`  - Next: \`${oneLine(n)}\``)
        for (const k of c.kb) out.push(`  - Knowledge base: [${k}](../signatures/${k}.md)`)
      }
      out.push('')
    }
  })

  out.push(
    '## How the blast radius is decided',
    '',
    'The first rule that holds sets the scope; suspects whose level fits it rank higher.',
    '',
  )
  for (const rule of playbook.scope) out.push(`- **${rule.level}**: ${oneLine(rule.says)}`)
  out.push('')

  const logsOf = [
    ...new Set(playbook.phases.flatMap((p) => p.gather.flatMap((g) => (g.log_of ? [g.log_of] : [])))),
  ]
  out.push('## Log signatures', '')
  if (logsOf.length > 0) {
    out.push(
      `Every knowledge-base signature whose \`in\` names ${logsOf.map((c) => `[${c}](../components/${c}.md)`).join(', ')} (or \`any\`) scans the matching log; a match becomes a finding for the signature's component.`,
      '',
    )
  } else {
    out.push(
      'No gather is marked as a component log (`log_of`), so knowledge-base signatures do not run for this playbook.',
      '',
    )
  }
  if (playbook.signatures.length > 0) {
    out.push('Signatures local to this playbook:', '')
    for (const s of playbook.signatures) {
      out.push(
        `- **\`${s.id}\`** in ${s.in.map((i) => `\`${i}\``).join(', ')}: lines with \`${s.hint}\` matching \`${s.pattern}\` → [${s.component}](../components/${s.component}.md), ${s.level}-level, weight ${s.weight}`,
      )
    }
    out.push('')
  }
  return [...front, '', ...out].join('\n').replace(/\n+$/, '\n')
}

const TARGET_NEED: Record<Playbook['target']['required'], string> = {
  always: 'always',
  live: 'when run live (offline it can pick one from the evidence)',
  never: 'never',
}

/** The comment block at the top of the playbook: the author's own explanation of the reasoning. */
function headerComment(text: string): string {
  const comment = parseDocument(text).commentBefore ?? ''
  return comment
    .split('\n')
    .map((l) => l.replace(/^ /, ''))
    .join('\n')
    .trim()
}

function oneLine(text: string): string {
  return text.replaceAll(/\s+/g, ' ').trim()
}

function cell(text: string): string {
  return oneLine(text).replaceAll('|', '\\|')
}

function yamlString(text: string): string {
  return JSON.stringify(text)
}
