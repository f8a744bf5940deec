import path from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {loadBuiltinPlaybook} from '../../src/app/playbook-catalog.js'
import type {LoadedPlaybook} from '../../src/playbook/load.js'
import {runPlaybook} from '../../src/playbook/run-playbook.js'
import {openOfflineInput} from '../../src/sources/detect-input.js'
import {LAB_NODES, openCaptureReplay} from '../support/capture-replay-source.js'
import {withLogReplay} from '../support/log-replay.js'

/**
 * Golden tests on real captures of a real OpenStack Zed lab with the fault really injected
 * (fixtures/reference/README.md "scenarios", fixtures/lab/healthy/PROVENANCE.md), replayed with their logs.
 */
let loaded: LoadedPlaybook
beforeAll(async () => {
  loaded = await loadBuiltinPlaybook('control-plane')
})

async function sweep(dir: string) {
  const root = path.resolve(dir)
  const source = await withLogReplay(await openCaptureReplay(root, LAB_NODES), root)
  return runPlaybook(loaded.playbook, source, {target: null})
}

const SERVICES = [
  'nova-conductor',
  'nova-scheduler',
  'nova-compute',
  'neutron-server',
  'neutron-openvswitch-agent',
  'cinder-scheduler',
  'cinder-volume',
]

describe('control-plane on real lab captures', () => {
  it('names RabbitMQ on controller-0 as the one root suspect when the broker was stopped, not every service that lost it', async () => {
    const d = await sweep('fixtures/reference/scenarios/rabbitmq_down')
    expect(d.suspects[0]).toMatchObject({component: 'rabbitmq', node: 'controller-0'})
    // The blast-radius rule: computes down and agents dead are folded under the broker, not listed beside it.
    const servicesAbove = d.suspects
      .slice(1)
      .filter((s) => SERVICES.includes(s.component) && s.confidence >= 0.2)
    expect(servicesAbove).toEqual([])
    expect(d.suspects[0]?.checks).toEqual(
      expect.arrayContaining(['rabbitmq-unreachable', 'nova-compute-down', 'ovs-agents-dead']),
    )
    expect(d.suspects[0]?.summary).toContain('Blast radius')
    expect(d.scope.level).toBe('control-plane')
  })

  it('names nova-conductor, not the computes that report through it, when the conductor was stopped', async () => {
    const d = await sweep('fixtures/reference/scenarios/conductor_down')
    expect(d.suspects[0]).toMatchObject({component: 'nova-conductor', node: 'controller-0'})
    expect(d.suspects.map((s) => s.component)).not.toContain('nova-compute')
  })

  it('names nova-compute on compute-0 when the computes were stopped', async () => {
    const d = await sweep('fixtures/reference/scenarios/compute_down')
    expect(d.suspects[0]).toMatchObject({component: 'nova-compute', node: 'compute-0'})
  })

  it('names cinder-volume on controller-0 when it was stopped', async () => {
    const d = await sweep('fixtures/reference/scenarios/cinder_volume_down')
    expect(d.suspects[0]).toMatchObject({component: 'cinder-volume', node: 'controller-0'})
  })

  it('finds nothing on the healthy lab, though its logs hold an old RabbitMQ restart and its clocks were compared', async () => {
    const d = await sweep('fixtures/lab/healthy')
    expect(d.suspects).toEqual([])
    expect(d.ruledOut.map((r) => r.check)).toEqual(
      expect.arrayContaining([
        'rabbitmq-unreachable',
        'clock-skew',
        'nova-compute-down',
        'node-out-of-memory',
      ]),
    )
  })
})

describe('control-plane on the project lab (fixtures/lab/<fault>)', () => {
  it('names RabbitMQ on controller-0 under a memory alarm from the services it blocked, their down heartbeats folded under it', async () => {
    const d = await sweep('fixtures/lab/rabbitmq-memory-alarm')
    expect(d.suspects[0]).toMatchObject({component: 'rabbitmq', node: 'controller-0'})
    expect(d.suspects[0]?.checks).toEqual(
      expect.arrayContaining(['rabbitmq-blocking-publishers', 'nova-compute-down']),
    )
    const servicesAbove = d.suspects
      .slice(1)
      .filter((s) => SERVICES.includes(s.component) && s.confidence >= 0.2)
    expect(servicesAbove).toEqual([])
  })

  it('reads the alarm itself from the live rabbitmq-diagnostics output in the collect bundle of that fault', async () => {
    const source = await openOfflineInput(path.resolve('fixtures/lab/rabbitmq-memory-alarm/bundle'))
    const d = await runPlaybook(loaded.playbook, source, {target: null}).finally(() => source.close())
    expect(d.suspects[0]).toMatchObject({component: 'rabbitmq', node: 'controller-0'})
    expect(d.suspects[0]?.checks).toEqual(
      expect.arrayContaining(['rabbitmq-alarm', 'rabbitmq-blocking-publishers']),
    )
    expect(d.complete).toBe(true)
  })
})
