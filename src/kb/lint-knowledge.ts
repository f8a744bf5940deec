import path from 'node:path'

import type {Playbook} from '../playbook/schema.js'
import type {KnowledgeBase} from './load-knowledge.js'
import type {KnowledgePage, KnowledgeProblem, SignatureEntry} from './parse-page.js'
import {renderGuide} from './playbook-guide.js'
import {signatureMatches} from './signature-match.js'

/** A playbook as lint needs it: validated, plus its text (for the guide's header) and where it lives. */
export interface PlaybookForLint {
  /** As written in guides, e.g. `playbooks/vm-ssh-fail.yaml`. */
  readonly path: string
  readonly text: string
  readonly playbook: Playbook
}

/**
 * Everything `kb lint` checks, as one pure function: pages that do not parse, links that go nowhere,
 * signatures whose examples do not behave, components the playbooks use without a page, signatures that
 * name missing components, and guides that no longer say what their playbook says. Each problem names the
 * file and line to fix.
 */
export function lintKnowledge(
  kb: KnowledgeBase,
  playbooks: readonly PlaybookForLint[],
  guideTexts: ReadonlyMap<string, string>,
): KnowledgeProblem[] {
  const problems: KnowledgeProblem[] = [...kb.problems]
  const ids = new Set(kb.pages.map((p) => p.meta.id))
  const need = (
    page: KnowledgePage,
    field: (string | number)[],
    id: string,
    what: string,
    map: ReadonlyMap<string, unknown>,
  ): void => {
    if (!map.has(id))
      problems.push({
        where: page.at(field),
        message: `${what} "${id}" has no page (knowledge/${what === 'signature' ? 'signatures' : 'components'}/${id}.md)`,
      })
  }

  for (const page of kb.pages) {
    problems.push(...brokenLinks(page, ids))
    if (page.type === 'component') {
      const m = page.meta
      m.depends_on.forEach((id, i) => need(page, ['depends_on', i], id, 'component', kb.components))
      m.called_by.forEach((id, i) => need(page, ['called_by', i], id, 'component', kb.components))
      m.signatures.forEach((id, i) => need(page, ['signatures', i], id, 'signature', kb.signatures))
      m.commands.forEach((c, i) => problems.push(...mutating(page, ['commands', i], c)))
    } else if (page.type === 'signature') {
      need(page, ['component'], page.meta.component, 'component', kb.components)
      page.meta.in.forEach((id, i) => {
        if (id !== 'any') need(page, ['in', i], id, 'component', kb.components)
      })
      page.meta.next.forEach((c, i) => problems.push(...mutating(page, ['next', i], c)))
      problems.push(...misbehavingExamples(page))
    }
  }

  for (const {path: file, text, playbook} of playbooks) {
    const used = new Set<string>([
      ...playbook.components.map((c) => c.id),
      ...playbook.phases.flatMap((p) => [
        ...p.checks.map((c) => c.component),
        ...p.gather.flatMap((g) => (g.log_of ? [g.log_of] : [])),
      ]),
      ...playbook.signatures.map((s) => s.component),
    ])
    for (const id of used) {
      if (!kb.components.has(id))
        problems.push({
          where: file,
          message: `uses component "${id}", which has no page (knowledge/components/${id}.md)`,
        })
    }
    const kbRefs = [
      ...playbook.phases.flatMap((p) => p.checks.flatMap((c) => c.kb)),
      ...playbook.signatures.flatMap((s) => s.kb),
    ]
    for (const id of new Set(kbRefs)) {
      if (!ids.has(id))
        problems.push({where: file, message: `cites knowledge-base entry "${id}", which does not exist`})
    }

    const guideName = `guides/${playbook.id}.md`
    const guideFile = `${path.basename(path.resolve(kb.dir))}/${guideName}`
    const have = guideTexts.get(guideName)
    const want = renderGuide(playbook, text, file)
    if (have === undefined) {
      problems.push({where: file, message: `has no guide (${guideFile}); run: cloudtriage kb guides --write`})
    } else if (have !== want) {
      problems.push({
        where: `${guideFile}:${firstDifference(have, want)}`,
        message: `out of date with ${file}; run: cloudtriage kb guides --write`,
      })
    }
  }
  const playbookIds = new Set(playbooks.map((p) => p.playbook.id))
  for (const guide of kb.guides.values()) {
    if (!playbookIds.has(guide.meta.id))
      problems.push({
        where: guide.at(['id']),
        message: `guide for "${guide.meta.id}", but there is no such playbook`,
      })
  }
  return problems
}

/** Every match example matches (hint present, regex matches) and no near-miss does. */
function misbehavingExamples(page: SignatureEntry): KnowledgeProblem[] {
  const out: KnowledgeProblem[] = []
  page.meta.examples.match.forEach((e, i) => {
    if (!e.line.includes(page.meta.hint))
      out.push({
        where: page.at(['examples', 'match', i, 'line']),
        message: `example does not contain the hint "${page.meta.hint}", so the prefilter would skip it`,
      })
    else if (!signatureMatches(page, e.line))
      out.push({
        where: page.at(['examples', 'match', i, 'line']),
        message: 'example does not match the pattern',
      })
  })
  page.meta.examples.near_miss.forEach((e, i) => {
    if (signatureMatches(page, e.line))
      out.push({
        where: page.at(['examples', 'near_miss', i, 'line']),
        message: `near miss matches, but must not (${e.why})`,
      })
  })
  return out
}

/** Markdown links to ../components/<id>.md or ../signatures/<id>.md (or guides) must land on a page. */
function brokenLinks(page: KnowledgePage, ids: ReadonlySet<string>): KnowledgeProblem[] {
  const out: KnowledgeProblem[] = []
  page.body.split('\n').forEach((line, i) => {
    for (const m of line.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1] ?? ''
      if (/^[a-z]+:/.test(target) || target.startsWith('#')) continue
      const local = /^(?:\.\.\/(components|signatures|guides)\/|\.\/)?([a-z0-9-]+)\.md(?:#.*)?$/.exec(target)
      if (!local) {
        out.push({
          where: `${page.file}:${page.bodyLine + i}`,
          message: `link "${target}" is not a knowledge page (use ../components/<id>.md, ../signatures/<id>.md or ../guides/<id>.md)`,
        })
      } else if (!ids.has(local[2] ?? '')) {
        out.push({
          where: `${page.file}:${page.bodyLine + i}`,
          message: `broken link "${target}": no page with id "${local[2]}"`,
        })
      }
    }
  })
  return out
}

/**
 * Commands in the knowledge base are shown to operators as safe to run. This catches the obvious ways one
 * could change state; it is a reviewer's aid, the read-only guard in src/collect is what protects a cloud.
 */
const MUTATING = [
  /\bsystemctl\s+(start|stop|restart|reload|enable|disable|kill|mask)\b/,
  /\bopenstack\s+.*\b(create|delete|set|unset|add|remove|reboot|rebuild|migrate|evacuate|start|stop|shelve|resize)\b/,
  /\b(rm|mv|kill|pkill|killall|reboot|shutdown|dd|mkfs)\s/,
  /\b(ovs-vsctl|ovs-ofctl)\s+(add|del|set|clear|mod|replace)/,
  /\brabbitmqctl\s+(stop|reset|delete|purge|forget|set|clear|close)/,
  /\b(docker|podman)\s+(restart|stop|start|rm|kill|exec)\b/,
  /\bvirsh\s+(destroy|start|shutdown|reboot|undefine|edit|set)/,
  /\bmysql\b.*\b(update|delete|insert|drop|alter|truncate)\b/i,
]

function mutating(page: KnowledgePage, field: (string | number)[], command: string): KnowledgeProblem[] {
  const hit = MUTATING.find((re) => re.test(command))
  return hit
    ? [
        {
          where: page.at(field),
          message: `"${command}" looks like it changes state; the knowledge base suggests read-only commands only`,
        },
      ]
    : []
}

function firstDifference(a: string, b: string): number {
  const la = a.split('\n')
  const lb = b.split('\n')
  const n = Math.max(la.length, lb.length)
  for (let i = 0; i < n; i++) if (la[i] !== lb[i]) return i + 1
  return 1
}
