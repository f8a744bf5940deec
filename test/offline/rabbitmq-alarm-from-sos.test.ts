/**
 * control-plane offline from real sos 4.0 archives of the lab (fixtures/lab/<fault>/sos), on the RabbitMQ
 * evidence sos holds only inside `rabbitmqctl report`: the alarm `rabbitmq-diagnostics alarms` would show,
 * read from the report's Alarms sections (src/sources/sosreport/rabbitmq-report.ts). Nothing is mocked.
 */
import path from 'node:path'

import {describe, expect, it} from 'vitest'

import {loadBuiltinPlaybook} from '../../src/app/playbook-catalog.js'
import {runPlaybook} from '../../src/playbook/run-playbook.js'
import {openSosreports} from '../../src/sources/sosreport/sosreport-source.js'

async function diagnose(fault: string) {
  const loaded = await loadBuiltinPlaybook('control-plane')
  const source = await openSosreports(path.resolve('fixtures/lab', fault, 'sos'))
  try {
    return await runPlaybook(loaded.playbook, source, {target: null})
  } finally {
    await source.close()
  }
}

describe('RabbitMQ alarms from sosreports', () => {
  it('names RabbitMQ on controller-0 and cites the memory alarm of the report sos took during it', async () => {
    const d = await diagnose('rabbitmq-memory-alarm')
    expect(d.suspects[0]).toMatchObject({component: 'rabbitmq', node: 'controller-0'})
    const cited = d.suspects[0]?.evidence[0]
    expect(cited).toMatchObject({node: 'controller-0', source: 'rabbitmq-diagnostics -q alarms'})
    expect(cited?.origin).toContain('derived: the Alarms sections of the `rabbitmqctl report` sos saved')
    expect(cited?.excerpt).toContain('Memory alarm on node rabbit@localhost')
  }, 60_000)

  it('raises no alarm finding when the report says "(none)"', async () => {
    const d = await diagnose('dhcp-agent-down')
    const alarmed = d.suspects.filter((s) =>
      s.evidence.some((e) => e.source === 'rabbitmq-diagnostics -q alarms'),
    )
    expect(alarmed).toEqual([])
    expect(d.missing.map((m) => m.command)).not.toContain('rabbitmq-diagnostics -q alarms')
  }, 60_000)
})
