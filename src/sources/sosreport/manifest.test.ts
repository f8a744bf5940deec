import {describe, expect, it} from 'vitest'

import {labelOf} from './manifest.js'
import {hostFromReportName} from './sos-report.js'

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
