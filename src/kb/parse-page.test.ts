import {describe, expect, it} from 'vitest'

import {parsePage} from './parse-page.js'

// The match line is real: /work/shared/reference/lab-captures/conductor_down/logs/compute-0.nova-compute.log.txt (project lab, Zed).
const REAL_LINE =
  '2026-11-22 03:47:56.509 20324 WARNING nova.servicegroup.drivers.db [-] Lost connection to nova-conductor for reporting service status.: oslo_messaging.exceptions.MessagingTimeout: Timed out waiting for a reply to message ID c13ecd8048d94d35bdf14e688918e506'

function signaturePage(overrides: Record<string, string> = {}): string {
  const fields: Record<string, string> = {
    id: 'oslo-messaging-timeout',
    type: 'signature',
    title: 'RPC call timed out waiting for a reply',
    component: 'rabbitmq',
    in: '[nova-compute]',
    hint: 'MessagingTimeout',
    pattern: "'MessagingTimeout: Timed out waiting for a reply to message ID [0-9a-f]{32}'",
    level: 'control-plane',
    weight: '0.5',
    fix: 'Bring RabbitMQ back.',
    ...overrides,
  }
  const head = Object.entries(fields).map(([k, v]) => `${k}: ${v}`)
  return [
    '---',
    ...head,
    'examples:',
    '  match:',
    `    - line: '${REAL_LINE}'`,
    '      source: lab-captures/conductor_down (project lab, Zed)',
    '  near_miss:',
    "    - line: 'rpc_response_timeout = 60'",
    '      why: a config dump',
    '---',
    '## Meaning',
    'Words.',
  ].join('\n')
}

describe('parsePage', () => {
  it('reads a valid signature page with its compiled regex and body', () => {
    const result = parsePage(signaturePage(), 'knowledge/signatures/oslo-messaging-timeout.md')
    expect(result.ok).toBe(true)
    if (!result.ok || result.page.type !== 'signature') throw new Error('expected a signature')
    expect(result.page.meta.min_count).toBe(1)
    expect(result.page.regex.test(REAL_LINE)).toBe(true)
    expect(result.page.body).toContain('## Meaning')
    expect(result.page.bodyLine).toBe(20)
  })

  it('names the file and line of an unknown component id', () => {
    const result = parsePage(
      signaturePage({component: 'rabbit'}),
      'knowledge/signatures/oslo-messaging-timeout.md',
    )
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.problem.where).toBe('knowledge/signatures/oslo-messaging-timeout.md:5')
    expect(result.problem.message).toMatch(/^component:/)
  })

  it('names the line of an unknown field', () => {
    const result = parsePage(
      signaturePage({colour: 'blue'}),
      'knowledge/signatures/oslo-messaging-timeout.md',
    )
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.problem.where).toBe('knowledge/signatures/oslo-messaging-timeout.md:12')
  })

  it('refuses a pattern that can backtrack catastrophically, at its line', () => {
    const result = parsePage(
      signaturePage({pattern: "'(MessagingTimeout.*)+$'"}),
      'knowledge/signatures/oslo-messaging-timeout.md',
    )
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.problem.where).toBe('knowledge/signatures/oslo-messaging-timeout.md:8')
      expect(result.problem.message).toMatch(/backtrack/)
    }
  })

  it('compiles ended_by and names_node with the signature', () => {
    const result = parsePage(
      signaturePage({
        ended_by:
          "{says: Recovered, hint: Recovered from being unable, pattern: 'Recovered from being unable to report status', examples: [{line: x, source: y}]}",
        names_node: "'from the host: ([\\w.-]+)'",
      }),
      'knowledge/signatures/oslo-messaging-timeout.md',
    )
    expect(result.ok && result.page.type === 'signature' && result.page.endedBy?.source).toBe(
      'Recovered from being unable to report status',
    )
    expect(
      result.ok &&
        result.page.type === 'signature' &&
        result.page.namesNode?.exec('from the host: compute-1 during')?.[1],
    ).toBe('compute-1')
  })

  it('refuses an ended_by pattern that can backtrack catastrophically, at its line, as for pattern', () => {
    const result = parsePage(
      signaturePage({
        ended_by:
          "{says: x, hint: Reconnected, pattern: '(Reconnected.*)+$', examples: [{line: x, source: y}]}",
      }),
      'knowledge/signatures/oslo-messaging-timeout.md',
    )
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.problem.where).toBe('knowledge/signatures/oslo-messaging-timeout.md:12')
      expect(result.problem.message).toMatch(/^ended_by\.pattern: .*backtrack/)
    }
  })

  it('refuses an ended_by without a real recovery line, and a names_node without a capture group', () => {
    const noExample = parsePage(
      signaturePage({ended_by: '{says: x, hint: Reconnected, pattern: Reconnected, examples: []}'}),
      'knowledge/signatures/oslo-messaging-timeout.md',
    )
    expect(!noExample.ok && noExample.problem.message).toMatch(/ended_by\.examples: .*real recovery line/)
    const noGroup = parsePage(
      signaturePage({names_node: "'from the host: \\S+'"}),
      'knowledge/signatures/oslo-messaging-timeout.md',
    )
    expect(!noGroup.ok && noGroup.problem.message).toMatch(/names_node: .*first capture group/)
  })

  it('refuses a page whose id is not its file name', () => {
    const result = parsePage(signaturePage(), 'knowledge/signatures/other.md')
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.problem.message).toMatch(/must match the file name/)
  })

  it('refuses a page without front matter at line 1', () => {
    const result = parsePage('# just markdown\n', 'knowledge/components/nova-api.md')
    expect(result.ok ? '' : result.problem.where).toBe('knowledge/components/nova-api.md:1')
  })

  it('reports a YAML syntax error at its line in the file', () => {
    const text = ['---', 'id: nova-api', 'type: component', 'title: [unclosed', '---', ''].join('\n')
    const result = parsePage(text, 'knowledge/components/nova-api.md')
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.problem.where).toMatch(/nova-api\.md:[45]$/)
  })
})
