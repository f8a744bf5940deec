import {describe, expect, it} from 'vitest'

import {normalizeNetworks} from './openstack-network.js'
import {ParseError} from './parse-error.js'
import {readLabCapture} from './test-helpers.js'

// Real `openstack network show -f json` of the project's lab (fixtures/lab/<fault>/).
describe('normalizeNetworks', () => {
  it('reads an external flat network (router:external, provider fields)', () => {
    expect(normalizeNetworks(readLabCapture('floating-ip-disassociated', 'openstack_network_show_ext-net.txt'))).toEqual([
      expect.objectContaining({
        name: 'ext-net',
        status: 'ACTIVE',
        external: true,
        networkType: 'flat',
        physicalNetwork: 'external',
        segmentationId: null,
        subnetIds: [expect.any(String)],
      }),
    ])
  })

  it('reads the tenant vxlan network as internal, with its MTU', () => {
    const [net] = normalizeNetworks(readLabCapture('floating-ip-disassociated', 'openstack_network_show_private.txt'))
    expect(net).toMatchObject({name: 'private', external: false, networkType: 'vxlan', mtu: 1450})
    expect(net?.segmentationId).toEqual(expect.any(Number))
  })

  it('reads `network list --long` as a table (Router Type External / Internal, Network Type)', () => {
    const listed = normalizeNetworks(readLabCapture('floating-ip-disassociated', 'openstack_network_list_table.txt'))
    expect(listed.map((n) => [n.name, n.external, n.networkType]).sort()).toEqual([
      ['ext-net', true, 'flat'],
      ['private', false, 'vxlan'],
    ])
  })

  it('throws ParseError on an error message', () => {
    expect(() => normalizeNetworks('Error while executing command: No Network found for nope')).toThrow(ParseError)
  })
})
