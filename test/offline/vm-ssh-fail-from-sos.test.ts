/**
 * vm-ssh-fail offline from the sosreports the lab captured (fixtures/lab/<fault>/sos/<node>.tar.xz, real
 * `sos report` 4.0 archives; provenance in each fault's PROVENANCE.md). Nothing is mocked: the playbook runs
 * over the sosreport source exactly as `cloudtriage vm-ssh-fail vm-web-1 --from fixtures/lab/<fault>/sos`.
 *
 * Where sos holds enough evidence the top suspect and its node are asserted; where it does not, the
 * report must say which evidence sos lacks and why (no OS_* when sos ran, a plugin cut off by
 * --plugin-timeout, a question sos never asks).
 */
import {existsSync} from 'node:fs'
import path from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {loadBuiltinPlaybook} from '../../src/app/playbook-catalog.js'
import {API_NODE} from '../../src/model/evidence.js'
import type {LoadedPlaybook} from '../../src/playbook/load.js'
import {runPlaybook} from '../../src/playbook/run-playbook.js'
import type {Diagnosis} from '../../src/reason/diagnosis.js'
import {openSosreports} from '../../src/sources/sosreport/sosreport-source.js'

const LAB = path.resolve('fixtures/lab')
const VM_WEB_1 = '069c4f47-773a-407f-88c0-5922fe02e8e2'

let loaded: LoadedPlaybook
beforeAll(async () => {
  loaded = await loadBuiltinPlaybook('vm-ssh-fail')
})

async function diagnoseFromSos(fault: string, target = 'vm-web-1'): Promise<Diagnosis> {
  const source = await openSosreports(path.join(LAB, fault, 'sos'))
  try {
    return await runPlaybook(loaded.playbook, source, {target})
  } finally {
    await source.close()
  }
}

function reasonFor(d: Diagnosis, command: string): string | undefined {
  return d.missing.find((m) => m.command === command)?.reason
}

describe('vm-ssh-fail from the sosreports of a fault captured with OS_* set on the controller', () => {
  it('names the dead DHCP agent on controller-0 from the agent list sos saved', async () => {
    const d = await diagnoseFromSos('dhcp-agent-down')
    expect(d.suspects[0]).toMatchObject({component: 'neutron-dhcp-agent', node: 'controller-0'})
    expect(d.suspects[0]?.evidence[0]?.excerpt).toMatch(/neutron-dhcp-agent/)
  })

  it('says the server show is absent because sos cut its nova plugin off at --plugin-timeout', async () => {
    const d = await diagnoseFromSos('dhcp-agent-down')
    expect(reasonFor(d, 'openstack server show vm-web-1 -f json')).toBe(
      `sos saved no \`openstack server show\` for vm-web-1 (${VM_WEB_1}, listed in sosreport controller-0:sos_commands/openstack_nova/nova_list_--all-tenants): sos stopped openstack_nova on controller-0 at its --plugin-timeout, so the commands it had not run yet are absent; run \`openstack server show vm-web-1 -f json\` against the cloud`,
    )
    expect(reasonFor(d, 'openstack security group rule list --long -f json')).toContain(
      'sos 4.0 saves `openstack security group list` (names and projects) but never the rules',
    )
    expect(d.complete).toBe(false)
  })

  it("answers the server's ports with the one row of sos's port list that holds its address", async () => {
    const source = await openSosreports(path.join(LAB, 'dhcp-agent-down', 'sos'))
    try {
      const request = {
        kind: 'command' as const,
        argv: ['openstack', 'port', 'list', '--server', VM_WEB_1, '--long', '-f', 'json'],
      }
      const gathered = await source.gather(API_NODE, request)
      expect(gathered.status).toBe('ok')
      expect(gathered.stdout).toContain('198.18.10.112')
      expect(gathered.stdout.trim().split('\n')).toHaveLength(5) // border, header, border, one row, border
      expect(gathered.origin).toMatch(
        /^sosreport controller-0:sos_commands\/openstack_neutron\/openstack_port_list \(derived: the 1 row\(s\) holding the addresses sos_commands\/openstack_nova\/nova_list_--all-tenants gives server 069c4f47/,
      )
      const list = await source.gather(API_NODE, {
        kind: 'command',
        argv: ['openstack', 'server', 'list', '--all-projects', '--long', '-f', 'json'],
      })
      expect(list.origin).toContain(
        'nova_list_--all-tenants (sos 4.0 saved `nova list --all-tenants` instead',
      )
    } finally {
      await source.close()
    }
  })
})

describe('logs sos meant to copy but did not, in the dhcp-agent-down reports', () => {
  it('says which were skipped over --log-size and which tails sos never wrote before its timeout', async () => {
    const source = await openSosreports(path.join(LAB, 'dhcp-agent-down', 'sos'))
    try {
      const server = await source.gather('controller-0', {
        kind: 'file',
        path: '/var/log/neutron/neutron-server.log',
      })
      expect(server).toMatchObject({status: 'not-collected'})
      expect(server.error).toBe(
        "not in the sosreport for controller-0: sos's openstack_neutron plugin skipped /var/log/neutron/neutron-server.log: its --log-size (1 MiB) was used up by newer logs of the same kind (sos_logs/sos.log)",
      )
      const api = await source.gather('controller-0', {
        kind: 'file',
        path: '/var/log/nova/nova-api.log',
        tailLines: 50,
      })
      expect(api.error).toBe(
        'not in the sosreport for controller-0: sos left var/log/nova/nova-api.log as a link to a tail it never wrote (it stopped openstack_nova at --plugin-timeout)',
      )
      const agent = await source.gather('compute-0', {
        kind: 'file',
        path: '/var/log/neutron/neutron-openvswitch-agent.log',
        tailLines: 20,
      })
      expect(agent).toMatchObject({status: 'ok', truncated: true})
      expect(agent.origin).toMatch(
        /-> sos_strings\/openstack_neutron\/var\.log\.neutron\.neutron-openvswitch-agent\.log\.tailed$/,
      )
    } finally {
      await source.close()
    }
  })
})

const OLD_CAPTURES_WITHOUT_OS = [
  'healthy',
  'sg-no-egress',
  'port-tag-removed',
  'ovs-agent-down',
  'ovs-vswitchd-down',
].filter(
  (fault) => !existsSync(path.join(LAB, fault, 'bundle', 'bundle.json')), // a recapture adds a bundle and OS_* for sos
)

// Captured before the lab set OS_* for sos: only node-level evidence, and no way to find the VM's host.
// Recaptured with OS_* set for the controller's sos: the rule list is still absent (sos 4.0 never saves
// it), but the flows the host enforces are there, so the security-group fault is found from sos alone.
describe('vm-ssh-fail from the sg-no-ssh sosreports (OS_* set)', () => {
  it("names the security group from br-int's firewall flows and says the rule list is not in sos", async () => {
    const d = await diagnoseFromSos('sg-no-ssh')
    expect(d.suspects[0]).toMatchObject({component: 'security-group', node: null})
    expect(d.suspects[0]?.evidence[0]?.source).toBe('ovs-ofctl dump-flows br-int')
    expect(reasonFor(d, 'openstack security group rule list --long -f json')).toMatch(
      /sos 4\.0 saves `openstack security group list`/,
    )
  })
})

describe.each(OLD_CAPTURES_WITHOUT_OS)(
  'vm-ssh-fail from the %s sosreports, taken without OS_* credentials',
  (fault) => {
    it('names no suspect and says the API evidence is absent because sos ran without OS_*', async () => {
      const d = await diagnoseFromSos(fault)
      expect(d.suspects).toEqual([])
      expect(d.complete).toBe(false)
      const why = reasonFor(d, 'openstack server show vm-web-1 -f json')
      expect(why).toBe(
        'none of the sosreports contains `openstack server show vm-web-1 -f json`; sos only runs openstack commands when OS_* credentials are set, so run it against the cloud',
      )
      // Everything on the instance's host waits for the server: the report says so rather than guessing a node.
      expect(reasonFor(d, 'ovs-ofctl dump-flows br-int')).toBe('needs $server, which could not be gathered')
    })
  },
)
