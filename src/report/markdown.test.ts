import path from 'node:path'

import {marked, type Token, type Tokens} from 'marked'
import {beforeAll, describe, expect, it} from 'vitest'

import {loadPlaybookFile} from '../playbook/load.js'
import {runPlaybook} from '../playbook/run-playbook.js'
import type {Diagnosis} from '../reason/diagnosis.js'
import {LAB_NODES, openCaptureReplay} from '../../test/support/capture-replay-source.js'
import {renderMarkdown} from './markdown.js'

// A real diagnosis: vm-ssh-fail over the lab capture where neutron-openvswitch-agent was stopped on compute-0.
let diagnosis: Diagnosis
beforeAll(async () => {
  const {playbook} = await loadPlaybookFile(path.resolve('playbooks/vm-ssh-fail.yaml'))
  const source = await openCaptureReplay(
    path.resolve('fixtures/golden/vm-ssh-fail/ovs_agent_down'),
    LAB_NODES,
  )
  diagnosis = await runPlaybook(playbook, source, {target: 'vm-healthy-1'})
})

const headings = (md: string, depth: number): string[] =>
  marked
    .lexer(md)
    .flatMap((t: Token) =>
      t.type === 'heading' && (t as Tokens.Heading).depth === depth ? [(t as Tokens.Heading).text] : [],
    )

/** Every token of the document, nested ones included (list items, table cells are walked by marked). */
function allTokens(md: string): Token[] {
  const out: Token[] = []
  void marked.walkTokens(marked.lexer(md), (t) => {
    out.push(t)
  })
  return out
}

describe('renderMarkdown', () => {
  it('puts the answer first, then suspects, the phases, ruled out, missing evidence, next commands and the audit log', () => {
    const md = renderMarkdown(diagnosis)
    const answer = md.indexOf('**Most likely:** `neutron-openvswitch-agent` on **compute-0**')
    expect(answer).toBeGreaterThan(0)
    const sections = headings(md, 2)
    expect(sections.filter((h) => h !== 'Knowledge base entries used')).toEqual([
      'Ranked suspects',
      'How we got here',
      'Ruled out',
      'Missing evidence',
      'Next read-only commands',
      'Audit log',
    ])
    expect(answer).toBeLessThan(md.indexOf('## Ranked suspects'))
  })

  it('walks the four phases in order under "How we got here"', () => {
    const md = renderMarkdown(diagnosis)
    const reasoning = md.slice(md.indexOf('## How we got here'), md.indexOf('## Ruled out'))
    expect(headings(reasoning, 3)).toEqual([
      '1. Macro view',
      '2. Component roles',
      '3. Blast radius',
      '4. Resource check',
    ])
  })

  it('gives every piece of missing evidence the command that would fill it, and the checks it blocks', () => {
    const md = renderMarkdown(diagnosis)
    const section = md.slice(
      md.indexOf('## Missing evidence'),
      md.indexOf('## ', md.indexOf('## Missing evidence') + 3),
    )
    const table = marked.lexer(section).find((t): t is Tokens.Table => t.type === 'table')
    expect(table?.header.map((h) => h.text)).toEqual([
      'evidence',
      'node',
      'why missing',
      'run this to fill it',
      'blocks',
    ])
    expect(table?.rows).toHaveLength(diagnosis.missing.length)
    const ports = table?.rows.find((r) => r[0]?.text === 'ports')
    expect(ports?.[3]?.text).toBe(
      '`openstack port list --server afa33bac-770e-4626-8b94-04c1e712bd3a --long -f json`',
    )
    expect(ports?.[4]?.text).toContain('port-down')
  })

  it('lists what was ruled out with its reason, and the next read-only commands', () => {
    const md = renderMarkdown(diagnosis)
    const ruledOut = diagnosis.ruledOut.find((r) => r.check === 'compute-service-down')
    expect(ruledOut).toBeDefined()
    expect(md).toContain(`- **nova-compute** (compute-service-down): `)
    expect(md.slice(md.indexOf('## Next read-only commands'))).toContain(
      '- `ssh compute-0 journalctl -u neutron-openvswitch-agent --since -1h`',
    )
  })

  it('leaves the audit log out when asked to (the terminal view)', () => {
    expect(headings(renderMarkdown(diagnosis, {audit: false}), 2)).not.toContain('Audit log')
  })

  it('keeps its structure when the cloud hands back backticks, pipes and HTML', () => {
    const nasty =
      'x` | </td><script>alert(1)</script> ``` | *bold* [a](javascript:alert(1)) <img src=x onerror=alert(1)>'
    const top = diagnosis.suspects[0]
    const evidence = top?.evidence[0]
    if (!top || !evidence)
      throw new Error('fixture changed: the ovs_agent_down diagnosis has no cited evidence')
    const hostile: Diagnosis = {
      ...diagnosis,
      target: nasty,
      suspects: [
        {
          ...top,
          summary: nasty,
          node: nasty,
          evidence: [{...evidence, excerpt: `${nasty}\n\`\`\`\`\n# not a heading`}],
        },
        ...diagnosis.suspects.slice(1),
      ],
      ruledOut: [{check: 'c', component: 'instance-state', reason: nasty}],
      missing: [
        {what: 'w', node: nasty, command: `openstack server show ${nasty}`, reason: nasty, blocks: [nasty]},
      ],
      nextCommands: [`grep '${nasty}' /var/log/nova/nova-compute.log`],
      audit: [
        {node: nasty, command: nasty, status: 'ok', exitCode: 0, durationMs: 1, outputSha256: 'a'.repeat(64)},
      ],
    }
    const md = renderMarkdown(hostile)
    const clean = renderMarkdown({
      ...hostile,
      target: 'x',
      suspects: diagnosis.suspects,
      ruledOut: [hostile.ruledOut[0]!],
      missing: [{...hostile.missing[0]!, node: 'n', command: 'c', reason: 'r', blocks: ['b']}],
      nextCommands: ['n'],
      audit: [{...hostile.audit[0]!, node: 'n', command: 'c'}],
    })

    // The same sections and the same tables, row for row and cell for cell, as without the hostile text.
    expect(headings(md, 1)).toHaveLength(1)
    expect(headings(md, 2)).toEqual(headings(clean, 2))
    expect(headings(md, 3)).toHaveLength(headings(clean, 3).length)
    const shape = (doc: string): string[] =>
      marked
        .lexer(doc)
        .flatMap((t) =>
          t.type === 'table'
            ? [
                `${(t as Tokens.Table).header.length}x${(t as Tokens.Table).rows.length}:${(t as Tokens.Table).rows.map((r) => r.length).join(',')}`,
              ]
            : [],
        )
    expect(shape(md)).toEqual(shape(clean))

    // No raw HTML reaches the document, and no link is made from cloud text.
    const tokens = allTokens(md)
    expect(tokens.filter((t) => t.type === 'html')).toEqual([])
    expect(tokens.filter((t) => t.type === 'link')).toEqual([])

    // The excerpt is kept verbatim inside one code block that its backticks cannot close.
    const blocks = tokens.filter((t): t is Tokens.Code => t.type === 'code')
    expect(blocks.some((b) => b.text === `${nasty}\n\`\`\`\`\n# not a heading`)).toBe(true)
  })
})
