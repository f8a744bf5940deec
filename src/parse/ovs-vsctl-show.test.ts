import {describe, expect, it} from 'vitest'

import {parseOvsVsctlShow} from './ovs-vsctl-show.js'
import {readCapture, readFixture} from './test-helpers.js'

/** fixtures/host/ovs/ files use the same `$ command` / `[exit status]` wrapper as the lab captures. */
function hostCapture(name: string): string {
  return readFixture(`host/ovs/${name}`).split('\n').slice(1, -2).join('\n')
}

describe('parseOvsVsctlShow', () => {
  it('reads a neutron compute node: manager, br-int with its tagged VM tap, br-tun with a vxlan tunnel', () => {
    const show = parseOvsVsctlShow(readCapture('healthy/compute-0.ovs-vsctl_show.txt').body)
    expect(show.uuid).toBe('4c9ff7ad-3e39-44cf-b983-d25fd4ca0513')
    expect(show.managers).toEqual([{target: 'ptcp:6640:127.0.0.1', connected: true}])
    expect(show.bridges.map((b) => b.name)).toEqual(['br-int', 'br-tun'])
    const [brInt, brTun] = show.bridges
    expect(brInt).toMatchObject({
      controllers: [{target: 'tcp:127.0.0.1:6633', connected: true}],
      failMode: 'secure',
      datapathType: 'netdev',
    })
    expect(brInt?.ports[0]).toEqual({
      name: 'tap8bcaf9ac-07',
      tag: 1,
      interfaces: [{name: 'tap8bcaf9ac-07', type: 'internal', options: {}, error: null}],
    })
    expect(brInt?.ports.find((p) => p.name === 'patch-tun')?.interfaces[0]?.options).toEqual({
      peer: 'patch-int',
    })
    expect(brTun?.ports.find((p) => p.name === 'vxlan-7f000001')?.interfaces[0]).toEqual({
      name: 'vxlan-7f000001',
      type: 'vxlan',
      error: null,
      options: {
        df_default: 'true',
        egress_pkt_mark: '0',
        in_key: 'flow',
        local_ip: '127.0.1.11',
        out_key: 'flow',
        remote_ip: '127.0.0.1',
      },
    })
    expect(show.ovsVersion).toBeNull()
  })

  it('reports the interface error OVS prints for a port whose tap device is gone (real OVS 3.1 on the dev machine)', () => {
    const show = parseOvsVsctlShow(hostCapture('ovs-vsctl_show_dead-tap.txt'))
    const bridge = show.bridges.find((b) => b.name === 'br-ctparse')
    const dead = bridge?.ports.find((p) => p.name === 'tapct0dead')
    expect(dead?.tag).toBe(7)
    expect(dead?.interfaces[0]?.error).toBe('could not open network device tapct0dead (No such device)')
    expect(dead?.interfaces[0]?.type).toBe('')
    expect(bridge?.failMode).toBeNull()
    expect(show.managers).toEqual([{target: 'ptcp:6640:127.0.0.1', connected: null}])
  })

  it('reads ovs_version and quoted bridge names', () => {
    const show = parseOvsVsctlShow(
      'x\n    Bridge "br ex"\n        Port "p 1"\n            Interface "p 1"\n    ovs_version: "2.17.9"\n',
    )
    expect(show.bridges[0]?.name).toBe('br ex')
    expect(show.bridges[0]?.ports[0]?.name).toBe('p 1')
    expect(show.ovsVersion).toBe('2.17.9')
  })

  it('gives an empty record for empty output, an error message, or output cut off mid-bridge', () => {
    const empty = {uuid: null, managers: [], bridges: [], ovsVersion: null}
    expect(parseOvsVsctlShow('')).toEqual(empty)
    expect(
      parseOvsVsctlShow(
        'ovs-vsctl: unix:/var/run/openvswitch/db.sock: database connection failed (No such file or directory)\n',
      ),
    ).toEqual(empty)
    const body = readCapture('healthy/compute-0.ovs-vsctl_show.txt').body
    const cut = parseOvsVsctlShow(body.slice(0, body.indexOf('Port br-int')))
    expect(cut.bridges).toHaveLength(1)
    expect(cut.bridges[0]?.ports.map((p) => p.name)).toEqual(['tap8bcaf9ac-07'])
  })
})
