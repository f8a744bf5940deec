import {describe, expect, it} from 'vitest'

import {checkArgv, checkPlaybookCommand, checkReadablePath} from './read-only.js'

/** Read-only commands an operator runs while troubleshooting; every one must pass. */
const READS: string[][] = [
  ['openstack', 'server', 'show', 'web-1', '-f', 'json'],
  ['openstack', 'server', 'list', '--all-projects', '--long', '-f', 'json'],
  ['openstack', 'security', 'group', 'rule', 'list', '--long', '-f', 'json'],
  ['openstack', 'console', 'log', 'show', '--lines', '300', 'abc'],
  ['openstack', 'port', 'list', '--host', 'compute-0', '-f', 'json'],
  ['openstack', 'server', 'event', 'list', 'abc'],
  ['ovs-vsctl', 'show'],
  ['ovs-vsctl', '-t', '5', 'list', 'Interface'],
  ['ovs-ofctl', 'dump-flows', 'br-int'],
  ['ovs-ofctl', '-O', 'OpenFlow13', 'dump-ports-desc', 'br-int'],
  ['ovs-appctl', 'dpif/show'],
  ['ovs-appctl', 'ofproto/trace', 'br-int', 'in_port=1'],
  ['journalctl', '-u', 'nova-compute', '--since', '-1h', '-o', 'short-iso', '--no-pager'],
  ['cat', '/proc/loadavg'],
  ['tail', '-n', '3000', '/var/log/nova/nova-compute.log'],
  ['grep', '-E', 'ERROR|CRITICAL', '/var/log/nova/nova-compute.log'],
  ['ip', '-s', 'link', 'show'],
  ['ip', 'netns', 'exec', 'qdhcp-1', 'ip', 'addr'],
  ['mysql', '-e', 'SHOW GLOBAL STATUS LIKE "wsrep%"'],
  ['rabbitmqctl', 'list_queues', 'name', 'messages', 'consumers'],
  ['rabbitmqctl', 'cluster_status'],
  ['systemctl', 'status', 'nova-compute'],
  ['virsh', 'dumpxml', 'instance-00000001'],
  ['ping', '-c', '3', '127.0.0.1'],
  ['nova-manage', 'cell_v2', 'list_hosts'],
  ['ss', '-tanp'],
  ['df', '-h'],
]

/** Commands that change something, hang, or smuggle shell syntax; every one must be refused. */
const MUTATIONS: string[][] = [
  ['openstack', 'server', 'delete', 'web-1'],
  ['openstack', 'server', 'reboot', 'web-1'],
  ['openstack', 'server', 'stop', 'web-1'],
  ['openstack', 'server', 'set', '--state', 'active', 'web-1'],
  ['openstack', 'server', 'migrate', 'web-1'],
  ['openstack', 'port', 'set', '--admin-state-up', 'p'],
  ['openstack', 'port', 'delete', 'p'],
  ['openstack', 'security', 'group', 'rule', 'create', '--dst-port', '22', 'default'],
  ['openstack', 'floating', 'ip', 'set', '--port', 'p', '1.2.3.4'],
  ['openstack', 'network', 'agent', 'set', '--disable', 'a'],
  ['openstack', 'compute', 'service', 'set', '--disable', 'h', 'nova-compute'],
  ['openstack', 'volume', 'delete', 'v'],
  ['openstack', 'token', 'issue'],
  ['openstack', 'server', 'evacuate', 'web-1'],
  ['ovs-vsctl', 'del-br', 'br-int'],
  ['ovs-vsctl', 'add-port', 'br-int', 'tap1'],
  ['ovs-vsctl', 'set', 'Port', 'tap1', 'tag=1'],
  ['ovs-vsctl', 'show', '--', 'del-br', 'br-int'],
  ['ovs-vsctl', 'emer-reset'],
  ['ovs-ofctl', 'del-flows', 'br-int'],
  ['ovs-ofctl', 'add-flow', 'br-int', 'actions=drop'],
  ['ovs-ofctl', 'mod-port', 'br-int', 'tap1', 'down'],
  ['ovs-appctl', 'exit'],
  ['ovs-appctl', 'vlog/set', 'dbg'],
  ['ovs-appctl', 'fdb/flush'],
  ['journalctl', '--vacuum-size=1M'],
  ['journalctl', '--rotate'],
  ['journalctl', '-f'],
  ['tail', '-f', '/var/log/syslog'],
  ['cat', '/etc/shadow'],
  ['cat', '/root/.ssh/id_rsa'],
  ['cat', '/var/log/../../etc/shadow'],
  ['rm', '-rf', '/'],
  ['reboot'],
  ['shutdown', '-h', 'now'],
  ['systemctl', 'restart', 'nova-compute'],
  ['systemctl', 'stop', 'neutron-openvswitch-agent'],
  ['service', 'nova-compute', 'restart'],
  ['kill', '-9', '1'],
  ['mysql', '-e', 'UPDATE instances SET vm_state="active"'],
  ['mysql', '-e', 'SHOW STATUS; DROP DATABASE nova'],
  ['mysql', '-e', 'DELETE FROM services'],
  ['mysql', '--init-command=DROP DATABASE nova', '-e', 'SHOW STATUS'],
  ['rabbitmqctl', 'stop_app'],
  ['rabbitmqctl', 'reset'],
  ['rabbitmqctl', 'eval', 'halt().'],
  ['rabbitmqctl', 'delete_queue', 'q'],
  ['ip', 'link', 'set', 'eth0', 'down'],
  ['ip', 'addr', 'add', '10.0.0.1/24', 'dev', 'eth0'],
  ['ip', 'netns', 'delete', 'qdhcp-1'],
  ['ip', 'netns', 'exec', 'qdhcp-1', 'reboot'],
  ['ip', 'route', 'del', 'default'],
  ['virsh', 'destroy', 'instance-00000001'],
  ['virsh', 'undefine', 'instance-00000001'],
  ['nova-manage', 'cell_v2', 'discover_hosts'],
  ['nova-manage', 'db', 'sync'],
  ['dmesg', '-C'],
  ['ethtool', '-s', 'eth0', 'speed', '100'],
  ['hostname', 'evil'],
  ['date', '-s', '2020-01-01'],
  ['ping', '-f', '127.0.0.1'],
  ['bash', '-c', 'cat /proc/loadavg'],
  ['sh', '-c', 'reboot'],
  ['python3', '-c', 'import os'],
  ['/tmp/evil', 'show'],
]

/** Literal shell syntax in a playbook's command: refused at load even where it would be quoted. */
const SHELL_SMUGGLING: string[][] = [
  ['cat', '/proc/loadavg', ';', 'reboot'],
  ['cat', '/proc/loadavg', '&&', 'reboot'],
  ['cat', '/proc/loadavg', '>', '/etc/passwd'],
  ['cat', '$(reboot)'],
  ['cat', '`reboot`'],
  ['openstack', 'server', 'show', 'x|reboot'],
]

describe('the read-only guard', () => {
  it.each(READS.map((argv) => [argv.join(' '), argv]))('allows %s', (_name, argv) => {
    expect(checkArgv(argv)).toEqual({ok: true})
  })

  it.each(MUTATIONS.map((argv) => [argv.join(' '), argv]))('refuses %s', (_name, argv) => {
    expect(checkArgv(argv).ok).toBe(false)
  })

  it.each(SHELL_SMUGGLING.map((argv) => [argv.join(' '), argv]))('refuses shell syntax in a playbook command: %s', (_n, argv) => {
    expect(checkPlaybookCommand(argv).ok).toBe(false)
  })

  it('treats template slots as quoted data, not syntax', () => {
    expect(checkPlaybookCommand(['openstack', 'server', 'show', '{{ $target }}', '-f', 'json'])).toEqual({ok: true})
  })

  it('explains why it refused', () => {
    const verdict = checkArgv(['ovs-ofctl', 'del-flows', 'br-int'])
    expect(verdict).toEqual({ok: false, reason: 'ovs-ofctl del-flows is not a read verb'})
  })

  it('reads logs and /proc but not key material', () => {
    expect(checkReadablePath('/var/log/neutron/neutron-openvswitch-agent.log').ok).toBe(true)
    expect(checkReadablePath('/proc/pressure/io').ok).toBe(true)
    expect(checkReadablePath('/etc/ssh/ssh_host_ed25519_key').ok).toBe(false)
    expect(checkReadablePath('relative/path').ok).toBe(false)
  })

  it('has a corpus of at least 50 refused mutating commands', () => {
    expect(MUTATIONS.length + SHELL_SMUGGLING.length).toBeGreaterThanOrEqual(50)
  })
})
