import {describe, expect, it} from 'vitest'

import {parseOpenstackOutput, parseOpenstackValue} from './openstack-output.js'
import {ParseError} from './parse-error.js'
import {readCapture} from './test-helpers.js'

describe('parseOpenstackOutput', () => {
  it('reads `server show -f json` from the lab as the object the client printed', () => {
    const out = parseOpenstackOutput(readCapture('healthy/openstack_server_show_vm-healthy-1.txt').body)
    expect(out).toMatchObject({
      'OS-EXT-SRV-ATTR:host': 'compute-0',
      'OS-EXT-STS:power_state': 1,
      status: 'ACTIVE',
    })
  })

  it('reads a `Field | Value` table as one object, with None as null', () => {
    const out = parseOpenstackOutput(readCapture('table/server-show-healthy.txt').body) as Record<
      string,
      unknown
    >
    expect(out['OS-EXT-SRV-ATTR:host']).toBe('compute-0')
    expect(out['OS-EXT-STS:power_state']).toBe('Running')
    expect(out['OS-EXT-STS:task_state']).toBeNull()
    expect(out.addresses).toBe('private=10.10.0.150')
    expect(out.accessIPv4).toBe('')
    expect(Object.keys(out)).toHaveLength(29)
  })

  it('reads a list table into one object per row keyed by column header', () => {
    const rows = parseOpenstackOutput(readCapture('table/network-agent-list-ovs-agent-down.txt').body)
    expect(rows).toHaveLength(4)
    expect(rows).toContainEqual({
      ID: 'c561b2a4-e063-44fd-a606-df74effaba78',
      'Agent Type': 'Open vSwitch agent',
      Host: 'compute-0',
      'Availability Zone': null,
      Alive: 'XXX',
      State: 'UP',
      Binary: 'neutron-openvswitch-agent',
    })
  })

  it('joins multi-line cells whose continuation rows have an empty first column', () => {
    const rows = parseOpenstackOutput(readCapture('table/command-list-common.txt').body) as Array<
      Record<string, string>
    >
    expect(rows).toHaveLength(1)
    expect(rows[0]?.['Command Group']).toBe('openstack.common')
    expect(rows[0]?.Commands?.split('\n')).toEqual([
      'availability zone list',
      'configuration show',
      'extension list',
      'extension show',
      'limits show',
      'project cleanup',
      'project purge',
      'quota list',
      'quota set',
      'quota show',
      'versions show',
    ])
  })

  it('gives the same rows from the table and the JSON form of one capture, cell formatting aside', () => {
    const fromJson = parseOpenstackOutput(readCapture('healthy/openstack_server_list.txt').body) as Array<
      Record<string, unknown>
    >
    const fromTable = parseOpenstackOutput(readCapture('table/server-list-long.txt').body) as Array<
      Record<string, unknown>
    >
    expect(Object.keys(fromTable[0] ?? {})).toEqual(Object.keys(fromJson[0] ?? {}))
    expect(fromTable[0]?.Host).toBe(fromJson[0]?.Host)
  })

  it('throws a ParseError naming what the client said when it printed an error instead', () => {
    const body = readCapture('neutron_absent/openstack_server_show.txt').body
    expect(() => parseOpenstackOutput(body)).toThrow(ParseError)
    expect(() => parseOpenstackOutput(body)).toThrow(/Unexpected API Error/)
    expect(() => parseOpenstackOutput(readCapture('table/server-show-no-cloud.txt').body)).toThrow(
      /Missing value auth-url/,
    )
  })

  it('treats empty output as an empty list, since cliff prints nothing for one', () => {
    expect(parseOpenstackOutput('')).toEqual([])
    expect(parseOpenstackOutput('\n  \n')).toEqual([])
    expect(
      parseOpenstackOutput(readCapture('port_binding_failed/openstack_port_list_server.txt').body),
    ).toEqual([])
  })

  it('rejects truncated JSON and a table cut off mid-row with the line at fault', () => {
    const json = readCapture('healthy/openstack_network_agent_list.txt').body
    expect(() => parseOpenstackOutput(json.slice(0, json.length / 2))).toThrow(/invalid or truncated JSON/)
    const table = readCapture('table/network-agent-list-ovs-agent-down.txt').body
    const cut = table.slice(0, table.indexOf('XXX'))
    try {
      parseOpenstackOutput(cut)
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(ParseError)
      expect((error as ParseError).line).toBe(6)
    }
  })

  it('skips warnings printed before the output', () => {
    const body = readCapture('healthy/openstack_hypervisor_list.txt').body
    expect(parseOpenstackOutput(`WARNING: something is deprecated\n${body}`)).toHaveLength(2)
  })
})

describe('parseOpenstackValue', () => {
  it('maps the Python literals the table prints and keeps everything else as written', () => {
    expect(parseOpenstackValue('None')).toBeNull()
    expect(parseOpenstackValue('True')).toBe(true)
    expect(parseOpenstackValue('False')).toBe(false)
    expect(parseOpenstackValue('1')).toBe('1')
    expect(parseOpenstackValue('none')).toBe('none')
  })
})
