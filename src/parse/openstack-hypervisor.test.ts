import {describe, expect, it} from 'vitest'

import {normalizeHypervisors} from './openstack-hypervisor.js'
import {readCapture} from './test-helpers.js'

describe('normalizeHypervisors', () => {
  it('reads `hypervisor list -f json`, with numeric IDs given as strings and no status column', () => {
    expect(normalizeHypervisors(readCapture('healthy/openstack_hypervisor_list.txt').body)).toEqual([
      {id: '1', hostname: 'compute-0', type: 'fake', hostIp: '127.0.1.11', state: 'up', status: null},
      {id: '2', hostname: 'compute-1', type: 'fake', hostIp: '127.0.1.12', state: 'up', status: null},
    ])
  })

  it('finds compute-0 down after nova-compute stopped', () => {
    const list = normalizeHypervisors(readCapture('compute_down/openstack_hypervisor_list_one_down.txt').body)
    expect(list.filter((h) => h.state === 'down').map((h) => h.hostname)).toEqual(['compute-0'])
  })
})
