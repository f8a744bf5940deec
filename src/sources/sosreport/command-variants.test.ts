import {describe, expect, it} from 'vitest'

import {sosSpellings, sosVariants, withoutFormatOptions} from './command-variants.js'

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
      ['nova', 'list', '--all-tenants'],
    ])
  })

  it('leaves other commands alone apart from a leading /usr/bin/', () => {
    expect(sosVariants(['/usr/bin/ip', '-o', 'addr'])).toEqual([['ip', '-o', 'addr']])
  })
})

describe('sosSpellings', () => {
  it('finds the server list sos 4.0 saved through the nova client, and says which columns it lacks', () => {
    const spellings = sosSpellings(['openstack', 'server', 'list', '--all-projects', '--long', '-f', 'json'])
    expect(spellings.map((s) => s.argv.join(' '))).toEqual([
      'openstack server list --all-projects --long -f json',
      'openstack server list --all-projects --long',
      'openstack server list --all-projects',
      'nova list --all-tenants',
    ])
    expect(spellings[2]?.note).toBe(
      'sos ran it without --long (no Host, Task State, Power State, Availability Zone, Image ID, Flavor ID, Properties columns)',
    )
    expect(spellings[3]?.note).toContain('(no Host)')
  })

  it('maps compute service list to nova service-list, which sos 4.0 ran', () => {
    expect(sosSpellings(['openstack', 'compute', 'service', 'list', '-f', 'json']).at(-1)).toEqual({
      argv: ['nova', 'service-list'],
      note: "sos 4.0 saved `nova service-list` instead: the same services, nova's column names",
    })
  })

  it('never swaps a filtered list for the full one (a filter changes which rows it has)', () => {
    const argvs = sosVariants(['openstack', 'server', 'list', '--host', 'compute-0', '-f', 'json'])
    expect(argvs).not.toContainEqual(['nova', 'list', '--all-tenants'])
    expect(argvs).not.toContainEqual(['openstack', 'server', 'list', '--all-projects'])
  })

  it('drops --long from a floating IP list and notes the Status column is gone', () => {
    expect(sosSpellings(['openstack', 'floating', 'ip', 'list', '--long', '-f', 'json']).at(-1)).toEqual({
      argv: ['openstack', 'floating', 'ip', 'list'],
      note: 'sos ran it without --long (no Router, Status, Description, Tags columns)',
    })
  })
})

describe('rabbitmqctl', () => {
  it('answers rabbitmqctl status from the report sos saved, which opens with the status', () => {
    expect(sosSpellings(['rabbitmqctl', 'status']).map((s) => s.argv)).toEqual([
      ['rabbitmqctl', 'status'],
      ['rabbitmqctl', 'report'],
    ])
    expect(sosVariants(['rabbitmq-diagnostics', '-q', 'alarms'])).toEqual([
      ['rabbitmq-diagnostics', '-q', 'alarms'],
    ])
  })
})

describe('df', () => {
  it('answers df -P and df -Pi from the two df runs of the filesys plugin, saying how they differ', () => {
    expect(sosSpellings(['df', '-P']).at(-1)).toEqual({
      argv: ['df', '-al', '-x', 'autofs'],
      note: 'sos saved `df -al -x autofs`: every mount (pseudo and bind-mounted ones too), headers 1K-blocks and Use%',
    })
    for (const inodes of [
      ['df', '-Pi'],
      ['df', '-P', '-i'],
      ['/usr/bin/df', '--inodes'],
    ]) {
      expect(sosVariants(inodes).at(-1)).toEqual(['df', '-ali', '-x', 'autofs'])
    }
  })

  it('has no stand-in for df options that change the columns or pick a path', () => {
    for (const argv of [
      ['df', '-h'],
      ['df', '-PT'],
      ['df', '-P', '/var/lib/nova'],
    ]) {
      expect(sosVariants(argv)).toEqual([argv])
    }
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

describe('ovs-vsctl list as sos ran it', () => {
  it('looks for the whole table in text format when the playbook asked for JSON and some columns', () => {
    const argvs = sosVariants([
      'ovs-vsctl',
      '--format=json',
      '--columns=name,mtu,mtu_request,external_ids',
      'list',
      'Interface',
    ])
    expect(argvs).toContainEqual(['ovs-vsctl', '-t', '5', 'list', 'interface'])
  })

  it('adds nothing for a plain list, which the -t 5 spelling already covers', () => {
    expect(sosVariants(['ovs-vsctl', 'list', 'Bridge'])).toEqual([
      ['ovs-vsctl', 'list', 'Bridge'],
      ['ovs-vsctl', '-t', '5', 'list', 'Bridge'],
    ])
  })
})
