import {describe, expect, it} from 'vitest'

import {normalizeServer, normalizeServerList} from './openstack-server.js'
import {ParseError} from './parse-error.js'
import {readCapture} from './test-helpers.js'

describe('normalizeServer', () => {
  it('reads a healthy ACTIVE server from `server show -f json`', () => {
    const s = normalizeServer(readCapture('healthy/openstack_server_show_vm-healthy-1.txt').body)
    expect(s).toEqual({
      id: 'afa33bac-770e-4626-8b94-04c1e712bd3a',
      name: 'vm-healthy-1',
      status: 'ACTIVE',
      host: 'compute-0',
      hypervisorHostname: 'compute-0',
      instanceName: 'instance-00000001',
      powerState: 'Running',
      vmState: 'active',
      taskState: null,
      addresses: [{network: 'private', ip: '10.10.0.150'}],
      securityGroups: ['default'],
      keyName: null,
      flavor: 'm1.tiny (c34a9ab7-74f4-4246-8976-a6d0cc26b59d)',
      image: 'cirros-fake (a5fd1be0-d2bb-4181-b4d7-6d168693e78f)',
      fault: null,
      created: '2026-11-22T03:42:28Z',
      updated: '2026-11-22T03:42:31Z',
      projectId: 'c6fd51d6c6eb444b8b8250d79c3cfc0e',
    })
  })

  it('gives the same record from the table form of the same server', () => {
    const fromJson = normalizeServer(readCapture('healthy/openstack_server_show_vm-healthy-1.txt').body)
    expect(normalizeServer(readCapture('table/server-show-healthy.txt').body)).toEqual(fromJson)
  })

  it('keeps the fault of a server that failed to build, with no host and NOSTATE', () => {
    const s = normalizeServer(readCapture('port_binding_failed/openstack_server_show_json.txt').body)
    expect(s.status).toBe('ERROR')
    expect(s.host).toBeNull()
    expect(s.powerState).toBe('NOSTATE')
    expect(s.addresses).toEqual([])
    expect(s.securityGroups).toBeNull()
    expect(s.fault?.code).toBe(500)
    expect(s.fault?.message).toMatch(/^Exceeded maximum number of retries/)
    expect(s.fault?.details).toMatch(/^Traceback[\s\S]*nova.exception.MaxRetriesExceeded: Exceeded/)
  })

  it('reads the fault out of the Python repr the table format prints', () => {
    const fromJson = normalizeServer(readCapture('port_binding_failed/openstack_server_show_json.txt').body)
    const fromTable = normalizeServer(readCapture('table/server-show-port-binding-failed.txt').body)
    expect(fromTable.fault).toEqual(fromJson.fault)
    expect(fromTable).toEqual(fromJson)
  })

  it('reads a NoValidHost fault', () => {
    const s = normalizeServer(readCapture('compute_down/openstack_server_show_vm-novalidhost.txt').body)
    expect(s.fault?.message).toBe('No valid host was found. There are not enough hosts available.')
  })

  it('throws ParseError when nova answered with an error instead of a server', () => {
    expect(() => normalizeServer(readCapture('neutron_absent/openstack_server_show.txt').body)).toThrow(
      ParseError,
    )
    expect(() => normalizeServer('[]')).toThrow(/expected one object/)
  })

  it('names power states from numbers and keeps unknown codes as written', () => {
    expect(normalizeServer({'OS-EXT-STS:power_state': 4}).powerState).toBe('Shutdown')
    expect(normalizeServer({'OS-EXT-STS:power_state': 'Paused'}).powerState).toBe('Paused')
    expect(normalizeServer({'OS-EXT-STS:power_state': 9}).powerState).toBe('9')
    expect(normalizeServer({}).powerState).toBeNull()
  })
})

describe('normalizeServerList', () => {
  it('reads `server list --long -f json` with host and networks', () => {
    expect(normalizeServerList(readCapture('healthy/openstack_server_list.txt').body)).toEqual([
      {
        id: 'afa33bac-770e-4626-8b94-04c1e712bd3a',
        name: 'vm-healthy-1',
        status: 'ACTIVE',
        host: 'compute-0',
        networks: [{network: 'private', ip: '10.10.0.150'}],
      },
    ])
  })

  it('reads the same list from its table form', () => {
    expect(normalizeServerList(readCapture('table/server-list-long.txt').body)).toEqual(
      normalizeServerList(readCapture('healthy/openstack_server_list.txt').body),
    )
  })

  it('reads several networks and addresses from the table cell format and nulls a missing Host column', () => {
    const [row] = normalizeServerList([
      {ID: 'x', Name: 'a', Status: 'ACTIVE', Networks: 'private=10.0.0.5, fd00::5; public=172.24.4.9'},
    ])
    expect(row?.host).toBeNull()
    expect(row?.networks).toEqual([
      {network: 'private', ip: '10.0.0.5'},
      {network: 'private', ip: 'fd00::5'},
      {network: 'public', ip: '172.24.4.9'},
    ])
  })

  it('returns no servers for empty output', () => {
    expect(normalizeServerList('')).toEqual([])
  })
})
