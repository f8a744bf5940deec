import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {loadBuiltinPlaybook} from '../../src/app/playbook-catalog.js'
import {API_NODE, type EvidenceRequest, type Gathered} from '../../src/model/evidence.js'
import type {NodeRef} from '../../src/model/node.js'
import type {LoadedPlaybook} from '../../src/playbook/load.js'
import {runPlaybook} from '../../src/playbook/run-playbook.js'
import {openBundle} from '../../src/sources/bundle/bundle-source.js'
import {openOfflineInput} from '../../src/sources/detect-input.js'
import type {EvidenceSource} from '../../src/sources/source.js'
import {LAB_NODES, openCaptureReplay} from '../support/capture-replay-source.js'
import {withLogReplay} from '../support/log-replay.js'

/**
 * Golden tests on real captures of a real OpenStack Zed lab with the fault really injected
 * (fixtures/reference/README.md "scenarios", fixtures/lab/healthy/PROVENANCE.md), replayed with their logs.
 */
let loaded: LoadedPlaybook
beforeAll(async () => {
  loaded = await loadBuiltinPlaybook('control-plane')
})

async function sweep(dir: string) {
  const root = path.resolve(dir)
  const source = await withLogReplay(await openCaptureReplay(root, LAB_NODES), root)
  return runPlaybook(loaded.playbook, source, {target: null})
}

const SERVICES = [
  'nova-conductor',
  'nova-scheduler',
  'nova-compute',
  'neutron-server',
  'neutron-openvswitch-agent',
  'cinder-scheduler',
  'cinder-volume',
]

describe('control-plane on real lab captures', () => {
  it('names RabbitMQ on controller-0 as the one root suspect when the broker was stopped, not every service that lost it', async () => {
    const d = await sweep('fixtures/reference/scenarios/rabbitmq_down')
    expect(d.suspects[0]).toMatchObject({component: 'rabbitmq', node: 'controller-0'})
    // The blast-radius rule: computes down and agents dead are folded under the broker, not listed beside it.
    const servicesAbove = d.suspects
      .slice(1)
      .filter((s) => SERVICES.includes(s.component) && s.confidence >= 0.2)
    expect(servicesAbove).toEqual([])
    expect(d.suspects[0]?.checks).toEqual(
      expect.arrayContaining(['rabbitmq-unreachable', 'nova-compute-down', 'ovs-agents-dead']),
    )
    expect(d.suspects[0]?.summary).toContain('Blast radius')
    expect(d.scope.level).toBe('control-plane')
  })

  it('names nova-conductor, not the computes that report through it, when the conductor was stopped', async () => {
    const d = await sweep('fixtures/reference/scenarios/conductor_down')
    expect(d.suspects[0]).toMatchObject({component: 'nova-conductor', node: 'controller-0'})
    expect(d.suspects.map((s) => s.component)).not.toContain('nova-compute')
  })

  it('names nova-compute on compute-0 when the computes were stopped', async () => {
    const d = await sweep('fixtures/reference/scenarios/compute_down')
    expect(d.suspects[0]).toMatchObject({component: 'nova-compute', node: 'compute-0'})
  })

  it('names cinder-volume on controller-0 when it was stopped', async () => {
    const d = await sweep('fixtures/reference/scenarios/cinder_volume_down')
    expect(d.suspects[0]).toMatchObject({component: 'cinder-volume', node: 'controller-0'})
  })

  it('finds nothing on the healthy lab, though its logs hold an old RabbitMQ restart and its clocks were compared', async () => {
    const d = await sweep('fixtures/lab/healthy')
    expect(d.suspects).toEqual([])
    expect(d.ruledOut.map((r) => r.check)).toEqual(
      expect.arrayContaining([
        'rabbitmq-unreachable',
        'clock-skew',
        'nova-compute-down',
        'node-out-of-memory',
      ]),
    )
  })
})

describe('control-plane on the project lab (fixtures/lab/<fault>)', () => {
  it('names RabbitMQ on controller-0 under a memory alarm from the services it blocked, their down heartbeats folded under it', async () => {
    const d = await sweep('fixtures/lab/rabbitmq-memory-alarm')
    expect(d.suspects[0]).toMatchObject({component: 'rabbitmq', node: 'controller-0'})
    expect(d.suspects[0]?.checks).toEqual(
      expect.arrayContaining(['rabbitmq-blocking-publishers', 'nova-compute-down']),
    )
    const servicesAbove = d.suspects
      .slice(1)
      .filter((s) => SERVICES.includes(s.component) && s.confidence >= 0.2)
    expect(servicesAbove).toEqual([])
  })

  it('reads the alarm itself from the live rabbitmq-diagnostics output in the collect bundle of that fault', async () => {
    const source = await openOfflineInput(path.resolve('fixtures/lab/rabbitmq-memory-alarm/bundle'))
    const d = await runPlaybook(loaded.playbook, source, {target: null}).finally(() => source.close())
    expect(d.suspects[0]).toMatchObject({component: 'rabbitmq', node: 'controller-0'})
    expect(d.suspects[0]?.checks).toEqual(
      expect.arrayContaining(['rabbitmq-alarm', 'rabbitmq-blocking-publishers']),
    )
    // The bundle was recorded before the sweep asked for the APIs' errors, queues, Galera, HAProxy, inodes
    // and OOM kills: those, and only those, are missing from it.
    const addedSince = ['placementApi', 'rabbitQueues', 'dbStatus', 'dbVars', 'dbListeners', 'dbErrorLog', 'haproxyLog', 'dfInodes', 'kernelLog', 'uptime']
    expect(d.missing.filter((m) => !addedSince.includes(m.what))).toEqual([])
  })
})

/** The check ids this sweep gained for Galera, HAProxy, the APIs, RabbitMQ queues, OOM kills and inodes. */
const NEW_CHECKS = [
  'keystone-unreachable',
  'nova-api-unreachable',
  'neutron-api-unreachable',
  'cinder-api-unreachable',
  'placement-api-unreachable',
  'galera-node-non-primary',
  'galera-cluster-short',
  'max-connections-exhausted',
  'db-bound-to-loopback',
  'db-not-listening',
  'haproxy-backend-down',
  'haproxy-no-server-available',
  'galera-non-primary-view',
  'conductor-queue-unconsumed',
  'scheduler-queue-unconsumed',
  'compute-queue-unconsumed',
  'cinder-volume-queue-unconsumed',
  'dhcp-agent-queue-unconsumed',
  'l3-agent-queue-unconsumed',
  'rabbitmq-unacked-piling',
  'node-oom-kill',
  'node-inodes-full',
]

async function sweepBundle(fault: string) {
  const source = await openBundle(path.resolve('fixtures/lab', fault, 'bundle'))
  return runPlaybook(loaded.playbook, source, {target: null}).finally(() => source.close())
}

describe('control-plane on the Galera captures of db-conn-error (the same commands, replayed from their bundles)', () => {
  it('names MariaDB on db-2 when db-2 was cut from its peers and fell out of the Primary component', async () => {
    const d = await sweepBundle('db-galera-partitioned')
    expect(d.suspects[0]).toMatchObject({component: 'mariadb', node: 'db-2'})
    expect(d.suspects[0]?.checks).toEqual(
      expect.arrayContaining(['galera-node-non-primary', 'galera-cluster-short', 'galera-non-primary-view']),
    )
    expect(d.suspects[0]?.summary).toContain('wsrep_cluster_status=non-Primary')
    expect(d.suspects[0]?.evidence.map((e) => e.source)).toContain('mysqladmin extended-status')
  })

  it('names MariaDB on db-1 when its max_connections was full, not the HAProxy check that dropped it', async () => {
    const d = await sweepBundle('db-max-connections')
    expect(d.suspects[0]).toMatchObject({component: 'mariadb', node: 'db-1', checks: ['max-connections-exhausted']})
    expect(d.suspects[0]?.summary).toMatch(/21 threads connected with max_connections=20/)
    expect(d.suspects.map((s) => s.component)).not.toContain('haproxy')
    expect(d.scope.level).toBe('host')
  })

  it('names HAProxy and the backend db-0 when HAProxy lost its path to a healthy db-0 again and again', async () => {
    const d = await sweepBundle('db-haproxy-backend-down')
    expect(d.suspects[0]).toMatchObject({component: 'haproxy', node: 'db-0', checks: ['haproxy-backend-down']})
    expect(d.suspects[0]?.summary).toMatch(/took backend galera\/db-0 out [2-9] time/)
    expect(d.suspects.map((s) => s.component)).not.toContain('mariadb')
  })

  it('names MariaDB on db-1 when it was restarted bound to 127.0.0.1', async () => {
    const d = await sweepBundle('db-wrong-bind-address')
    expect(d.suspects[0]).toMatchObject({component: 'mariadb', node: 'db-1'})
    expect(d.suspects[0]?.checks).toContain('db-bound-to-loopback')
  })

  it('raises none of the Galera, HAProxy, API, queue, OOM or inode findings on the healthy cluster, and rules the Galera ones out', async () => {
    const d = await sweepBundle('db-healthy')
    expect(d.suspects.flatMap((s) => s.checks).filter((c) => NEW_CHECKS.includes(c))).toEqual([])
    expect(d.ruledOut.map((r) => r.check)).toEqual(
      expect.arrayContaining([
        'galera-node-non-primary',
        'galera-cluster-short',
        'max-connections-exhausted',
        'haproxy-backend-down',
        'haproxy-no-server-available',
      ]),
    )
  })
})

describe('control-plane when an API does not answer', () => {
  it('names placement on the one controller when `openstack resource provider list` was refused on 8778', async () => {
    const d = await sweep('fixtures/reference/scenarios/placement_down')
    expect(d.suspects[0]).toMatchObject({component: 'placement-api', node: 'controller-0', checks: ['placement-api-unreachable']})
    expect(d.suspects[0]?.summary).toContain('refused at http://127.0.0.1:8778/')
    expect(d.suspects[0]?.evidence[0]?.excerpt).toContain('Connection refused')
  })

  it('raises no API finding when every call answered (the healthy lab, the stopped broker)', async () => {
    for (const dir of ['fixtures/lab/healthy', 'fixtures/reference/scenarios/rabbitmq_down']) {
      const d = await sweep(dir)
      expect(d.ruledOut.map((r) => r.check), dir).toEqual(
        expect.arrayContaining(['keystone-unreachable', 'nova-api-unreachable', 'neutron-api-unreachable', 'cinder-api-unreachable']),
      )
      expect(d.suspects.flatMap((s) => s.checks).filter((c) => c.endsWith('-unreachable') && c !== 'rabbitmq-unreachable'), dir).toEqual([])
    }
  })

  it('says placement could not be asked, rather than that it answered, when the client lacks the placement plugin', async () => {
    const refused = await captured('dev-machine-no-osc-placement.openstack_resource_provider_list.txt')
    const source = replaying(LAB_NODES, (node, request) =>
      node === API_NODE && request.kind === 'command' && request.argv.join(' ') === 'openstack resource provider list -f json' ? refused : undefined,
    )
    const d = await runPlaybook(loaded.playbook, source, {target: null})
    expect(d.suspects).toEqual([])
    expect(d.ruledOut.find((r) => r.check === 'placement-api-unreachable')?.reason).toBe(
      "Placement could not be asked: openstack: 'resource provider list -f json' is not an openstack command. See 'openstack --help'.",
    )
  })

  it('names keystone as the one suspect when every call fails at authentication, not each API behind it', async () => {
    // With keystone stopped, every `openstack` call fails while getting its token, before its own API is asked,
    // so each prints the same error. The lab probe captured it for `openstack server list`
    // (fixtures/control-plane/keystone_down.openstack_server_list.txt); this source answers each API call of
    // the sweep with those bytes and exit status, and nothing else (everything else is not collected).
    const keystoneDown = await captured('keystone_down.openstack_server_list.txt')
    const source = replaying(LAB_NODES, (node, request) =>
      node === API_NODE && request.kind === 'command' && request.argv[0] === 'openstack' ? keystoneDown : undefined,
    )
    const d = await runPlaybook(loaded.playbook, source, {target: null})
    expect(d.suspects.map((s) => `${s.component}@${s.node ?? '-'}`)).toEqual(['keystone@controller-0'])
    expect(d.suspects[0]?.summary).toMatch(/4 call\(s\) failed before reaching their API and nothing else can be asked/)
    expect(d.scope.says).toContain('Keystone does not answer')
    expect(d.phases[0]?.undetermined).toEqual(expect.arrayContaining(['nova-conductor-down', 'nova-compute-down']))
  })
})

describe("control-plane on the lab broker's queues (rabbitmqctl list_queues run on controller-0 during the lab suite)", () => {
  const onController = (file: string) => async () => {
    const queues = await captured(file)
    return replaying(LAB_NODES, (node, request) =>
      node === 'controller-0' && request.kind === 'command' && request.argv.join(' ') === 'rabbitmqctl -q list_queues name messages consumers messages_unacknowledged'
        ? queues
        : undefined,
    )
  }

  it("names the DHCP agent on controller-0 when a message waits in its queue and nobody consumes it", async () => {
    const d = await runPlaybook(loaded.playbook, await onController('lab-dhcp-agent-down.rabbitmqctl_list_queues.txt')(), {target: null})
    expect(d.suspects[0]).toMatchObject({component: 'neutron-dhcp-agent', node: 'controller-0', checks: ['dhcp-agent-queue-unconsumed']})
    expect(d.suspects[0]?.summary).toContain('dhcp_agent.controller-0 (1)')
    expect(d.suspects[0]?.evidence[0]?.excerpt).toContain('"consumers":0')
  })

  it('names nova-conductor on the one controller when messages pile up in the conductor queue with no consumer', async () => {
    const d = await runPlaybook(loaded.playbook, await onController('lab-nova-conductor-down.rabbitmqctl_list_queues.txt')(), {target: null})
    expect(d.suspects[0]).toMatchObject({component: 'nova-conductor', node: 'controller-0', checks: ['conductor-queue-unconsumed']})
    expect(d.suspects[0]?.summary).toMatch(/^15 message\(s\) wait in RabbitMQ's conductor queue with no consumer/)
  })

  it("does not read a stopped OVS agent's fanout queues filling up, or the healthy broker, as a finding", async () => {
    for (const file of ['lab-ovs-agent-down.rabbitmqctl_list_queues.txt', 'lab-healthy.rabbitmqctl_list_queues.txt']) {
      const d = await runPlaybook(loaded.playbook, await onController(file)(), {target: null})
      expect(d.suspects, file).toEqual([])
      expect(d.ruledOut.map((r) => r.check), file).toEqual(
        expect.arrayContaining(['conductor-queue-unconsumed', 'compute-queue-unconsumed', 'dhcp-agent-queue-unconsumed', 'rabbitmq-unacked-piling']),
      )
    }
  })
})

describe('control-plane on node resources (real output of the development machine)', () => {
  const devMachine: NodeRef[] = [{name: 'dev-machine', roles: ['controller']}]

  it('names the node whose kernel OOM-killed a process 16 s before its uptime was read', async () => {
    const [dmesg, uptime] = await Promise.all([captured('dev-machine.dmesg_oom-kill.txt'), captured('dev-machine.proc_uptime.txt')])
    const source = replaying(devMachine, (_node, request) => {
      const argv = request.kind === 'command' ? request.argv.join(' ') : ''
      return argv === 'dmesg' ? dmesg : argv === 'cat /proc/uptime' ? uptime : undefined
    })
    const d = await runPlaybook(loaded.playbook, source, {target: null})
    const oom = d.suspects.find((s) => s.checks.includes('node-oom-kill'))
    expect(oom).toMatchObject({component: 'node-memory', node: 'dev-machine'})
    expect(oom?.summary).toContain('killed python3 on dev-machine 16 s ago')
    expect(oom?.evidence[0]?.excerpt).toMatch(/> *\d+ +\[17498\.095881\] Memory cgroup out of memory: Killed process 30607 \(python3\)/)
  })

  it('reads the same OOM kill as past history once the node has been up an hour longer', async () => {
    const dmesg = await captured('dev-machine.dmesg_oom-kill.txt')
    // The same kernel log read later: only /proc/uptime differs, and that is what ages the kill.
    const later = {stdout: '21200.00 9232.71\n', exitCode: 0, file: 'an uptime an hour after the capture'}
    const source = replaying(devMachine, (_node, request) => {
      const argv = request.kind === 'command' ? request.argv.join(' ') : ''
      return argv === 'dmesg' ? dmesg : argv === 'cat /proc/uptime' ? later : undefined
    })
    const d = await runPlaybook(loaded.playbook, source, {target: null})
    expect(d.ruledOut.map((r) => r.check)).toContain('node-oom-kill')
  })

  it('never calls a read-only loop-mounted image (a snap, a squashfs) full, though df shows it 100 % used', async () => {
    const [df, dfi] = await Promise.all([
      captured('dev-machine.df_-P_squashfs-loop.txt'),
      captured('dev-machine.df_-Pi_squashfs-loop.txt'),
    ])
    const source = replaying(devMachine, (_node, request) => {
      const argv = request.kind === 'command' ? request.argv.join(' ') : ''
      return argv === 'df -P' ? df : argv === 'df -Pi' ? dfi : undefined
    })
    const d = await runPlaybook(loaded.playbook, source, {target: null})
    expect(df.stdout).toMatch(/^\/dev\/loop0 .* 100% /m)
    expect(d.suspects.filter((s) => s.component === 'node-disk-space')).toEqual([])
    expect(d.ruledOut.map((r) => r.check)).toEqual(expect.arrayContaining(['node-disk-full', 'node-inodes-full']))
  })

  it('names the filesystem whose inodes ran out', async () => {
    const df = await captured('dev-machine.df_-Pi_inodes-exhausted.txt')
    const source = replaying(devMachine, (_node, request) =>
      request.kind === 'command' && request.argv.join(' ') === 'df -Pi' ? df : undefined,
    )
    const d = await runPlaybook(loaded.playbook, source, {target: null})
    expect(d.suspects[0]).toMatchObject({component: 'node-disk-space', node: 'dev-machine', checks: ['node-inodes-full']})
    expect(d.suspects[0]?.summary).toContain('/tmp/d-inode on dev-machine 97 %')
    expect(d.suspects[0]?.evidence[0]?.excerpt).toMatch(/> +7 +d-inode-probe +64 +62 +2 +97% \/tmp\/d-inode/)
  })
})

interface Answer {
  readonly stdout: string
  readonly exitCode: number
  readonly file: string
}

/** A capture of fixtures/control-plane/ (its `$` line and `[exit status]` trailer removed). */
async function captured(file: string): Promise<Answer> {
  const lines = (await readFile(path.resolve('fixtures/control-plane', file), 'utf8')).trimEnd().split('\n')
  const exitCode = Number(/^\[exit status: (\d+)\]$/.exec(lines.at(-1) ?? '')?.[1] ?? NaN)
  return {stdout: `${lines.slice(1, -1).join('\n')}\n`, exitCode, file}
}

/**
 * Serves real captured output for the requests `answer` maps to a capture, and `not-collected` for every other,
 * as a bundle that lacks them would. A failed command's output goes to stderr, as the client printed it.
 */
function replaying(nodes: readonly NodeRef[], answer: (node: string, request: EvidenceRequest) => Answer | undefined): EvidenceSource {
  return {
    kind: 'bundle',
    description: 'real captures of fixtures/control-plane',
    nodes: () => Promise.resolve(nodes),
    gather: (node: string, request: EvidenceRequest): Promise<Gathered> => {
      const hit = answer(node, request)
      const base = {node, request, durationMs: 0, truncated: false}
      if (!hit) {
        return Promise.resolve({...base, status: 'not-collected', exitCode: null, stdout: '', stderr: '', origin: 'capture', error: 'not in the capture'})
      }
      const ok = hit.exitCode === 0
      return Promise.resolve({
        ...base,
        status: 'ok',
        exitCode: hit.exitCode,
        stdout: ok ? hit.stdout : '',
        stderr: ok ? '' : hit.stdout,
        origin: `capture fixtures/control-plane/${hit.file}`,
      })
    },
    close: () => Promise.resolve(),
  }
}
