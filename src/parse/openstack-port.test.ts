import {describe, expect, it} from 'vitest'

import {normalizePort, normalizePortList} from './openstack-port.js'
import {readCapture} from './test-helpers.js'

describe('normalizePortList', () => {
  it('reads `port list --long -f json`, nulling the fields a list does not print', () => {
    const ports = normalizePortList(readCapture('healthy/openstack_port_list.txt').body)
    expect(ports).toHaveLength(2)
    expect(ports[1]).toEqual({
      id: '8bcaf9ac-07c8-4eae-8379-9ebd78c6be03',
      name: '',
      status: 'ACTIVE',
      macAddress: 'fa:16:3e:d0:d1:cd',
      fixedIps: [{subnetId: '6707cd73-090d-41e9-9046-4a9843ee810b', ip: '10.10.0.150'}],
      deviceId: null,
      deviceOwner: 'compute:nova',
      networkId: null,
      bindingHost: null,
      bindingVifType: null,
      bindingVnicType: null,
      bindingProfile: null,
      securityGroupIds: null,
      adminStateUp: null,
      mtu: null,
    })
  })

  it('reads the same ports from the table form', () => {
    expect(normalizePortList(readCapture('table/port-list-long.txt').body)).toEqual(
      normalizePortList(readCapture('healthy/openstack_port_list.txt').body),
    )
  })

  it('returns no ports for the empty list of a server whose port was never bound', () => {
    expect(normalizePortList(readCapture('port_binding_failed/openstack_port_list_server.txt').body)).toEqual(
      [],
    )
  })
})

describe('normalizePort', () => {
  // No `port show` capture exists from the lab; these are the API field names python-openstackclient
  // 6.0.0 prints for `port show -f json` (openstackclient/network/v2/port.py _get_columns).
  it('reads a port neutron failed to bind', () => {
    const p = normalizePort({
      id: 'p1',
      name: '',
      status: 'DOWN',
      mac_address: 'fa:16:3e:00:00:01',
      fixed_ips: [{subnet_id: 's1', ip_address: '10.10.0.7'}],
      device_id: 'vm1',
      device_owner: 'compute:nova',
      network_id: 'n1',
      binding_host_id: 'compute-1',
      binding_vif_type: 'binding_failed',
      binding_vnic_type: 'normal',
      binding_profile: {},
      security_group_ids: ['sg1'],
      admin_state_up: true,
      mtu: 1450,
    })
    expect(p).toMatchObject({
      bindingVifType: 'binding_failed',
      bindingHost: 'compute-1',
      adminStateUp: true,
      mtu: 1450,
      securityGroupIds: ['sg1'],
      bindingProfile: {},
      fixedIps: [{subnetId: 's1', ip: '10.10.0.7'}],
    })
  })

  it("reads the table spellings: UP, k='v' dicts and comma lists", () => {
    const p = normalizePort({
      admin_state_up: 'UP',
      binding_profile: "physical_network='physnet1'",
      security_group_ids: 'sg1, sg2',
      mtu: '1500',
    })
    expect(p).toMatchObject({
      adminStateUp: true,
      bindingProfile: {physical_network: 'physnet1'},
      securityGroupIds: ['sg1', 'sg2'],
      mtu: 1500,
    })
  })
})
