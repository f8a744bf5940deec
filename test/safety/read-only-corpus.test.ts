/**
 * The read-only promise as a corpus: every command here changes something, never ends, reads a secret or
 * smuggles shell syntax, and must be refused — at playbook load, by the gatherer, and by the executing
 * sources right before they run. The figures in docs/SAFETY.md are the lengths asserted at the bottom.
 */
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {Gatherer} from '../../src/collect/gather.js'
import {checkArgv, checkPlaybookCommand, refuseUnlessReadOnly} from '../../src/collect/read-only.js'
import {InputError} from '../../src/model/errors.js'
import type {EvidenceRequest} from '../../src/model/evidence.js'
import {parsePlaybook} from '../../src/playbook/load.js'
import {gatherLocally} from '../../src/sources/local/local-exec.js'
import type {EvidenceSource} from '../../src/sources/source.js'

const scratch = mkdtempSync(join(tmpdir(), 'cloudtriage-readonly-'))
const CANARY = join(scratch, 'CANARY')
afterAll(() => rmSync(scratch, {recursive: true, force: true}))

/** Commands that mutate the cloud or a node. Each is a real command an operator could type. */
export const MUTATING: readonly (readonly string[])[] = [
  // openstack: every write verb on the resources the playbooks read
  ['openstack', 'server', 'delete', 'web-1'],
  ['openstack', 'server', 'reboot', '--hard', 'web-1'],
  ['openstack', 'server', 'stop', 'web-1'],
  ['openstack', 'server', 'start', 'web-1'],
  ['openstack', 'server', 'set', '--state', 'active', 'web-1'],
  ['openstack', 'server', 'migrate', '--live-migration', 'web-1'],
  ['openstack', 'server', 'evacuate', 'web-1'],
  ['openstack', 'server', 'rebuild', '--image', 'cirros', 'web-1'],
  ['openstack', 'server', 'ssh', 'list'],
  ['openstack', 'server', 'add', 'security', 'group', 'web-1', 'default'],
  ['openstack', 'port', 'set', '--disable', 'p1'],
  ['openstack', 'port', 'delete', 'p1'],
  ['openstack', 'port', 'create', '--network', 'private', 'p2'],
  ['openstack', 'security', 'group', 'rule', 'create', '--protocol', 'tcp', '--dst-port', '22', 'default'],
  ['openstack', 'security', 'group', 'rule', 'delete', 'a1b2'],
  ['openstack', 'floating', 'ip', 'set', '--port', 'p1', '203.0.113.10'],
  ['openstack', 'floating', 'ip', 'delete', '203.0.113.10'],
  ['openstack', 'network', 'agent', 'set', '--disable', 'a1'],
  ['openstack', 'network', 'delete', 'private'],
  ['openstack', 'router', 'remove', 'subnet', 'r1', 's1'],
  ['openstack', 'compute', 'service', 'set', '--disable', 'compute-0', 'nova-compute'],
  ['openstack', 'volume', 'delete', 'v1'],
  ['openstack', 'volume', 'set', '--state', 'available', 'v1'],
  ['openstack', 'token', 'issue'],
  ['openstack', 'token', 'revoke', 'gAAAAA'],
  ['openstack', 'image', 'save', '--file', '/tmp/x', 'cirros'],
  ['openstack', 'project', 'purge', '--project', 'demo'],
  ['openstack', 'stack', 'abandon', 's1'],
  ['openstack', 'baremetal', 'node', 'power', 'off', 'n1'],
  // Open vSwitch
  ['ovs-vsctl', 'del-br', 'br-int'],
  ['ovs-vsctl', 'add-port', 'br-int', 'tap1'],
  ['ovs-vsctl', 'del-port', 'br-int', 'tap1'],
  ['ovs-vsctl', 'set', 'Port', 'tap1', 'tag=4095'],
  ['ovs-vsctl', 'clear', 'Bridge', 'br-int', 'flow_tables'],
  ['ovs-vsctl', 'show', '--', 'del-br', 'br-int'],
  ['ovs-vsctl', 'emer-reset'],
  ['ovs-ofctl', 'del-flows', 'br-int'],
  ['ovs-ofctl', 'add-flow', 'br-int', 'priority=65535,actions=drop'],
  ['ovs-ofctl', 'mod-flows', 'br-int', 'actions=drop'],
  ['ovs-ofctl', 'mod-port', 'br-int', 'tap1', 'down'],
  ['ovs-ofctl', 'replace-flows', 'br-int', '/tmp/flows'],
  ['ovs-appctl', 'exit'],
  ['ovs-appctl', 'vlog/set', 'dbg'],
  ['ovs-appctl', 'fdb/flush'],
  ['ovs-appctl', 'dpctl/del-flows'],
  ['ovs-appctl', 'revalidator/purge'],
  ['ovs-dpctl', 'del-dp', 'ovs-system'],
  ['ovn-nbctl', 'ls-del', 'sw0'],
  // services, processes, the node itself
  ['systemctl', 'restart', 'nova-compute'],
  ['systemctl', 'stop', 'neutron-openvswitch-agent'],
  ['systemctl', 'kill', 'ovs-vswitchd'],
  ['systemctl', 'disable', '--now', 'libvirtd'],
  ['systemctl', 'daemon-reload'],
  ['service', 'nova-compute', 'restart'],
  ['kill', '-9', '1'],
  ['pkill', 'ovs-vswitchd'],
  ['reboot'],
  ['shutdown', '-h', 'now'],
  ['halt'],
  ['rm', '-rf', '/var/lib/nova/instances'],
  ['mv', '/etc/nova/nova.conf', '/tmp/'],
  ['cp', '/dev/null', '/etc/nova/nova.conf'],
  ['tee', '/etc/nova/nova.conf'],
  ['dd', 'if=/dev/zero', 'of=/dev/sda'],
  ['truncate', '-s', '0', '/var/log/nova/nova-compute.log'],
  ['chmod', '000', '/etc/nova'],
  ['sed', '-i', 's/debug = False/debug = True/', '/etc/nova/nova.conf'],
  ['iptables', '-F'],
  ['hostname', 'evil'],
  ['date', '-s', '2020-01-01'],
  ['timedatectl', 'set-time', '2020-01-01'],
  ['dmesg', '-C'],
  ['ethtool', '-s', 'eth0', 'speed', '100'],
  ['ip', 'link', 'set', 'eth0', 'down'],
  ['ip', 'addr', 'add', '198.51.100.1/24', 'dev', 'eth0'],
  ['ip', 'route', 'del', 'default'],
  ['ip', 'netns', 'delete', 'qdhcp-1'],
  ['ip', 'netns', 'exec', 'qdhcp-1', 'reboot'],
  ['ip', '-batch', '/tmp/commands'],
  ['ss', '-K', 'dst', '192.0.2.1'],
  ['virsh', 'destroy', 'instance-00000001'],
  ['virsh', 'undefine', 'instance-00000001'],
  ['virsh', 'reboot', 'instance-00000001'],
  ['nova-manage', 'cell_v2', 'discover_hosts'],
  ['nova-manage', 'db', 'sync'],
  ['cinder-manage', 'volume', 'delete', 'v1'],
  ['journalctl', '--vacuum-size=1M'],
  ['journalctl', '--rotate'],
  ['journalctl', '--cursor-file=/tmp/cursor'],
  // databases and queues
  ['mysql', '-e', 'UPDATE instances SET vm_state="active" WHERE uuid="x"'],
  ['mysql', '-e', 'DELETE FROM services WHERE host="compute-0"'],
  ['mysql', '-e', 'DROP DATABASE nova'],
  ['mysql', '-e', 'SHOW STATUS; DROP DATABASE nova'],
  ['mysql', '-e', 'SET GLOBAL wsrep_provider_options="pc.bootstrap=YES"'],
  ['mysql', '--init-command=DROP DATABASE nova', '-e', 'SHOW STATUS'],
  ['mysql', '--tee=/etc/nova/nova.conf', '-e', 'SHOW STATUS'],
  ['mysqladmin', 'shutdown'],
  ['mysqladmin', 'flush-hosts'],
  ['rabbitmqctl', 'stop_app'],
  ['rabbitmqctl', 'reset'],
  ['rabbitmqctl', 'forget_cluster_node', 'rabbit@controller-1'],
  ['rabbitmqctl', 'eval', 'halt().'],
  ['rabbitmqctl', 'delete_queue', 'q'],
  ['rabbitmqctl', 'purge_queue', 'notifications.info'],
  ['rabbitmqctl', 'set_policy', 'ha', '.*', '{}'],
  // interpreters and programs outside the system binaries
  ['bash', '-c', 'cat /proc/loadavg'],
  ['sh', '-c', 'reboot'],
  ['python3', '-c', 'import os; os.system("reboot")'],
  ['perl', '-e', 'unlink "/etc/nova/nova.conf"'],
  ['env', 'reboot'],
  ['xargs', 'rm'],
  ['find', '/var/log', '-delete'],
  ['/tmp/evil', 'show'],
  ['./cat', '/proc/loadavg'],
]

/** Reads that never end, or read what a path check on the operand cannot see (secrets). */
export const UNSAFE_READS: readonly (readonly string[])[] = [
  ['journalctl', '-f'],
  ['journalctl', '-fu', 'nova-compute'],
  ['tail', '-f', '/var/log/syslog'],
  ['tail', '-F', '/var/log/nova/nova-compute.log'],
  ['cat', '/etc/shadow'],
  ['cat', '/root/.ssh/id_rsa'],
  ['cat', '.ssh/id_rsa'],
  ['cat', '/var/log/../../etc/shadow'],
  ['cat', '/proc/1/environ'],
  ['cat', '/etc/ssh/ssh_host_ed25519_key'],
  ['grep', '-r', '', '/etc/'],
  ['grep', '-rn', 'password', '/etc/'],
  ['grep', 'x', '.ssh/id_rsa'],
  ['grep', '-d', 'recurse', 'x', '/etc/'],
  ['grep', '--recursive', 'x', '/etc/'],
  ['grep', '-f', '/etc/shadow', '/var/log/syslog'],
  ['ping', '-f', '127.0.0.1'],
  ['ip', 'monitor'],
]

/**
 * Shell syntax written literally in a playbook command. Sources quote every argument, so none of these
 * would run; the loader still refuses them, because a playbook that contains them is wrong or hostile.
 */
export const SHELL_SMUGGLING: readonly (readonly string[])[] = [
  ['cat', '/proc/loadavg', ';', 'reboot'],
  ['cat', '/proc/loadavg;reboot'],
  ['cat', '/proc/loadavg', '&&', 'reboot'],
  ['cat', '/proc/loadavg', '||', 'reboot'],
  ['cat', '/proc/loadavg', '|', 'sh'],
  ['cat', '/proc/loadavg', '>', '/etc/passwd'],
  ['cat', '/proc/loadavg', '>>', '/etc/nova/nova.conf'],
  ['cat', '<', '/etc/shadow'],
  ['cat', '/proc/loadavg', '&'],
  ['cat', '$(reboot)'],
  ['cat', '${IFS}reboot'],
  ['cat', '`reboot`'],
  ['openstack', 'server', 'show', 'x|reboot'],
  ['openstack', 'server', 'show', 'x\nreboot'],
  ['ovs-vsctl', 'show\rreboot'],
  ['journalctl', '-u', 'nova-compute', '--grep', 'x$(reboot)'],
]

/** The read-only shapes issue 6 names: each must stay allowed. */
const READ_ONLY_SHAPES: readonly (readonly string[])[] = [
  ['openstack', 'server', 'list', '--all-projects', '--long', '-f', 'json'],
  ['openstack', 'server', 'show', 'web-1', '-f', 'json'],
  ['openstack', 'network', 'agent', 'list', '-f', 'json'],
  ['ovs-vsctl', 'show'],
  ['ovs-vsctl', 'list', 'Interface'],
  ['ovs-vsctl', 'get', 'Port', 'tap1', 'tag'],
  ['ovs-ofctl', 'dump-flows', 'br-int'],
  ['ovs-ofctl', 'dump-ports', 'br-int'],
  ['ovs-appctl', 'dpif/show'],
  ['ovs-appctl', 'bond/show'],
  ['ovs-appctl', 'ofproto/trace', 'br-int', 'in_port=1'],
  ['ovs-appctl', 'coverage/show'],
  ['journalctl', '-u', 'nova-compute', '--since', '-1h', '--no-pager'],
  ['cat', '/var/log/nova/nova-compute.log'],
  ['tail', '-n', '3000', '/var/log/neutron/neutron-openvswitch-agent.log'],
  ['head', '-n', '5', '/etc/os-release'],
  ['cat', '/proc/loadavg'],
  ['cat', '/proc/pressure/io'],
  ['grep', '-E', 'ERROR|CRITICAL', '/var/log/nova/nova-compute.log'],
  ['grep', '-c', '-e', 'Traceback', '/var/log/nova/nova-api.log'],
  ['grep', '-F', '-e', '-rf /', '-e', '--recursive', '/var/log/syslog'],
  ['ip', '-s', 'link'],
  ['ip', '-s', 'link', 'show', 'dev', 'eth0'],
  ['ip', 'netns', 'exec', 'qrouter-1', 'ip', '-s', 'link'],
  ['ss', '-tanp'],
  ['ss', '-s'],
  ['ps', 'auxww'],
  ['ps', '-eo', 'pid,stat,etime,cmd'],
  ['df', '-h'],
  ['df', '-i'],
  ['rabbitmqctl', 'list_queues', 'name', 'messages', 'consumers'],
  ['rabbitmqctl', 'list_connections'],
  ['rabbitmqctl', 'cluster_status'],
  ['mysql', '-e', 'SHOW GLOBAL STATUS LIKE "wsrep%"'],
  ['mysql', '-e', 'SHOW PROCESSLIST'],
  ['stat', '-c', '%s %y', '/var/log/nova/nova-compute.log'],
]

describe('the read-only corpus', () => {
  it.each(MUTATING.map((argv) => [argv.join(' '), argv]))('refuses the mutating command %s', (_n, argv) => {
    const verdict = checkArgv(argv)
    expect(verdict.ok).toBe(false)
    expect(checkPlaybookCommand(argv).ok).toBe(false)
  })

  it.each(UNSAFE_READS.map((argv) => [argv.join(' '), argv]))(
    'refuses the endless or secret read %s',
    (_n, argv) => {
      expect(checkArgv(argv).ok).toBe(false)
    },
  )

  it.each(SHELL_SMUGGLING.map((argv) => [JSON.stringify(argv), argv]))(
    'refuses shell syntax in a playbook command: %s',
    (_n, argv) => {
      expect(checkPlaybookCommand(argv).ok).toBe(false)
    },
  )

  it.each(READ_ONLY_SHAPES.map((argv) => [argv.join(' '), argv]))(
    'allows the read-only shape %s',
    (_n, argv) => {
      expect(checkArgv(argv)).toEqual({ok: true})
      expect(checkPlaybookCommand(argv)).toEqual({ok: true})
    },
  )

  it('holds at least 50 mutating commands and 120 refusals in all (figures in docs/SAFETY.md)', () => {
    expect(MUTATING.length).toBeGreaterThanOrEqual(50)
    const refused = MUTATING.length + UNSAFE_READS.length + SHELL_SMUGGLING.length
    expect(refused).toBeGreaterThanOrEqual(120)
    console.info(
      `read-only corpus: ${MUTATING.length} mutating + ${UNSAFE_READS.length} unsafe reads + ${SHELL_SMUGGLING.length} shell smuggling = ${refused} refused; ${READ_ONLY_SHAPES.length} read-only shapes allowed`,
    )
  })
})

/** The shipped playbook with its `cat /proc/loadavg` gather swapped for `command`; returns the text and that line. */
function playbookWith(command: string): {text: string; line: number} {
  const lines = readFileSync('playbooks/vm-ssh-fail.yaml', 'utf8').split('\n')
  const at = lines.findIndex((l) => l.trim() === 'command: [cat, /proc/loadavg]')
  if (at < 0)
    throw new Error('playbooks/vm-ssh-fail.yaml no longer gathers cat /proc/loadavg; pick another line')
  lines[at] = (lines[at] ?? '').replace('[cat, /proc/loadavg]', command)
  return {text: lines.join('\n'), line: at + 1}
}

describe('a playbook with a mutating command', () => {
  it('loads when the command is read-only, so the rejections below are about the command', () => {
    expect(() => parsePlaybook(playbookWith('[cat, /proc/loadavg]').text, 'ok.yaml')).not.toThrow()
  })

  it.each([
    ['[openstack, server, delete, "{{ $target }}"]', 'openstack server delete changes the cloud'],
    ['[ovs-ofctl, del-flows, br-int]', 'ovs-ofctl del-flows is not a read verb'],
    ['[mysql, -e, "UPDATE instances SET deleted=1"]', 'is not a SHOW statement'],
    ['[cat, /proc/loadavg, ";", reboot]', 'contains shell syntax'],
  ])('is rejected at load with file:line:col for %s', (command, why) => {
    let thrown: unknown
    const {text, line} = playbookWith(command)
    try {
      parsePlaybook(text, 'playbooks/hostile.yaml')
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(InputError)
    expect((thrown as InputError).message).toMatch(
      new RegExp(`^playbooks/hostile\\.yaml:${line}:\\d+: not read-only: `),
    )
    expect((thrown as InputError).message).toContain(why)
  })
})

describe('the execution-time re-check', () => {
  const touch: EvidenceRequest = {kind: 'command', argv: ['touch', CANARY]}

  it('refuses in the one guard every executing source calls, for a command and for a file request', () => {
    expect(refuseUnlessReadOnly('compute-0', touch, ['touch', CANARY], 'ssh compute-0')).toMatchObject({
      status: 'refused',
      exitCode: null,
      error: 'refused by the read-only guard: touch is not on the read-only allowlist',
    })
    const secret: EvidenceRequest = {kind: 'file', path: '/etc/shadow'}
    expect(refuseUnlessReadOnly('compute-0', secret, ['cat', '/etc/shadow'], 'ssh compute-0')?.status).toBe(
      'refused',
    )
    expect(
      refuseUnlessReadOnly(
        'compute-0',
        {kind: 'command', argv: ['cat', '/proc/loadavg']},
        ['cat', '/proc/loadavg'],
        'x',
      ),
    ).toBeUndefined()
  })

  it('refuses in local execution without running anything (the canary is never created)', async () => {
    for (const argv of MUTATING.filter((a) => a[0] !== 'reboot').slice(0, 20)) {
      const result = await gatherLocally('api', {kind: 'command', argv: [...argv]})
      expect(result.status).toBe('refused')
    }
    expect((await gatherLocally('api', touch)).status).toBe('refused')
    expect(existsSync(CANARY)).toBe(false)
  })

  it('refuses in the gatherer before the source is asked, whatever the source', async () => {
    // A source that would run anything it is handed: local execution with no guard of its own.
    // It stands in for a future source that forgets the re-check; here it records what it was asked.
    const asked: EvidenceRequest[] = []
    const careless: EvidenceSource = {
      kind: 'live',
      description: 'a source without a guard (test double: only records requests)',
      nodes: () => Promise.resolve([]),
      gather: (node, request) => {
        asked.push(request)
        return gatherLocally(node, request)
      },
      close: () => Promise.resolve(),
    }
    const gatherer = new Gatherer(careless)
    const results = await gatherer.gatherAll(
      MUTATING.map((argv) => ({node: 'compute-0', request: {kind: 'command', argv}})),
    )
    expect(results.every((r) => r.status === 'refused')).toBe(true)
    expect(asked).toEqual([])
    expect(gatherer.audit).toHaveLength(MUTATING.length)
    expect(gatherer.audit.every((a) => a.status === 'refused')).toBe(true)
  })
})
