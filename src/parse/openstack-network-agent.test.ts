import {describe, expect, it} from 'vitest'

import {normalizeNetworkAgents} from './openstack-network-agent.js'
import {readCapture} from './test-helpers.js'

describe('normalizeNetworkAgents', () => {
  it('reads all agents alive in the healthy lab', () => {
    const agents = normalizeNetworkAgents(readCapture('healthy/openstack_network_agent_list.txt').body)
    expect(agents).toHaveLength(4)
    expect(agents.every((a) => a.alive === true && a.adminStateUp === true)).toBe(true)
    expect(agents[0]).toEqual({
      id: '8530322e-bcfd-4d18-bee5-206855e8eaf5',
      agentType: 'DHCP agent',
      host: 'controller-0',
      alive: true,
      adminStateUp: true,
      binary: 'neutron-dhcp-agent',
      availabilityZone: 'nova',
    })
  })

  it('finds the dead OVS agent on compute-0 after it was stopped', () => {
    const dead = normalizeNetworkAgents(
      readCapture('ovs_agent_down/openstack_network_agent_list.txt').body,
    ).filter((a) => a.alive === false)
    expect(dead.map((a) => [a.host, a.binary])).toEqual([['compute-0', 'neutron-openvswitch-agent']])
  })

  it('reads the table spelling (:-) / XXX, UP / DOWN) the same as JSON', () => {
    expect(normalizeNetworkAgents(readCapture('table/network-agent-list-ovs-agent-down.txt').body)).toEqual(
      normalizeNetworkAgents(readCapture('ovs_agent_down/openstack_network_agent_list.txt').body),
    )
  })

  it('gives null for an Alive value it does not recognise', () => {
    expect(normalizeNetworkAgents([{ID: 'a', Alive: '?'}])[0]?.alive).toBeNull()
  })
})
