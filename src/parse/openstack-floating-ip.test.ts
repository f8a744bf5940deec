import {describe, expect, it} from 'vitest'

import {normalizeFloatingIps} from './openstack-floating-ip.js'
import {normalizeNetworks} from './openstack-network.js'
import {normalizePort} from './openstack-port.js'
import {ParseError} from './parse-error.js'
import {normalizeRouters} from './openstack-router.js'
import {readLabCapture} from './test-helpers.js'

// Real `openstack floating ip list --long` of the project's lab (fixtures/lab/<fault>/): vm-web-1's floating
// IP on ext-net, associated through router r-web (l3-agent-down), then detached (floating-ip-disassociated).
const extNetId = () =>
  normalizeNetworks(readLabCapture('floating-ip-disassociated', 'openstack_network_show_ext-net.txt'))[0]?.id

describe('normalizeFloatingIps', () => {
  it('reads an associated floating IP: its port, fixed IP, router and status', () => {
    const port = normalizePort(readLabCapture('l3-agent-down', 'openstack_port_show_vm-web-1.txt'))
    const router = normalizeRouters(readLabCapture('l3-agent-down', 'openstack_router_show_r-web.txt'))[0]
    const [fip] = normalizeFloatingIps(readLabCapture('l3-agent-down', 'openstack_floating_ip_list.txt'))
    expect(fip).toEqual({
      id: expect.any(String),
      floatingIp: expect.stringMatching(/^198\.18\.20\.\d+$/),
      fixedIp: port.fixedIps[0]?.ip,
      portId: port.id,
      status: 'ACTIVE',
      routerId: router?.id,
      networkId: extNetId(),
      projectId: expect.any(String),
    })
  })

  it('reads a floating IP detached from its port: no port, no fixed IP, DOWN', () => {
    const fips = normalizeFloatingIps(readLabCapture('floating-ip-disassociated', 'openstack_floating_ip_list.txt'))
    expect(fips).toHaveLength(1)
    expect(fips[0]).toMatchObject({portId: null, fixedIp: null, status: 'DOWN', networkId: extNetId()})
  })

  it('reads the table spelling (None for no port) the same as JSON', () => {
    for (const fault of ['floating-ip-disassociated', 'l3-agent-down']) {
      expect(normalizeFloatingIps(readLabCapture(fault, 'openstack_floating_ip_list_table.txt'))).toEqual(
        normalizeFloatingIps(readLabCapture(fault, 'openstack_floating_ip_list.txt')),
      )
    }
  })

  it('throws ParseError on an error message', () => {
    expect(() => normalizeFloatingIps('Missing value auth-url required for auth plugin password')).toThrow(
      ParseError,
    )
  })
})
