import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import type {Gathered} from '../model/evidence.js'
import {DISCOVERY_COMMANDS, discoverNodes, inferNodes, shortHost} from './discover.js'

/**
 * A capture from the reference lab (fixtures/inventory/README.md): first line `$ command`, last line
 * `[exit status: N]`, the output in between.
 */
function capture(scenario: string, name: string): {command: string; output: string; exitCode: number} {
  const lines = readFileSync(`fixtures/inventory/captures/${scenario}/${name}.txt`, 'utf8')
    .trimEnd()
    .split('\n')
  const command = (lines.shift() ?? '').replace(/^\$ (timeout \d+ )?/, '')
  const exitCode = Number(/^\[exit status: (\d+)\]$/.exec(lines.pop() ?? '')?.[1])
  return {command, output: lines.join('\n'), exitCode}
}

/** Answer discovery commands from a scenario's captures, as the local source would have. */
function replay(scenario: string, available: readonly string[]) {
  const answer = (argv: readonly string[]): Gathered => {
    const name = argv.slice(0, -2).join('_')
    const base = {
      node: 'api',
      request: {kind: 'command' as const, argv},
      durationMs: 1,
      truncated: false,
      origin: `fixture ${scenario}/${name}`,
    }
    if (!available.includes(name))
      return {
        ...base,
        status: 'failed',
        exitCode: null,
        stdout: '',
        stderr: '',
        error: 'api (local): not captured in this scenario',
      }
    const {command, output, exitCode} = capture(scenario, name)
    expect(command).toBe(argv.join(' '))
    // The lab captured stdout and stderr together; a failed command's text is its stderr.
    return {
      ...base,
      status: 'ok',
      exitCode,
      stdout: exitCode === 0 ? output : '',
      stderr: exitCode === 0 ? '' : output,
    }
  }
  return (argv: readonly string[]): Promise<Gathered> => Promise.resolve(answer(argv))
}

const HEALTHY = [
  'openstack_compute_service_list',
  'openstack_network_agent_list',
  'openstack_hypervisor_list',
  'openstack_volume_service_list',
]

describe('discoverNodes on the reference lab', () => {
  it('finds controller-0 (controller, network, storage) and two compute nodes in the healthy lab', async () => {
    const discovery = await discoverNodes(replay('healthy', HEALTHY))
    expect(discovery.problems).toEqual([])
    expect(discovery.nodes).toEqual([
      {name: 'compute-0', roles: ['compute']},
      {name: 'compute-1', roles: ['compute']},
      {name: 'controller-0', roles: ['controller', 'network', 'storage']},
    ])
  })

  it('still finds the nodes when neutron-server is down, and says which command failed', async () => {
    const discovery = await discoverNodes(
      replay('neutron_server_down', ['openstack_compute_service_list', 'openstack_network_agent_list']),
    )
    expect(discovery.nodes).toEqual([
      {name: 'compute-0', roles: ['compute']},
      {name: 'compute-1', roles: ['compute']},
      {name: 'controller-0', roles: ['controller']},
    ])
    expect(discovery.problems).toEqual([
      expect.stringMatching(
        /^openstack network agent list -f json: Unable to establish connection to http:\/\/127\.0\.0\.1:9696/,
      ),
      'openstack hypervisor list -f json: api (local): not captured in this scenario',
      'openstack volume service list -f json: api (local): not captured in this scenario',
    ])
  })

  it('runs exactly the read-only discovery commands', async () => {
    const seen: string[] = []
    await discoverNodes((argv) => {
      seen.push(argv.join(' '))
      return replay('healthy', HEALTHY)(argv)
    })
    expect(seen.sort()).toEqual(
      Object.values(DISCOVERY_COMMANDS)
        .map((argv) => argv.join(' '))
        .sort(),
    )
  })
})

describe('inferNodes', () => {
  it('makes a host that only runs a switch agent a network node, but not a compute node that runs one', () => {
    const nodes = inferNodes({
      networkAgents: [
        {'Agent Type': 'Open vSwitch agent', Binary: 'neutron-openvswitch-agent', Host: 'net-1'},
        {'Agent Type': 'Open vSwitch agent', Binary: 'neutron-openvswitch-agent', Host: 'cmp-1'},
        {'Agent Type': 'OVN Controller Gateway agent', Binary: 'ovn-controller', Host: 'gw-1'},
      ],
      hypervisors: [{'Hypervisor Hostname': 'cmp-1.example.org'}],
    })
    expect(nodes).toEqual([
      {name: 'cmp-1', roles: ['compute']},
      {name: 'gw-1', roles: ['network']},
      {name: 'net-1', roles: ['network']},
    ])
  })

  it('ignores output that is not the expected shape', () => {
    expect(inferNodes({computeServices: {error: 'x'}, hypervisors: 'nope'})).toEqual([])
  })

  it('shortens cinder and FQDN host names but keeps IP addresses whole', () => {
    expect(shortHost('controller-0@lvm#pool')).toBe('controller-0')
    expect(shortHost('compute-3.lab.example')).toBe('compute-3')
    expect(shortHost('127.0.1.11')).toBe('127.0.1.11')
  })
})
