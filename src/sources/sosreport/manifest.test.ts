import {describe, expect, it} from 'vitest'

import {labelOf, logSizeOf} from './manifest.js'
import {hostFromReportName, skippedForSize} from './sos-report.js'

describe('the sos label and the host in a report name', () => {
  // Command lines and names as sos 4.0 wrote them for the lab (fixtures/lab/*/sos, __fixtures__ README).
  it('reads --label from the command line manifest.json records', () => {
    expect(
      labelOf(
        'report --batch --quiet --tmp-dir /var/tmp/ct-sos-probe --label probe --log-size 1 -o openstack_nova',
      ),
    ).toBe('probe')
    expect(labelOf('report --batch --quiet')).toBeNull()
  })

  it('takes the label off the report name so a node without the host plugin is still named by its host', () => {
    expect(hostFromReportName('sosreport-controller-0-probe-2026-11-22-fiswdfe', 'probe')).toBe(
      'controller-0',
    )
    expect(hostFromReportName('sosreport-compute-0-sgnossh-2026-11-22-ixllhte', 'sgnossh')).toBe('compute-0')
    expect(hostFromReportName('sosreport-compute-0-sgnossh-2026-11-22-ixllhte', null)).toBe(
      'compute-0-sgnossh',
    )
  })
})

describe('what sos left out for size', () => {
  it('reads --log-size and the logs sos.log says were skipped over it', () => {
    // Lines verbatim from fixtures/lab/dhcp-agent-down/sos/controller-0.tar.xz, sos_logs/sos.log.
    const log = [
      "2026-11-22 06:35:07,749 INFO: [plugin:openstack_neutron] collecting tail of '/var/log/neutron/neutron-openvswitch-agent.log' due to size limit",
      "2026-11-22 06:35:07,761 INFO: [plugin:openstack_neutron] skipping '/var/log/neutron/neutron-server.log' over size limit",
      "2026-11-22 06:35:18,660 INFO: [plugin:openvswitch] skipping '/var/log/openvswitch/ovsdb-server.log' over size limit",
    ].join('\n')
    expect([...skippedForSize(log)]).toEqual([
      ['/var/log/neutron/neutron-server.log', 'openstack_neutron'],
      ['/var/log/openvswitch/ovsdb-server.log', 'openvswitch'],
    ])
    expect(logSizeOf('report --batch --quiet --log-size 1 --plugin-timeout 120')).toBe(1)
    expect(logSizeOf('report --batch')).toBeNull()
  })
})
