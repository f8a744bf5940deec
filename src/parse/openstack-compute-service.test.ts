import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {normalizeComputeServices, normalizeVolumeServices} from './openstack-compute-service.js'
import {parseOpenstackOutput} from './openstack-output.js'
import {readCapture} from './test-helpers.js'

describe('normalizeComputeServices', () => {
  it('reads the healthy lab: four nova services, all enabled and up', () => {
    const services = normalizeComputeServices(readCapture('healthy/openstack_compute_service_list.txt').body)
    expect(services.map((s) => `${s.binary}@${s.host}:${s.status}/${s.state}`)).toEqual([
      'nova-scheduler@controller-0:enabled/up',
      'nova-conductor@controller-0:enabled/up',
      'nova-compute@compute-0:enabled/up',
      'nova-compute@compute-1:enabled/up',
    ])
    expect(services[2]).toEqual({
      id: '09ca97c2-e0a9-43a4-b87c-38818bcdd240',
      binary: 'nova-compute',
      host: 'compute-0',
      zone: 'nova',
      status: 'enabled',
      state: 'up',
      updatedAt: '2026-11-22T03:43:04.000000',
    })
  })

  it('finds nova-compute down on compute-0 after it was stopped', () => {
    const down = normalizeComputeServices(
      readCapture('compute_down/openstack_compute_service_list_one_down.txt').body,
    ).filter((s) => s.state === 'down')
    expect(down.map((s) => s.host)).toEqual(['compute-0'])
  })
})

describe('normalizeVolumeServices', () => {
  it('reads cinder services, which have no ID column', () => {
    const services = normalizeVolumeServices(readCapture('healthy/openstack_volume_service_list.txt').body)
    expect(services[0]).toEqual({
      id: null,
      binary: 'cinder-volume',
      host: 'controller-0@fake',
      zone: 'nova',
      status: 'enabled',
      state: 'up',
      updatedAt: '2026-11-22T03:43:04.000000',
    })
  })

  it('finds cinder-volume down after it was stopped', () => {
    const services = normalizeVolumeServices(
      readCapture('cinder_volume_down/openstack_volume_service_list.txt').body,
    )
    expect(services.find((s) => s.binary === 'cinder-volume')?.state).toBe('down')
  })
})

describe("nova's own service-list table (what Debian's sos 4.0 saves)", () => {
  it('reads Id and Updated_at as the openstack client would name them', () => {
    const text = readFileSync(
      'src/sources/sosreport/__fixtures__/sos-4.0-lab-controller/nova_service-list',
      'utf8',
    )
    const services = normalizeComputeServices(parseOpenstackOutput(text))
    expect(services.find((s) => s.binary === 'nova-conductor')).toMatchObject({
      id: '5a576b82-9a3a-41b4-90ba-ce73797e40ff',
      host: 'controller-0',
      state: 'up',
      updatedAt: '2026-11-22T06:29:10.000000',
    })
  })
})
