import {describe, expect, it} from 'vitest'

import {inferRoles} from './roles.js'

const none = {paths: [], processes: '', haproxyConfig: null}

describe('inferRoles', () => {
  it('sees a compute node with DVR agents, not a controller, despite nova-api-metadata and haproxy', () => {
    // Log names as the Ubuntu packages write them (sos-layout.md, openstack_nova / openstack_neutron): a
    // charmed compute node runs nova-api-metadata and neutron's metadata haproxy, neither of which is a role.
    const paths = [
      'var/log/nova/nova-api-metadata.log',
      'var/log/nova/nova-compute.log',
      'var/log/neutron/neutron-l3-agent.log',
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
    // ps shows processes of LXD/podman unprivileged containers with the host-side uid (>= 100000) in the
    // USER column; a hypervisor hosting a MySQL container is not a database node.
    const processes = [
      '1000113     4616  3.1 11.4 5151276 1873100 ?     -    09:00  33:32 /usr/sbin/mysqld',
    ].join('\n')
    expect(inferRoles({...none, processes})).toEqual([])
    expect(inferRoles({...none, processes: processes.replace('1000113', 'mysql  ')})).toEqual(['database'])
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
