import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {parseOpenstackOutput} from '../../parse/openstack-output.js'
import {findServer, keepTableRows, portRowsOfServer} from './api-derivations.js'

// Real sos 4.0 outputs from the lab's controller: __fixtures__/sos-4.0-lab-controller/README.md.
const DIR = join(import.meta.dirname, '__fixtures__/sos-4.0-lab-controller')
const read = (name: string): string => readFileSync(join(DIR, name), 'utf8')
const SERVER_LIST = read('nova_list_--all-tenants')
const PORT_LIST = read('openstack_port_list')
const NETWORK_LIST = read('openstack_network_list')
const VM_WEB_1 = '069c4f47-773a-407f-88c0-5922fe02e8e2'

describe('findServer', () => {
  it('finds vm-web-1 by name in the nova list sos 4.0 saved, past the client deprecation warning', () => {
    const found = findServer(SERVER_LIST, 'vm-web-1')
    expect(found).toMatchObject({
      ok: true,
      value: {id: VM_WEB_1, networks: [{network: 'private', ip: '198.18.10.112'}]},
    })
  })

  it('finds it by ID too, and says plainly when a name is not in the list', () => {
    expect(findServer(SERVER_LIST, VM_WEB_1)).toMatchObject({ok: true, value: {name: 'vm-web-1'}})
    expect(findServer(SERVER_LIST, 'vm-db-9')).toEqual({
      ok: false,
      reason: 'no server named vm-db-9 in the server list sos saved',
    })
  })
})

describe('portRowsOfServer', () => {
  it("keeps only the port row holding the server's address on its network's subnet, verbatim", () => {
    const server = findServer(SERVER_LIST, 'vm-web-1')
    if (!server.ok) throw new Error(server.reason)
    const derived = portRowsOfServer(PORT_LIST, NETWORK_LIST, server.value)
    if (!derived.ok) throw new Error(derived.reason)
    expect(derived.value.ports).toBe(1)
    const rows = parseOpenstackOutput(derived.value.text)
    expect(rows).toEqual([
      {
        ID: '15c8fb24-53c5-4b6b-9e63-dad777f94383',
        Name: '',
        'MAC Address': 'fa:16:3e:ef:10:f5',
        'Fixed IP Addresses': "ip_address='198.18.10.112', subnet_id='7e4bb688-bfb8-48f4-bf3d-72b79f33df59'",
        Status: 'ACTIVE',
      },
    ])
    // Every line given back is a line sos wrote.
    for (const line of derived.value.text.split('\n').filter(Boolean))
      expect(PORT_LIST.split('\n')).toContain(line)
  })

  it('refuses when no port holds the address, or the network name is not one sos listed', () => {
    expect(
      portRowsOfServer(PORT_LIST, NETWORK_LIST, {
        id: 'x',
        networks: [{network: 'private', ip: '198.18.10.99'}],
      }),
    ).toEqual({
      ok: false,
      reason: "no port in sos's port list holds 198.18.10.99 on a subnet of network private",
    })
    expect(
      portRowsOfServer(PORT_LIST, NETWORK_LIST, {
        id: 'x',
        networks: [{network: 'public', ip: '198.18.10.112'}],
      }),
    ).toMatchObject({ok: false})
  })
})

describe('portRowsOfServer with a floating IP', () => {
  // Real sos 4.0 outputs with vm-web-1's floating IP: __fixtures__/sos-4.0-lab-controller-fip/README.md.
  const FIP = join(import.meta.dirname, '__fixtures__/sos-4.0-lab-controller-fip')
  const fip = (name: string): string => readFileSync(join(FIP, name), 'utf8')

  it("skips the floating IP nova lists among the network's addresses and keeps the fixed address's port", () => {
    const server = findServer(fip('nova_list_--all-tenants'), 'vm-web-1')
    if (!server.ok) throw new Error(server.reason)
    expect(server.value.networks).toEqual([
      {network: 'private', ip: '198.18.10.51'},
      {network: 'private', ip: '198.18.20.12'},
    ])
    const derived = portRowsOfServer(fip('openstack_port_list'), fip('openstack_network_list'), server.value)
    if (!derived.ok) throw new Error(derived.reason)
    expect(derived.value.ports).toBe(1)
    expect(derived.value.text).toContain("ip_address='198.18.10.51'")
  })

  it('still refuses an address alone on its network that no port holds', () => {
    expect(
      portRowsOfServer(fip('openstack_port_list'), fip('openstack_network_list'), {
        id: 'x',
        networks: [{network: 'private', ip: '198.18.20.99'}],
      }),
    ).toEqual({ok: false, reason: "no port in sos's port list holds 198.18.20.99 on a subnet of network private"})
  })
})

describe('keepTableRows', () => {
  it('gives back an empty answer, as the client prints an empty list, when no row is kept', () => {
    expect(keepTableRows(PORT_LIST, () => false)).toBe('')
  })

  it('is null for text that is not a table', () => {
    expect(keepTableRows('No Network found for private\n', () => true)).toBeNull()
  })
})
