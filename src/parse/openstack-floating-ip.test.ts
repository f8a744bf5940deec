import {describe, expect, it} from 'vitest'

import {normalizeFloatingIps} from './openstack-floating-ip.js'
import {ParseError} from './parse-error.js'

// No floating IP capture exists yet (the lab has no external network). The column names below are
// the headers python-openstackclient 6.0.0 prints, read from the installed
// /usr/lib/python3/dist-packages/openstackclient/network/v2/floating_ip.py (ListFloatingIP:
// 'ID', 'Floating IP Address', 'Fixed IP Address', 'Port', 'Floating Network', 'Project', and with
// --long 'Router', 'Status', ...) and the API field names `floating ip show` prints.
describe('normalizeFloatingIps', () => {
  it('reads `floating ip list --long` columns', () => {
    expect(
      normalizeFloatingIps([
        {
          ID: 'f1',
          'Floating IP Address': '172.24.4.10',
          'Fixed IP Address': '10.10.0.150',
          Port: 'p1',
          'Floating Network': 'n1',
          Project: 'pr',
          Router: 'r1',
          Status: 'ACTIVE',
        },
      ]),
    ).toEqual([
      {
        id: 'f1',
        floatingIp: '172.24.4.10',
        fixedIp: '10.10.0.150',
        portId: 'p1',
        status: 'ACTIVE',
        routerId: 'r1',
      },
    ])
  })

  it('nulls what the short list does not print and what the table prints as None', () => {
    const table = [
      '+----+---------------------+------------------+------+------------------+---------+',
      '| ID | Floating IP Address | Fixed IP Address | Port | Floating Network | Project |',
      '+----+---------------------+------------------+------+------------------+---------+',
      '| f2 | 172.24.4.11         | None             | None | n1               | pr      |',
      '+----+---------------------+------------------+------+------------------+---------+',
    ].join('\n')
    expect(normalizeFloatingIps(table)).toEqual([
      {id: 'f2', floatingIp: '172.24.4.11', fixedIp: null, portId: null, status: null, routerId: null},
    ])
  })

  it('reads `floating ip show` field names as a list of one', () => {
    expect(
      normalizeFloatingIps({
        id: 'f3',
        floating_ip_address: '172.24.4.12',
        fixed_ip_address: null,
        port_id: null,
        status: 'DOWN',
        router_id: null,
      }),
    ).toEqual([
      {id: 'f3', floatingIp: '172.24.4.12', fixedIp: null, portId: null, status: 'DOWN', routerId: null},
    ])
  })

  it('throws ParseError on an error message', () => {
    expect(() => normalizeFloatingIps('Missing value auth-url required for auth plugin password')).toThrow(
      ParseError,
    )
  })
})
