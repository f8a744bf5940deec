import {describe, expect, it} from 'vitest'

import {sosVariants, withoutFormatOptions} from './command-variants.js'

describe('sosVariants', () => {
  it('also looks for ovs-vsctl with the 5 second timeout sos adds', () => {
    expect(sosVariants(['ovs-vsctl', 'show'])).toEqual([
      ['ovs-vsctl', 'show'],
      ['ovs-vsctl', '-t', '5', 'show'],
    ])
  })

  it('drops JSON formatting and adds --all-projects for openstack server list', () => {
    expect(sosVariants(['openstack', 'server', 'list', '-f', 'json'])).toEqual([
      ['openstack', 'server', 'list', '-f', 'json'],
      ['openstack', 'server', 'list'],
      ['openstack', 'server', 'list', '--all-projects'],
    ])
  })

  it('leaves other commands alone apart from a leading /usr/bin/', () => {
    expect(sosVariants(['/usr/bin/ip', '-o', 'addr'])).toEqual([['ip', '-o', 'addr']])
  })
})

describe('withoutFormatOptions', () => {
  it('removes every output-shaping option the openstack client accepts', () => {
    expect(
      withoutFormatOptions([
        'openstack',
        'network',
        'agent',
        'list',
        '--format=json',
        '-c',
        'Host',
        '-c',
        'Alive',
        '--noindent',
      ]),
    ).toEqual(['openstack', 'network', 'agent', 'list'])
    expect(withoutFormatOptions(['openstack', 'server', 'show', '-fjson', 'vm-1'])).toEqual([
      'openstack',
      'server',
      'show',
      'vm-1',
    ])
  })
})
