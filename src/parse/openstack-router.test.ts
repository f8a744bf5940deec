import {describe, expect, it} from 'vitest'

import {normalizeNetworks} from './openstack-network.js'
import {ParseError} from './parse-error.js'
import {normalizeRouters} from './openstack-router.js'
import {readLabCapture} from './test-helpers.js'

// Real output of the project's lab (fixtures/lab/<fault>/, npm run lab:capture): router r-web with its
// gateway on ext-net (flat, 198.18.20.0/24) and an interface on the tenant subnet of network private.
const FAULT = 'floating-ip-disassociated'
const extNet = () => normalizeNetworks(readLabCapture(FAULT, 'openstack_network_show_ext-net.txt'))[0]
const privateNet = () => normalizeNetworks(readLabCapture(FAULT, 'openstack_network_show_private.txt'))[0]

describe('normalizeRouters', () => {
  it('reads the gateway and the tenant interface of `router show -f json`', () => {
    const [router] = normalizeRouters(readLabCapture(FAULT, 'openstack_router_show_r-web.txt'))
    expect(router).toMatchObject({name: 'r-web', status: 'ACTIVE', adminStateUp: true, gatewayKnown: true})
    expect(router?.externalGateway?.networkId).toBe(extNet()?.id)
    expect(router?.externalGateway?.fixedIps).toEqual([
      {subnetId: extNet()?.subnetIds[0], ip: expect.stringMatching(/^198\.18\.20\.\d+$/)},
    ])
    expect(router?.interfaces).toEqual([
      {portId: expect.any(String), subnetId: privateNet()?.subnetIds[0], ip: '198.18.10.1'},
    ])
  })

  it('reads the table spelling of `router show` (json.dumps text in the cells) the same as JSON', () => {
    expect(normalizeRouters(readLabCapture(FAULT, 'openstack_router_show_r-web_table.txt'))).toEqual(
      normalizeRouters(readLabCapture(FAULT, 'openstack_router_show_r-web.txt')),
    )
  })

  it('reads the gateway from `router list --long`, in JSON and as a table, without interfaces', () => {
    const shown = normalizeRouters(readLabCapture(FAULT, 'openstack_router_show_r-web.txt'))[0]
    const listed = normalizeRouters(readLabCapture(FAULT, 'openstack_router_list.txt'))
    expect(listed).toHaveLength(1)
    expect(listed[0]).toMatchObject({id: shown?.id, externalGateway: shown?.externalGateway, interfaces: null})
    expect(normalizeRouters(readLabCapture(FAULT, 'openstack_router_list_table.txt'))).toEqual(listed)
  })

  it('says the gateway is unknown, not absent, for `router list` without --long (what sos saves)', () => {
    const [router] = normalizeRouters(readLabCapture(FAULT, 'openstack_router_list_short_table.txt'))
    expect(router).toMatchObject({name: 'r-web', externalGateway: null, gatewayKnown: false, interfaces: null})
  })

  it('throws ParseError on an error message', () => {
    expect(() => normalizeRouters('No Router found for r-nope')).toThrow(ParseError)
  })
})
