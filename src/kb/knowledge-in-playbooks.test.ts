import {cpSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {loadBuiltinPlaybook} from '../app/playbook-catalog.js'
import type {LoadedPlaybook} from '../playbook/load.js'
import {runPlaybook} from '../playbook/run-playbook.js'
import {toJsonResult} from '../report/json.js'
import {renderMarkdown} from '../report/markdown.js'
import {LAB_NODES, openCaptureReplay} from '../../test/support/capture-replay-source.js'
import {withLogReplay} from '../../test/support/log-replay.js'
import {KNOWLEDGE_DIR} from './load-knowledge.js'

/**
 * The knowledge base drives playbooks as data. The evidence is real: the project lab with the Open vSwitch
 * agent on compute-0 killed and restarted (fixtures/lab/ovs-agent-down/PROVENANCE.md), replayed with its
 * logs. The restarted agent logged a real line, `Deleting flow with cookie 0xc58c096c4f89ca9a` (line 280 of
 * its log, after the capture's command line), which no shipped signature covers; adding a markdown file that does must change the diagnosis.
 */
// The first capture of the fault (kept in first-captures/: a recapture's log tail no longer holds line 280).
const FIXTURE = path.resolve(import.meta.dirname, '../../fixtures/lab/first-captures/ovs-agent-down')
const REAL_LINE =
  '2026-11-22 05:18:11.983 16695 WARNING neutron.plugins.ml2.drivers.openvswitch.agent.openflow.native.ofswitch [None req-83673e5f-9219-40a1-957b-c0e71d3c7021 - - - - - -] Deleting flow with cookie 0xc58c096c4f89ca9a'

const NEW_SIGNATURE = `---
id: ovs-agent-deleted-stale-flows
type: signature
title: The Open vSwitch agent deleted stale flows after a restart
component: neutron-openvswitch-agent
in: [neutron-openvswitch-agent]
hint: Deleting flow with cookie
pattern: 'ofswitch .*Deleting flow with cookie 0x[0-9a-f]+'
level: host
weight: 0.6
next: ["openstack network agent list --host compute-0"]
fix: Find out why the agent restarted (its journal).
examples:
  match:
    - line: '${REAL_LINE}'
      source: fixtures/lab/first-captures/ovs-agent-down/compute-0.log_neutron-openvswitch-agent.log.txt (project lab, Zed)
  near_miss:
    - line: 'Deleting flow with cookie'
      why: the words alone, without the ofswitch logger
---
## Meaning

The agent restarted and removed the flows of its previous run.
`

let loaded: LoadedPlaybook
let scratch: string
let knowledgeCopy: string

beforeAll(async () => {
  loaded = await loadBuiltinPlaybook('vm-ssh-fail')
  scratch = mkdtempSync(path.join(tmpdir(), 'kb-playbook-'))
  knowledgeCopy = path.join(scratch, 'knowledge')
  cpSync(KNOWLEDGE_DIR, knowledgeCopy, {recursive: true})
})

afterAll(() => {
  rmSync(scratch, {recursive: true, force: true})
})

async function diagnose(knowledgeDir: string | null) {
  const source = await withLogReplay(await openCaptureReplay(FIXTURE, LAB_NODES), FIXTURE)
  return runPlaybook(loaded.playbook, source, {target: 'vm-web-1', knowledgeDir})
}

describe('knowledge-base signatures in playbook runs', () => {
  it('changes the diagnosis when a signature file is added, with no code change', async () => {
    const before = await diagnose(knowledgeCopy)
    writeFileSync(path.join(knowledgeCopy, 'signatures', 'ovs-agent-deleted-stale-flows.md'), NEW_SIGNATURE)
    const after = await diagnose(knowledgeCopy)

    const agent = (d: typeof before) =>
      d.suspects.find((s) => s.component === 'neutron-openvswitch-agent' && s.node === 'compute-0')
    expect(before.kb.map((k) => k.id)).not.toContain('ovs-agent-deleted-stale-flows')
    expect(agent(before)?.checks).not.toContain('ovs-agent-deleted-stale-flows')

    expect(after.kb).toContainEqual({
      id: 'ovs-agent-deleted-stale-flows',
      title: 'The Open vSwitch agent deleted stale flows after a restart',
      type: 'signature',
    })
    expect(agent(after)?.checks).toContain('ovs-agent-deleted-stale-flows')
    expect(agent(after)?.confidence).toBeGreaterThan(agent(before)?.confidence ?? 0)
    const cited = agent(after)?.evidence.find((e) => e.line === 280)
    expect(cited?.source).toBe('tail -n 3000 /var/log/neutron/neutron-openvswitch-agent.log')
    expect(cited?.excerpt).toContain('Deleting flow with cookie 0xc58c096c4f89ca9a')
  })

  it('lists the knowledge-base entries it used in the report and in --json', async () => {
    const d = await diagnose(KNOWLEDGE_DIR)
    expect(d.kb.length).toBeGreaterThan(0)
    const json = toJsonResult(d)
    expect(json.kb).toEqual(d.kb.map((k) => k.id))
    const md = renderMarkdown(d)
    expect(md).toContain('## Knowledge base entries used')
    for (const k of d.kb) expect(md).toContain(`cloudtriage kb show ${k.id}`)
  })

  it('scans with the playbook signatures only when the knowledge base is switched off', async () => {
    const d = await diagnose(null)
    expect(
      d.kb.filter(
        (k) => k.type === 'signature' && !loaded.playbook.signatures.some((s) => s.kb.includes(k.id)),
      ),
    ).toEqual([])
  })
})
