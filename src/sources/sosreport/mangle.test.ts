import {describe, expect, it} from 'vitest'

import {mangleCommand} from './mangle.js'

describe('mangleCommand', () => {
  it('reproduces the examples from sos-layout.md', () => {
    expect(mangleCommand('ovs-appctl dpctl/show -s system@ovs-system')).toBe(
      'ovs-appctl_dpctl.show_-s_system_ovs-system',
    )
    expect(mangleCommand("lsof +M -n -l -c ''")).toBe('lsof_M_-n_-l_-c')
  })

  it('matches file names sos 4.0 really wrote in the fixture report', () => {
    expect(mangleCommand(['ovs-vsctl', '-t', '5', 'show'])).toBe('ovs-vsctl_-t_5_show')
    expect(mangleCommand('ovs-vsctl -t 5 get Open_vSwitch . other_config')).toBe(
      'ovs-vsctl_-t_5_get_Open_vSwitch_._other_config',
    )
    expect(mangleCommand('dumpe2fs -h /dev/vda')).toBe('dumpe2fs_-h_.dev.vda')
    expect(mangleCommand('journalctl --no-pager --unit ovs-vswitchd')).toBe(
      'journalctl_--no-pager_--unit_ovs-vswitchd',
    )
    expect(mangleCommand('ls -laZ /run/openvswitch')).toBe('ls_-laZ_.run.openvswitch')
  })

  it('strips only a leading system bin directory from the program', () => {
    expect(mangleCommand(['/usr/bin/ovs-vsctl', 'show'])).toBe('ovs-vsctl_show')
    expect(mangleCommand(['/sbin/ip', '-o', 'addr'])).toBe('ip_-o_addr')
    expect(mangleCommand(['/opt/bin/tool', 'x'])).toBe('opt.bin.tool_x')
  })

  it('cuts names at 255 characters', () => {
    expect(mangleCommand(['echo', 'a'.repeat(400)])).toHaveLength(255)
  })
})
