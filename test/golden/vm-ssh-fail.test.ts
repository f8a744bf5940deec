import path from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {loadBuiltinPlaybook} from '../../src/app/playbook-catalog.js'
import type {LoadedPlaybook} from '../../src/playbook/load.js'
import {runPlaybook} from '../../src/playbook/run-playbook.js'
import {LAB_NODES, openCaptureReplay} from '../support/capture-replay-source.js'

/**
 * Golden tests: each fixture cloud is real output captured from the lab probe's OpenStack Zed (see
 * fixtures/golden/README.md), replayed as the evidence source. The expected top suspect is the fault that
 * was really injected there.
 */
const FIXTURES = path.resolve('fixtures/golden/vm-ssh-fail')

let loaded: LoadedPlaybook
beforeAll(async () => {
  loaded = await loadBuiltinPlaybook('vm-ssh-fail')
})

async function diagnoseCapture(scenario: string, target: string) {
  const source = await openCaptureReplay(path.join(FIXTURES, scenario), LAB_NODES)
  return runPlaybook(loaded.playbook, source, {target})
}

describe('vm-ssh-fail on real lab captures', () => {
  it('names the dead Open vSwitch agent on compute-0 when it was killed there', async () => {
    const d = await diagnoseCapture('ovs_agent_down', 'vm-healthy-1')
    expect(d.suspects[0]).toMatchObject({component: 'neutron-openvswitch-agent', node: 'compute-0'})
    expect(d.suspects[0]?.evidence[0]?.source).toBe('openstack network agent list -f json')
  })

  it('names nova-compute on compute-0 when the compute service there is down', async () => {
    const d = await diagnoseCapture('compute_down', 'vm-healthy-1')
    expect(d.suspects[0]).toMatchObject({component: 'nova-compute', node: 'compute-0'})
  })

  it('finds nothing host-level on the healthy cloud, and says which evidence it could not get', async () => {
    const d = await diagnoseCapture('healthy', 'vm-healthy-1')
    expect(d.suspects.map((s) => s.component)).not.toContain('neutron-openvswitch-agent')
    expect(d.suspects.map((s) => s.component)).not.toContain('nova-compute')
    expect(d.ruledOut.map((r) => r.check)).toEqual(expect.arrayContaining(['ovs-agent-dead-on-host', 'compute-service-down', 'vswitchd-down']))
    expect(d.complete).toBe(false)
    expect(d.missing.map((m) => m.command)).toContain(`openstack port list --server afa33bac-770e-4626-8b94-04c1e712bd3a --long -f json`)
  })

  it('reports the server it could not find as missing evidence when the capture lacks it', async () => {
    const source = await openCaptureReplay(path.join(FIXTURES, 'healthy'), LAB_NODES)
    // The capture holds no `server show` for this name, so the replay has nothing: evidence missing, not an error.
    const d = await runPlaybook(loaded.playbook, source, {target: 'no-such-vm'})
    expect(d.suspects).toEqual([])
    expect(d.missing.map((m) => m.command)).toContain('openstack server show no-such-vm -f json')
  })
})
