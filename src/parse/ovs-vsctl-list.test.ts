import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {ParseError} from './parse-error.js'
import {parseOvsVsctlList} from './ovs-vsctl-list.js'

const captured = readFileSync('fixtures/host/ovs/list-interface.json', 'utf8')

describe('parseOvsVsctlList', () => {
  it('gives one record per interface keyed by the requested columns', () => {
    const rows = parseOvsVsctlList(captured)
    expect(rows.map((r) => r.name)).toEqual([
      'vxlan-7f00010b',
      'tape92386ac-d7',
      'br-tun',
      'br-int',
      'patch-tun',
      'patch-int',
    ])
    expect(Object.keys(rows[0] ?? {})).toEqual(['name', 'mtu', 'mtu_request', 'external_ids'])
  })

  it('reads an unset column (an empty OVSDB set) as null and a number as a number', () => {
    const tap = parseOvsVsctlList(captured).find((r) => r.name === 'tape92386ac-d7')
    expect(tap?.mtu).toBe(1450)
    expect(tap?.mtu_request).toBeNull()
  })

  it('turns an OVSDB map into an object, so external_ids can be matched on iface-id', () => {
    const tap = parseOvsVsctlList(captured).find((r) => r.name === 'tape92386ac-d7')
    expect(tap?.external_ids).toEqual({
      'attached-mac': 'fa:16:3e:83:93:7c',
      'iface-id': 'e92386ac-d77c-4554-ad0b-0df751e63212',
      'iface-status': 'active',
    })
  })

  it('refuses text that is not ovs-vsctl JSON, saying what it saw', () => {
    expect(() =>
      parseOvsVsctlList(
        'ovs-vsctl: unix:/var/run/openvswitch/db.sock: database connection failed (No such file or directory)',
      ),
    ).toThrow(ParseError)
    expect(() => parseOvsVsctlList('{"rows": []}')).toThrow(/headings/)
  })
})

describe('parseOvsVsctlList on the default text format (what sosreports hold)', () => {
  // The lab's mtu-mismatch capture: `ovs-vsctl --columns=… list Interface` on compute-0, text format.
  const lines = readFileSync(
    'fixtures/lab/mtu-mismatch/compute-0.ovs-vsctl_list_interface.txt',
    'utf8',
  ).split('\n')
  const body = lines
    .slice(
      1,
      lines.findIndex((l) => l.startsWith('[exit status:')),
    )
    .join('\n')

  it('reads the same columns as the JSON format, so one playbook serves both', () => {
    const rows = parseOvsVsctlList(body)
    const vm = rows.find((r) => r.name === 'tap15c8fb24-53')
    expect(vm).toMatchObject({mtu_request: 1500, ofport: expect.any(Number) as number})
    expect(rows.find((r) => r.name === 'tap714ef81d-0e')?.mtu_request).toBe(1450)
    expect(rows.find((r) => r.name === 'patch-int')?.mtu_request).toBeNull()
  })

  it('reads maps with quoted values, commas inside quotes included', () => {
    const vm = parseOvsVsctlList(body).find((r) => r.name === 'tap15c8fb24-53')
    expect(vm?.external_ids).toMatchObject({'attached-mac': 'fa:16:3e:ef:10:f5', 'iface-status': 'active'})
    expect(parseOvsVsctlList('name : x\noptions : {a="1, 2", b=c}\n')[0]?.options).toEqual({
      a: '1, 2',
      b: 'c',
    })
  })
})
