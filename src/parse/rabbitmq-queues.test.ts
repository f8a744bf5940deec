import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {ParseError} from './parse-error.js'
import {parseRabbitQueues} from './rabbitmq-queues.js'

const fixture = (path: string): string => readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8')
/** A lab capture without the probe's `$ command` and `[exit status: N]` lines. */
const body = (path: string): string => fixture(path).trimEnd().split('\n').slice(1, -1).join('\n')

describe('parseRabbitQueues', () => {
  it('reads every queue of the lab broker with its messages, consumers and unacknowledged count', () => {
    const {columns, queues} = parseRabbitQueues(body('control-plane/lab-healthy.rabbitmqctl_list_queues.txt'))
    expect(columns).toEqual(['name', 'messages', 'consumers', 'messages_unacknowledged'])
    expect(queues.length).toBeGreaterThan(40)
    expect(queues).toContainEqual({name: 'q-agent-notifier-tunnel-delete', messages: 0, consumers: 1, unacked: 0})
    expect(queues.filter((q) => q.consumers === 0)).toEqual([])
  })

  it('shows the fanout queues of a stopped OVS agent filling up with nobody consuming them', () => {
    // Taken while the lab's ovs-agent-down fault was injected (neutron-openvswitch-agent on compute-0 stopped).
    const {queues} = parseRabbitQueues(body('control-plane/lab-ovs-agent-down.rabbitmqctl_list_queues.txt'))
    const piling = queues.filter((q) => q.consumers === 0 && (q.messages ?? 0) > 0)
    expect(piling.length).toBeGreaterThan(0)
    expect(piling.every((q) => q.name.includes('_fanout_'))).toBe(true)
    expect(queues).toContainEqual({name: 'neutron-vo-SecurityGroup-1.5.compute-0', messages: 0, consumers: 0, unacked: 0})
  })

  it('skips the banner rabbitmqctl prints without -q and leaves a column not asked for null', () => {
    const {queues} = parseRabbitQueues(body('reference/scenarios/healthy/rabbitmqctl_list_queues.txt'))
    expect(queues).toContainEqual({name: 'conductor', messages: 0, consumers: 1, unacked: null})
    expect(queues.length).toBeGreaterThan(100)
  })

  it('throws ParseError on the error a stopped broker gives', () => {
    const stopped = body('reference/scenarios/rabbitmq_down/rabbitmqctl_status.txt')
    expect(() => parseRabbitQueues(stopped)).toThrow(ParseError)
  })
})
