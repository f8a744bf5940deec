import {describe, expect, it} from 'vitest'

import {parseOvsOfctlFlows} from './ovs-ofctl-flows.js'
import {readCapture, readFixture} from './test-helpers.js'

function hostCapture(name: string): string {
  return readFixture(`host/ovs/${name}`).split('\n').slice(1, -2).join('\n')
}

describe('parseOvsOfctlFlows', () => {
  it('reads every flow neutron installed on compute-0 br-int', () => {
    const {flows, error} = parseOvsOfctlFlows(
      readCapture('healthy/compute-0.ovs-ofctl_dump-flows_br-int.txt').body,
    )
    expect(error).toBeNull()
    expect(flows).toHaveLength(77) // grep -c cookie= on the capture
    expect(flows[0]).toEqual({
      cookie: '0xb26d2608d0bcba79',
      table: 0,
      priority: 65535,
      nPackets: 0,
      nBytes: 0,
      durationS: 75.898,
      match: 'dl_vlan=4095',
      matchFields: {dl_vlan: '4095'},
      actions: 'drop',
    })
    expect(flows[1]).toMatchObject({priority: 0, match: '', matchFields: {}, actions: 'resubmit(,59)'})
  })

  it('reads br-tun flows with in_port matches', () => {
    const {flows} = parseOvsOfctlFlows(readCapture('healthy/compute-0.ovs-ofctl_dump-flows_br-tun.txt').body)
    expect(flows[0]).toMatchObject({
      table: 0,
      priority: 1,
      matchFields: {in_port: '1'},
      actions: 'resubmit(,2)',
    })
  })

  it('keeps bare protocol words and CIDRs in the match (real OVS 3.1 on the dev machine)', () => {
    const {flows} = parseOvsOfctlFlows(hostCapture('ovs-ofctl_dump-flows_br-ctparse.txt'))
    expect(flows[0]).toMatchObject({
      priority: 10,
      match: 'ip,nw_src=127.0.0.0/8',
      matchFields: {ip: '', nw_src: '127.0.0.0/8'},
    })
    expect(flows[1]).toMatchObject({priority: 0, actions: 'NORMAL'})
  })

  it('returns the error when ovs-vswitchd is down and br-int cannot be reached', () => {
    expect(
      parseOvsOfctlFlows(readCapture('ovs_vswitchd_down/compute-0.ovs-ofctl_dump-flows_br-int.txt').body),
    ).toEqual({
      flows: [],
      error: 'ovs-ofctl: br-int is not a bridge or a socket',
    })
    expect(parseOvsOfctlFlows(hostCapture('ovs-ofctl_dump-flows_missing-bridge.txt')).error).toBe(
      'ovs-ofctl: br-ctmissing is not a bridge or a socket',
    )
  })

  it('returns no flows and no error for empty output, and drops a flow cut off before its actions', () => {
    expect(parseOvsOfctlFlows('')).toEqual({flows: [], error: null})
    const body = readCapture('healthy/compute-0.ovs-ofctl_dump-flows_br-tun.txt').body
    const cut = body.slice(0, body.lastIndexOf(' actions='))
    const all = parseOvsOfctlFlows(body).flows.length
    expect(parseOvsOfctlFlows(cut).flows).toHaveLength(all - 1)
  })
})
