import {describe, expect, it} from 'vitest'

import {inferRoles} from './roles.js'

const none = {paths: [], processes: '', haproxyConfig: null}

describe('inferRoles', () => {
  it('sees a compute and network node in the paths of the hotsos openstack test sosreport', () => {
    // Paths as listed in canonical/hotsos tests/unit/fake_data_root/openstack (a charmed compute node with
    // DVR agents, nova-api-metadata and haproxy for metadata; no controller services).
    const paths = [
      'var/log/nova/nova-api-metadata.log',
      'var/log/nova/nova-compute.log',
      'var/log/nova/nova-compute.log.1.gz',
      'var/log/neutron/neutron-l3-agent.log',
      'var/log/neutron/neutron-dhcp-agent.log',
      'var/log/neutron/neutron-openvswitch-agent.log',
      'var/log/haproxy.log',
      'etc/haproxy/haproxy.cfg',
    ]
    expect(inferRoles({...none, paths})).toEqual(['compute', 'network'])
  })

  it('recognises a controller from nova-conductor, keystone or neutron-server', () => {
    expect(inferRoles({...none, paths: ['var/log/nova/nova-conductor.log']})).toEqual(['controller'])
    expect(inferRoles({...none, paths: ['var/log/keystone/keystone.log']})).toEqual(['controller'])
    expect(inferRoles({...none, paths: ['var/log/containers/neutron/server.log']})).toEqual(['controller'])
  })

  it('reads the process list when logs were not collected', () => {
    const processes = [
      'root  101  0.1  1.0 python3 /usr/bin/cinder-volume --config-file /etc/cinder/cinder.conf',
      'rabbitmq 202 2.0 3.0 /usr/lib/erlang/erts-12/bin/beam.smp -- -root /usr/lib/erlang -- -s rabbit boot',
      'mysql 303 1.0 5.0 /usr/sbin/mariadbd --wsrep-new-cluster',
    ].join('\n')
    expect(inferRoles({...none, processes})).toEqual(['storage', 'database', 'messaging'])
  })

  it('ignores processes of unprivileged containers, which the host sees under mapped uids', () => {
    // Lines from the process listing of the hotsos openstack report: a hypervisor whose LXD containers run
    // MySQL, RabbitMQ and a keystone MySQL router.
    const processes = [
      'nova         984  1.0  0.6 119604 101528 ?       -    Feb09  11:34 /usr/bin/python3 /usr/bin/nova-api-metadata --config-file=/etc/nova/nova.conf',
      '1000997     4118  0.6  0.0 761464 12004 ?        -    Feb09   6:42 /usr/bin/mysqlrouter -c /var/lib/mysql/keystone-mysql-router/mysqlrouter.conf',
      '1000114     4586  4.8  1.1 2279728 181496 ?      -    Feb09  51:40 /usr/lib/erlang/erts-10.6.4/bin/beam.smp -W w -A 64 -- -s rabbit boot',
      '1000113     4616  3.1 11.4 5151276 1873100 ?     -    Feb09  33:32 /usr/sbin/mysqld',
    ].join('\n')
    expect(inferRoles({...none, processes})).toEqual([])
  })

  it('does not call a node a load balancer for the stock haproxy.cfg, only for one with a frontend', () => {
    const stock = 'global\n\tlog /dev/log local0\ndefaults\n\tmode http\n'
    expect(inferRoles({...none, haproxyConfig: stock})).toEqual([])
    expect(inferRoles({...none, haproxyConfig: `${stock}frontend nova_api\n\tbind 10.0.0.5:8774\n`})).toEqual(
      ['loadbalancer'],
    )
  })

  it('finds nothing in a report without OpenStack services', () => {
    expect(
      inferRoles({...none, paths: ['var/log/openvswitch/ovsdb-server.log', 'sos_commands/host/hostname']}),
    ).toEqual([])
  })
})
