/**
 * The control-plane playbook offline from the lab's dhcp-agent-down sosreports (fixtures/lab/dhcp-agent-down,
 * real sos 4.0 archives taken with OS_* set on the controller). Nothing is mocked.
 */
import path from 'node:path'

import {describe, expect, it} from 'vitest'

import {loadBuiltinPlaybook} from '../../src/app/playbook-catalog.js'
import {runPlaybook} from '../../src/playbook/run-playbook.js'
import {openSosreports} from '../../src/sources/sosreport/sosreport-source.js'

describe('control-plane from the dhcp-agent-down sosreports', () => {
  it("names the dead DHCP agent, reads RabbitMQ's status out of sos's rabbitmqctl report, and says sos asked cinder nothing", async () => {
    const loaded = await loadBuiltinPlaybook('control-plane')
    const source = await openSosreports(path.resolve('fixtures/lab/dhcp-agent-down/sos'))
    const seen: {command: string; origin: string}[] = []
    const d = await (async () => {
      try {
        return await runPlaybook(loaded.playbook, source, {
          target: null,
          onGathered: (g) => {
            if (g.request.kind === 'command') seen.push({command: g.request.argv.join(' '), origin: g.origin})
          },
        })
      } finally {
        await source.close()
      }
    })()
    expect(d.suspects[0]).toMatchObject({component: 'neutron-dhcp-agent', node: 'controller-0'})
    expect(seen.find((g) => g.command === 'rabbitmqctl status')?.origin).toBe(
      'sosreport controller-0:sos_commands/rabbitmq/rabbitmqctl_report (sos saved `rabbitmqctl report`, which opens with this status and goes on with cluster, queue and connection sections)',
    )
    expect(d.suspects.map((s) => s.component)).not.toContain('rabbitmq')
    expect(d.missing.find((m) => m.command === 'openstack volume service list -f json')?.reason).toContain(
      "sos 4.0's openstack_cinder plugin asks the API nothing",
    )
  })
})
