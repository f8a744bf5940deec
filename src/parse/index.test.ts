import {describe, expect, it} from 'vitest'

import {PARSERS, ParseError, isParserName} from './index.js'
import {readCapture, readFixture, readLabCapture, readWrappedCapture} from './test-helpers.js'

// One real input per parser: what the registry name is for, as gathered.
const SAMPLES: Record<keyof typeof PARSERS, () => string> = {
  'openstack-server': () => readCapture('port_binding_failed/openstack_server_show_json.txt').body,
  'openstack-server-list': () => readCapture('table/server-list-long.txt').body,
  // no port show capture exists: a show table of another resource exercises the table path, fields absent -> null
  'openstack-port': () => readCapture('table/server-show-healthy.txt').body,
  'openstack-port-list': () => readCapture('healthy/openstack_port_list.txt').body,
  'openstack-security-group-rules': () => readCapture('healthy/openstack_security_group_rule_list.txt').body,
  'openstack-floating-ips': () => readLabCapture('l3-agent-down', 'openstack_floating_ip_list_table.txt'),
  'openstack-network-agents': () => readCapture('table/network-agent-list-ovs-agent-down.txt').body,
  'openstack-networks': () => readLabCapture('floating-ip-disassociated', 'openstack_network_show_ext-net.txt'),
  'openstack-routers': () => readLabCapture('floating-ip-disassociated', 'openstack_router_show_r-web_table.txt'),
  'openstack-compute-services': () =>
    readCapture('compute_down/openstack_compute_service_list_one_down.txt').body,
  'openstack-volume-services': () => readCapture('cinder_volume_down/openstack_volume_service_list.txt').body,
  'openstack-hypervisors': () => readCapture('healthy/openstack_hypervisor_list.txt').body,
  'openstack-volume': () => readCapture('scenarios/cinder_volume_down/openstack_volume_show_vol-no-backend.txt').body,
  'openstack-volume-messages': () => readCapture('scenarios/cinder_volume_down/cinder_messages_list.txt').body,
  'openstack-raw': () => readCapture('table/command-list-common.txt').body,
  'console-log': () =>
    'checking http://169.254.169.254/2009-04-04/instance-id\nfailed 1/20: up 1.13. request failed\n',
  'ovs-vsctl-show': () => readCapture('healthy/compute-0.ovs-vsctl_show.txt').body,
  'ovs-vsctl-list': () => readFixture('host/ovs/list-interface.json'),
  'ovs-ofctl-flows': () => readCapture('healthy/compute-0.ovs-ofctl_dump-flows_br-int.txt').body,
  'oslo-log': () => readFixture('reference/compute_down/logs/controller-0.nova-conductor.log.txt'),
  'journal-short-iso': () => readCapture('journal/ssh_compute-1_journalctl_u_nova-compute_since.txt').body,
  'journal-json': () => readCapture('journal/ssh_controller-0_journalctl_u_nova-scheduler_json.txt').body,
  loadavg: () => readFixture('host/loadavg.1.txt'),
  'proc-stat': () => readFixture('host/stat.1.txt'),
  meminfo: () => readFixture('host/meminfo.1.txt'),
  diskstats: () => readFixture('host/diskstats.1.txt'),
  'net-dev': () => readFixture('host/net-dev.1.txt'),
  pressure: () => readFixture('host/pressure-io.1.txt'),
  'mysql-status': () => readFixture('lab/db-max-connections/db-1.mysqladmin_extended-status.txt'),
  'ss-listen': () => readFixture('lab/db-max-connections/db-1.ss_-Hltn.txt'),
  'haproxy-log': () => readFixture('lab/db-haproxy-backend-down/controller-0.log_haproxy.log.txt'),
  'db-client-errors': () => readFixture('lab/db-max-connections/controller-0.log_placement-galera.log.txt'),
  'openstack-api-error': () => readFixture('control-plane/placement_down.openstack_resource_provider_list.txt'),
  'rabbitmq-queues': () => readWrappedCapture('control-plane/lab-healthy.rabbitmqctl_list_queues.txt').body,
  lines: () => 'a\r\nb\n',
  text: () => 'as is\n',
}

/** Fails on undefined, Dates, Maps, class instances, NaN: anything JSON would not carry through. */
function expectPlainJson(value: unknown): void {
  expect(JSON.parse(JSON.stringify(value))).toStrictEqual(value)
  const walk = (v: unknown): void => {
    if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true)
    if (v !== null && typeof v === 'object') {
      expect([Object.prototype, Array.prototype]).toContain(Object.getPrototypeOf(v))
      Object.values(v).forEach(walk)
    }
  }
  walk(value)
}

describe('PARSERS', () => {
  it('holds exactly the parser names the playbooks use', () => {
    expect(Object.keys(PARSERS).sort()).toEqual(Object.keys(SAMPLES).sort())
  })

  it.each(Object.keys(SAMPLES) as Array<keyof typeof PARSERS>)(
    '%s turns real input into plain JSON',
    (name) => {
      expectPlainJson(PARSERS[name](SAMPLES[name]()))
    },
  )

  it('splits lines without the trailing empty one and keeps text as is', () => {
    expect(PARSERS.lines('a\r\nb\n')).toEqual({lines: ['a', 'b']})
    expect(PARSERS.text('x\n')).toEqual({text: 'x\n'})
  })

  it('lets callers tell parse failures apart by type', () => {
    expect(() =>
      PARSERS['openstack-server']('Missing value auth-url required for auth plugin password'),
    ).toThrow(ParseError)
  })
})

describe('isParserName', () => {
  it('accepts registry names only, not inherited object keys', () => {
    expect(isParserName('ovs-vsctl-show')).toBe(true)
    expect(isParserName('toString')).toBe(false)
    expect(isParserName('ovs-vsctl')).toBe(false)
  })
})
