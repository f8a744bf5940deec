import path from 'node:path'

import {describe, expect, it} from 'vitest'

import {describeRequest, type Gathered} from '../model/evidence.js'
import {UnknownTarget} from '../model/errors.js'
import {LAB_NODES, openCaptureReplay} from '../../test/support/capture-replay-source.js'
import {parsePlaybook} from './load.js'
import {runnableOnItsNode, runPlaybook} from './run-playbook.js'

/**
 * The engine on real evidence: a small playbook written for these tests, run against lab captures
 * replayed as the evidence source (fixtures/golden/README.md, __fixtures__/unknown-server/README.md).
 * In the healthy capture vm-healthy-1 (afa33bac-…) is ACTIVE on compute-0, the three nodes each have an
 * alive Open vSwitch agent, and `openstack port list --server …` was never captured.
 */
const HEALTHY = path.resolve('fixtures/golden/vm-ssh-fail/healthy')

const SCOPE_RULES = `
  # Would be true on no evidence at all ($count of nothing is 0): must be skipped while $ports is missing.
  - {level: host, when: "$count($ports) = 0", says: "no ports"}
  - {level: network, when: "$count($agents[alive = false]) > 0", says: "an agent is dead"}
  - {level: instance, when: "$server.status = 'ACTIVE'", says: "only {{ $server.name }} on {{ $server.host }} is in question"}
`

const TINY = `id: tiny
title: Tiny
summary: Small enough to follow every step.
target: {kind: server, required: live, description: a server}
components:
  - {id: instance-state, role: r}
  - {id: openvswitch, role: r}
  - {id: neutron-port, role: r}
phases:
  - id: macro
    title: Macro
    purpose: p
    gather:
      # Listed before the gather it depends on: the engine must still run it after, on the server's host.
      - id: hostBridges
        on: "{{ $server.host }}"
        command: [ovs-vsctl, show]
        parse: ovs-vsctl-show
      - id: server
        on: api
        command: [openstack, server, show, "{{ $target }}", -f, json]
        parse: openstack-server
        identifies_target: true
    checks:
      - id: not-running
        component: instance-state
        level: instance
        when: "$server.status != 'ACTIVE'"
        weight: 0.9
        says: "{{ $server.name }} is {{ $server.status }}"
        ruled_out: "{{ $server.name }} is {{ $server.status }} on {{ $server.host }}"
      - id: host-has-br-int
        component: openvswitch
        level: host
        when: "$hostBridges.bridges[name = 'br-int']"
        cite: "$hostBridges"
        weight: 0.1
        says: "br-int exists on the host"
  - id: roles
    title: Roles
    purpose: p
    gather:
      - id: agents
        on: api
        command: [openstack, network, agent, list, -f, json]
        parse: openstack-network-agents
      - id: agentBridges
        on: "{{ $each }}"
        for_each: "$agents[agentType = 'Open vSwitch agent'].host"
        max_items: MAX_ITEMS
        command: [ovs-vsctl, show]
        parse: ovs-vsctl-show
      - id: ports
        on: api
        command: [openstack, port, list, --server, "{{ $server.id }}", --long, -f, json]
        parse: openstack-port-list
    checks:
      - id: bridges-everywhere
        component: openvswitch
        level: host
        when: "$count($agentBridges) > 0"
        cite: "$agentBridges"
        weight: 0.1
        says: "{{ $count($agentBridges) }} nodes have bridges"
      - id: port-down
        component: neutron-port
        level: instance
        when: "$ports[status = 'DOWN']"
        weight: 0.5
        says: "a port is down"
        ruled_out: "ports are up"
  - {id: blast-radius, title: Blast radius, purpose: p}
  - {id: resources, title: Resources, purpose: p}
scope:${SCOPE_RULES}`

function tiny(options: {scope?: string; maxItems?: number} = {}) {
  return parsePlaybook(
    TINY.replace('MAX_ITEMS', String(options.maxItems ?? 20)).replace(
      SCOPE_RULES,
      options.scope ?? SCOPE_RULES,
    ),
    'tiny.yaml',
  )
}

async function run(target: string, options: {scope?: string; maxItems?: number; dir?: string} = {}) {
  const gathered: Gathered[] = []
  const source = await openCaptureReplay(options.dir ?? HEALTHY, LAB_NODES)
  const diagnosis = await runPlaybook(tiny(options), source, {
    target,
    onGathered: (g) => gathered.push(g),
    now: () => new Date(0),
  })
  const sent = gathered.map((g) => `${g.node}: ${describeRequest(g.request)}`)
  return {diagnosis, sent}
}

describe('runPlaybook', () => {
  it('runs a gather that needs an earlier fact in a later wave, on the node that fact names', async () => {
    const {diagnosis, sent} = await run('vm-healthy-1')
    expect(sent.indexOf('api: openstack server show vm-healthy-1 -f json')).toBe(0)
    expect(sent.indexOf('compute-0: ovs-vsctl show')).toBe(1)
    expect(sent.filter((s) => s.endsWith('ovs-vsctl show')).slice(0, 1)).toEqual([
      'compute-0: ovs-vsctl show',
    ])
    const bridges = diagnosis.suspects.find((s) => s.checks.includes('host-has-br-int'))
    expect(bridges).toMatchObject({component: 'openvswitch', node: 'compute-0'})
    expect(bridges?.evidence[0]).toMatchObject({
      node: 'compute-0',
      source: 'ovs-vsctl show',
      origin: 'capture healthy/compute-0.ovs-vsctl_show.txt',
    })
  })

  it('runs a for_each gather once per item, each on its own node, and binds all the results', async () => {
    const {diagnosis, sent} = await run('vm-healthy-1')
    // The agent list names the three nodes; compute-0 is asked twice (once as the server's host).
    expect(
      sent
        .filter((s) => s.endsWith('ovs-vsctl show'))
        .slice(1)
        .sort(),
    ).toEqual(['compute-0: ovs-vsctl show', 'compute-1: ovs-vsctl show', 'controller-0: ovs-vsctl show'])
    const finding = diagnosis.suspects.flatMap((s) => (s.checks.includes('bridges-everywhere') ? [s] : []))
    expect(finding.map((s) => s.summary)).toEqual(['3 nodes have bridges'])
    expect(finding[0]?.evidence.map((e) => e.node).sort()).toEqual(['compute-0', 'compute-1', 'controller-0'])
  })

  it('binds a for_each over nothing as an empty fact, not as missing evidence', async () => {
    const source = await openCaptureReplay(HEALTHY, LAB_NODES)
    // The healthy capture's agent list has no agent of this type: nothing to ask about.
    const playbook = parsePlaybook(TINY.replace('MAX_ITEMS', '20').replace("'Open vSwitch agent'", "'No such agent'"), 'tiny.yaml')
    const diagnosis = await runPlaybook(playbook, source, {target: 'vm-healthy-1', now: () => new Date(0)})
    expect(diagnosis.missing.map((m) => m.what)).not.toContain('agentBridges')
    expect(diagnosis.suspects.flatMap((s) => s.checks)).not.toContain('bridges-everywhere')
    expect(diagnosis.phases.find((p) => p.id === 'roles')?.undetermined).not.toContain('bridges-everywhere')
  })

  it('stops a for_each at max_items', async () => {
    const {sent} = await run('vm-healthy-1', {maxItems: 2})
    expect(sent.filter((s) => s.endsWith('ovs-vsctl show'))).toHaveLength(1 + 2)
  })

  it('lists a check whose evidence is missing as undetermined, with the exact command that would decide it', async () => {
    const {diagnosis} = await run('vm-healthy-1')
    expect(diagnosis.phases.find((p) => p.id === 'roles')?.undetermined).toEqual(['port-down'])
    expect(diagnosis.ruledOut.map((r) => r.check)).not.toContain('port-down')
    expect(diagnosis.missing).toContainEqual({
      what: 'ports',
      node: 'api',
      command: 'openstack port list --server afa33bac-770e-4626-8b94-04c1e712bd3a --long -f json',
      reason: 'not in the capture',
      blocks: ['port-down'],
    })
    expect(diagnosis.complete).toBe(false)
    expect(diagnosis.nextCommands).toContain(
      'openstack port list --server afa33bac-770e-4626-8b94-04c1e712bd3a --long -f json',
    )
  })

  it('renders the ruled-out text of a check that did not fire with the facts it saw', async () => {
    const {diagnosis} = await run('vm-healthy-1')
    expect(diagnosis.ruledOut).toContainEqual({
      check: 'not-running',
      component: 'instance-state',
      reason: 'vm-healthy-1 is ACTIVE on compute-0',
    })
    expect(diagnosis.phases.find((p) => p.id === 'macro')).toMatchObject({
      ruledOut: ['not-running'],
      findings: ['host-has-br-int'],
      undetermined: [],
    })
  })

  it('takes the first scope rule that holds, skipping one whose evidence is missing', async () => {
    const {diagnosis} = await run('vm-healthy-1')
    expect(diagnosis.scope).toEqual({
      level: 'instance',
      says: 'only vm-healthy-1 on compute-0 is in question',
    })
  })

  it('lets the scope rules pick the host level when the evidence says so', async () => {
    const scope = `
  - {level: network, when: "$count($agents[alive = false]) > 0", says: "an agent is dead"}
  - {level: host, when: "$count($agents[host = $server.host]) = 1", says: "{{ $server.host }} has one agent"}
  - {level: instance, when: "true", says: "fallback"}
`
    const {diagnosis} = await run('vm-healthy-1', {scope})
    expect(diagnosis.scope).toEqual({level: 'host', says: 'compute-0 has one agent'})
  })

  it('treats a server the evidence does not hold as missing evidence, not an error', async () => {
    const {diagnosis, sent} = await run('no-such-vm')
    // Only the three agents' nodes are asked for ovs-vsctl show: no host, so no host gather.
    expect(sent.filter((s) => s.endsWith('ovs-vsctl show'))).toHaveLength(3)
    expect(diagnosis.missing.map((m) => m.command)).toContain('openstack server show no-such-vm -f json')
    expect(diagnosis.missing.find((m) => m.what === 'hostBridges')?.reason).toBe(
      'needs $server, which could not be gathered',
    )
    expect(diagnosis.phases.find((p) => p.id === 'macro')?.undetermined).toEqual([
      'not-running',
      'host-has-br-int',
    ])
  })

  it('stops with UnknownTarget when the cloud says the server does not exist', async () => {
    const dir = path.resolve('src/playbook/__fixtures__/unknown-server')
    await expect(run('no-such-vm', {dir})).rejects.toThrow(UnknownTarget)
    await expect(run('no-such-vm', {dir})).rejects.toThrow(
      "no-such-vm: No server with a name or ID of 'no-such-vm' exists.",
    )
  })

  it('does not call a server unknown when the API failed to answer: that is missing evidence', async () => {
    // nova-api answered 500 while neutron was absent (fixtures/reference/neutron_absent): the server may well exist.
    const {diagnosis} = await run('vm-probe-1', {dir: path.resolve('fixtures/reference/neutron_absent')})
    const server = diagnosis.missing.find((m) => m.what === 'server')
    expect(server?.command).toBe('openstack server show vm-probe-1 -f json')
    expect(server?.reason).toMatch(/^exit 1: Unexpected API Error/)
  })
})

describe('runnableOnItsNode', () => {
  it('prefixes a node command with ssh to that node, so the operator can paste it', () => {
    expect(runnableOnItsNode({node: 'compute-0', command: 'cat /proc/net/dev'})).toEqual(['ssh compute-0 cat /proc/net/dev'])
    expect(runnableOnItsNode({node: 'api', command: 'openstack network agent list -f json'})).toEqual(['openstack network agent list -f json'])
  })

  it('offers nothing when the command still holds a template it could not fill', () => {
    expect(runnableOnItsNode({node: 'api', command: 'openstack port show {{ $each.id }} -f json'})).toEqual([])
  })
})
