import {describe, expect, it} from 'vitest'

import type {Finding} from './diagnosis.js'
import {rankSuspects} from './rank.js'

const finding = (over: Partial<Finding>): Finding => ({
  check: 'c',
  phase: 'roles',
  component: 'security-group',
  node: 'compute-3',
  level: 'instance',
  weight: 0.8,
  summary: 's',
  evidence: [],
  next: [],
  kb: [],
  ...over,
})

const sg = finding({check: 'no-ssh-ingress', component: 'security-group', level: 'instance', weight: 0.85})
const agent = finding({check: 'ovs-agent-dead', component: 'neutron-openvswitch-agent', level: 'host', weight: 0.8})

describe('rankSuspects', () => {
  it('ranks the dead OVS agent above the security group when all VMs on the host fail', () => {
    const ranked = rankSuspects([sg, agent], {level: 'host', says: 'all VMs on compute-3'})
    expect(ranked.map((s) => s.component)).toEqual(['neutron-openvswitch-agent', 'security-group'])
  })

  it('ranks the security group above the dead OVS agent when only one VM fails', () => {
    const ranked = rankSuspects([sg, agent], {level: 'instance', says: 'one VM'})
    expect(ranked.map((s) => s.component)).toEqual(['security-group', 'neutron-openvswitch-agent'])
  })

  it('merges findings about the same component on the same node into one suspect, stronger than either', () => {
    const a = finding({check: 'a', weight: 0.5})
    const b = finding({check: 'b', weight: 0.5})
    const [only, ...rest] = rankSuspects([a, b], {level: 'instance', says: ''})
    expect(rest).toHaveLength(0)
    expect(only?.checks).toEqual(['a', 'b'])
    expect(only?.confidence).toBe(0.75)
  })

  it('keeps the same component on two nodes as two suspects', () => {
    const ranked = rankSuspects([finding({node: 'compute-0'}), finding({node: 'compute-1'})], {level: 'instance', says: ''})
    expect(ranked.map((s) => s.node).sort()).toEqual(['compute-0', 'compute-1'])
  })

  it('never reports certainty and keeps confidence within 0..1', () => {
    const many = Array.from({length: 10}, (_, i) => finding({check: `c${i}`, weight: 0.99}))
    const [top] = rankSuspects(many, {level: 'instance', says: ''})
    expect(top?.confidence).toBeLessThanOrEqual(1)
    expect(top?.confidence).toBeGreaterThan(0.99)
  })
})

describe('the blast-radius rule', () => {
  const rabbit = finding({check: 'rabbitmq-unreachable', component: 'rabbitmq', node: 'controller-0', level: 'control-plane', weight: 0.8})
  const computeDown = finding({check: 'compute-service-down', component: 'nova-compute', node: 'compute-0', level: 'host', weight: 0.7})
  const conductorTimeout = finding({check: 'timeout-waiting-for-conductor', component: 'nova-conductor', node: 'controller-0', level: 'control-plane', weight: 0.45})
  const rule = {component: 'rabbitmq', explains: ['nova-compute', 'nova-conductor']}

  it('folds the services a dead RabbitMQ explains into one root suspect that names its blast radius', () => {
    const ranked = rankSuspects([computeDown, conductorTimeout, rabbit], {level: 'control-plane', says: 'many'}, [rule])
    expect(ranked.map((s) => s.component)).toEqual(['rabbitmq'])
    expect(ranked[0]?.summary).toContain('nova-compute on compute-0')
    expect(ranked[0]?.checks).toEqual(['rabbitmq-unreachable', 'compute-service-down', 'timeout-waiting-for-conductor'])
  })

  it('keeps a service that outranks the dependency: it has evidence of its own', () => {
    const conductorDown = finding({check: 'conductor-down', component: 'nova-conductor', node: 'controller-0', level: 'control-plane', weight: 0.95})
    const ranked = rankSuspects([conductorDown, computeDown, rabbit], {level: 'control-plane', says: 'many'}, [rule])
    expect(ranked.map((s) => s.component)).toEqual(['nova-conductor', 'rabbitmq'])
  })

  it('folds the dependency as seen from other nodes’ logs into the root (rabbitmq filed on compute-0 by its nova-compute)', () => {
    const seenFromCompute = finding({check: 'amqp-connection-forced', component: 'rabbitmq', node: 'compute-0', level: 'control-plane', weight: 0.7})
    const ranked = rankSuspects([seenFromCompute, computeDown, rabbit], {level: 'control-plane', says: 'many'}, [rule])
    expect(ranked.map((s) => `${s.component}@${s.node}`)).toEqual(['rabbitmq@controller-0'])
    expect(ranked[0]?.summary).toContain('what compute-0 logged about it')
  })

  it('changes nothing when the dependency is not a suspect', () => {
    const ranked = rankSuspects([computeDown, conductorTimeout], {level: 'control-plane', says: 'many'}, [rule])
    expect(ranked.map((s) => s.component)).toEqual(['nova-compute', 'nova-conductor'])
  })
})

describe('the slowness rule: a saturated node takes in the timeouts logged on it', () => {
  const slowness = [{component: 'node-cpu', explains: ['openvswitch', 'rabbitmq', 'nova-compute'], slowness: true}]
  const cpu = finding({check: 'host-cpu-saturated', component: 'node-cpu', node: 'compute-0', level: 'host', weight: 0.39})
  const ovsdbTimeouts = finding({check: 'ovsdbapp-commands-timeout', component: 'openvswitch', node: 'compute-0', level: 'host', weight: 0.49, timeout: true})
  const scope = {level: 'instance' as const, says: 'one VM'}

  it('puts the node first even when its timeouts scored higher than its own numbers', () => {
    const [top, ...rest] = rankSuspects([cpu, ovsdbTimeouts], scope, slowness)
    expect(top?.component).toBe('node-cpu')
    expect(top?.node).toBe('compute-0')
    expect(top?.checks).toEqual(['host-cpu-saturated', 'ovsdbapp-commands-timeout'])
    expect(top?.confidence).toBe(rankSuspects([ovsdbTimeouts], scope)[0]?.confidence)
    expect(rest).toHaveLength(0)
  })

  it('leaves a hard failure on the same node alone: a dead vswitchd is a cause of its own', () => {
    const vswitchdDown = finding({check: 'vswitchd-down', component: 'openvswitch', node: 'compute-0', level: 'host', weight: 0.95})
    const ranked = rankSuspects([cpu, vswitchdDown], scope, slowness)
    expect(ranked.map((s) => s.component)).toEqual(['openvswitch', 'node-cpu'])
  })

  it('keeps a suspect that mixes a timeout with a hard failure', () => {
    const refused = finding({check: 'ovs-db-refused', component: 'openvswitch', node: 'compute-0', level: 'host', weight: 0.6})
    const ranked = rankSuspects([cpu, ovsdbTimeouts, refused], scope, slowness)
    expect(ranked[0]?.component).toBe('openvswitch')
    expect(ranked.map((s) => s.component)).toContain('node-cpu')
  })

  it('does not take in timeouts logged on another node', () => {
    const elsewhere = {...ovsdbTimeouts, node: 'compute-1'}
    const ranked = rankSuspects([cpu, elsewhere], scope, slowness)
    expect(ranked.map((s) => `${s.component}@${s.node}`)).toEqual(['openvswitch@compute-1', 'node-cpu@compute-0'])
  })

  it('needs a measured saturation: a node suspect made only of timeout lines takes nothing in', () => {
    const lateHeartbeat = finding({check: 'nova-report-state-outlasted', component: 'node-cpu', node: 'compute-0', level: 'host', weight: 0.3, timeout: true})
    const ranked = rankSuspects([lateHeartbeat, ovsdbTimeouts], scope, slowness)
    expect(ranked.map((s) => s.component)).toEqual(['openvswitch', 'node-cpu'])
  })

  it('claims the node timeouts before RabbitMQ does', () => {
    const rpcTimeouts = finding({check: 'oslo-messaging-timeout', component: 'rabbitmq', node: 'compute-0', level: 'control-plane', weight: 0.5, timeout: true})
    const rules = [{component: 'rabbitmq', explains: ['nova-compute']}, ...slowness]
    const ranked = rankSuspects([cpu, rpcTimeouts], scope, rules)
    expect(ranked.map((s) => s.component)).toEqual(['node-cpu'])
  })
})
