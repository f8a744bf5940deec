import {describe, expect, it} from 'vitest'

import {normalizeVolume, normalizeVolumeMessages} from './openstack-volume.js'
import {readCapture} from './test-helpers.js'

describe('normalizeVolume', () => {
  it('reads a volume the scheduler never placed: status error and no backend host', () => {
    const volume = normalizeVolume(
      readCapture('scenarios/cinder_volume_down/openstack_volume_show_vol-no-backend.txt').body,
    )
    expect(volume).toMatchObject({
      id: 'e89fbc9b-98ed-434e-9b8c-7d2989b86c8c',
      name: 'vol-no-backend',
      status: 'error',
      host: null,
      backendNode: null,
      size: 1,
      type: 'fake',
      imageId: null,
    })
  })
})

describe('normalizeVolumeMessages', () => {
  it('keeps the scheduler message and the request id that ties it to the logs', () => {
    const [message] = normalizeVolumeMessages(
      readCapture('scenarios/cinder_volume_down/cinder_messages_list.txt').body,
    )
    expect(message).toEqual({
      id: 'e472b367-4fca-42f1-9846-1c7226abbd93',
      eventId: 'VOLUME_VOLUME_001_003',
      resourceId: 'e89fbc9b-98ed-434e-9b8c-7d2989b86c8c',
      level: 'ERROR',
      message: 'schedule allocate volume:Could not find any available weighted backend.',
      requestId: 'req-0e578172-9526-49b0-803f-4331a02e896c',
      createdAt: '2026-11-22T03:59:17.000000',
    })
  })
})
