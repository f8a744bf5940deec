import path from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {loadBuiltinPlaybook} from '../../src/app/playbook-catalog.js'
import type {LoadedPlaybook} from '../../src/playbook/load.js'
import {runPlaybook} from '../../src/playbook/run-playbook.js'
import {openOfflineInput} from '../../src/sources/detect-input.js'
import {LAB_NODES, openCaptureReplay} from '../support/capture-replay-source.js'
import {withLogReplay} from '../support/log-replay.js'

/**
 * Golden tests: each scenario is real output from a real OpenStack Zed lab where the fault was really
 * injected (fixtures/reference/README.md, "scenarios"; fixtures/lab/*\/PROVENANCE.md), replayed with its
 * service logs as the evidence source. The expected top suspect is the injected fault.
 */
let loaded: LoadedPlaybook
beforeAll(async () => {
  loaded = await loadBuiltinPlaybook('vm-boot-fail')
})

async function diagnose(dir: string, target: string) {
  const root = path.resolve(dir)
  const source = await withLogReplay(await openCaptureReplay(root, LAB_NODES), root)
  return runPlaybook(loaded.playbook, source, {target})
}

/** The bundle `cloudtriage collect` recorded live in the lab while the fault was in place (capture.sh). */
async function diagnoseBundle(fault: string, target: string) {
  const source = await openOfflineInput(path.resolve('fixtures/lab', fault, 'bundle'))
  try {
    return await runPlaybook(loaded.playbook, source, {target})
  } finally {
    await source.close()
  }
}

describe('vm-boot-fail on the project lab (fixtures/lab/<fault>)', () => {
  it('names the cell mapping of compute-1 when its host mapping was deleted and a boot was forced there', async () => {
    const d = await diagnoseBundle('cell-unmapped', 'vm-unmapped-1')
    expect(d.suspects[0]).toMatchObject({component: 'nova-cell-mapping', node: 'compute-1'})
    // The bundle holds the live `nova-manage cell_v2 list_hosts`: compute-1 runs nova-compute but is not listed.
    expect(d.suspects[0]?.checks).toEqual(
      expect.arrayContaining(['fault-host-not-mapped', 'host-not-in-cell']),
    )
  })

  it('names nova-compute on compute-0 and the ComputeFilter when a boot asked for compute-0 while it was down', async () => {
    const d = await diagnoseBundle('nova-compute-down', 'vm-nocompute-1')
    expect(d.suspects[0]).toMatchObject({component: 'nova-compute', node: 'compute-0'})
    expect(d.suspects[0]?.summary).toContain('ComputeFilter')
    expect(d.suspects[0]?.checks).toEqual(
      expect.arrayContaining(['filter-removed-compute', 'compute-service-down']),
    )
  })

  it('names the dead OVS agent on compute-1 when a boot there failed to bind its port', async () => {
    const d = await diagnose('fixtures/lab/port-binding-failed', 'vm-bind-fail')
    expect(d.suspects[0]).toMatchObject({component: 'neutron-openvswitch-agent', node: 'compute-1'})
    expect(d.scope.level).toBe('host')
  })

  it('names the same cause from the raw captures and logs of that fault', async () => {
    const d = await diagnose('fixtures/lab/cell-unmapped', 'vm-unmapped-1')
    expect(d.suspects[0]).toMatchObject({component: 'nova-cell-mapping', node: 'compute-1'})
  })
})

describe('vm-boot-fail on real lab captures', () => {
  it('blames nova-compute on compute-0 and names ComputeFilter when every compute was stopped', async () => {
    const d = await diagnose('fixtures/reference/scenarios/compute_down', 'vm-novalidhost')
    expect(d.suspects[0]).toMatchObject({component: 'nova-compute', node: 'compute-0'})
    expect(d.suspects[0]?.summary).toContain('ComputeFilter')
    expect(d.suspects[0]?.evidence.map((e) => e.source)).toContain(
      'tail -n 3000 /var/log/nova/nova-scheduler.log',
    )
  })

  it('blames the stopped nova-conductor for a boot stuck in scheduling, and names the compute -> conductor timeout hop', async () => {
    const d = await diagnose('fixtures/reference/scenarios/conductor_down', 'vm-no-conductor')
    expect(d.suspects[0]).toMatchObject({component: 'nova-conductor', node: 'controller-0'})
    expect(d.suspects[0]?.checks).toEqual(
      expect.arrayContaining(['conductor-down', 'timeout-waiting-for-conductor']),
    )
    // The computes look down only because they report through the conductor: not a separate suspect.
    expect(d.suspects.map((s) => s.component)).not.toContain('nova-compute')
  })

  it('blames placement on controller-0 when the scheduler could not reach it for this boot', async () => {
    const d = await diagnose('fixtures/reference/scenarios/placement_down', 'vm-no-placement')
    expect(d.suspects[0]).toMatchObject({component: 'placement-api', node: 'controller-0'})
    expect(d.suspects[0]?.evidence[0]?.source).toBe('tail -n 3000 /var/log/nova/nova-scheduler.log')
  })

  it('gives one RabbitMQ suspect for a boot stuck while the broker was down, its symptoms folded under it', async () => {
    const d = await diagnose('fixtures/reference/scenarios/rabbitmq_down', 'vm-no-rabbit')
    expect(d.suspects[0]).toMatchObject({component: 'rabbitmq', node: 'controller-0'})
    expect(d.suspects.filter((s) => s.confidence >= 0.2)).toHaveLength(1)
    expect(d.suspects[0]?.summary).toContain('Blast radius')
  })

  it('blames the missing L2 agent when every retried host failed to bind the port (MaxRetriesExceeded)', async () => {
    const d = await diagnose('fixtures/reference/scenarios/port_binding_failed', 'vm-probe-2')
    expect(d.suspects[0]).toMatchObject({component: 'neutron-openvswitch-agent', node: 'compute-1'})
    expect(d.suspects[0]?.summary).toContain('no L2 agent is registered')
    expect(d.scope.level).toBe('host')
  })

  it('finds nothing wrong with an instance that booted on the healthy lab', async () => {
    const d = await diagnose('fixtures/lab/healthy', 'vm-web-1')
    expect(d.suspects).toEqual([])
    expect(d.ruledOut.map((r) => r.check)).toEqual(
      expect.arrayContaining([
        'boot-failed',
        'conductor-down',
        'rabbitmq-unreachable',
        'compute-service-down',
      ]),
    )
    // The logs hold other boots' NoValidHost (earlier faults of the lab session): their story, not this boot's.
    expect(d.ruledOut.filter((r) => r.check === 'nova-no-valid-host').map((r) => r.reason).join(' | ')).toMatch(/logged for \d+ other requests? \(req-/)
  })
})
