/**
 * --dry-run runs nothing and contacts nothing: the live source points at a TCP listener on 127.0.0.1
 * that counts connections, and the `api` node's openstack client is replaced on PATH by nothing at all
 * (an empty PATH would make any local run fail loudly). The plan must still name every first-wave command
 * exactly, and the rest as templates.
 */
import {createServer, type Server} from 'node:net'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {loadBuiltinPlaybook} from '../../src/app/playbook-catalog.js'
import {planDryRun, renderDryRun} from '../../src/collect/dry-run.js'
import {parseInventory} from '../../src/inventory/load-inventory.js'
import {createLiveSource} from '../../src/sources/live-source.js'

let listener: Server
let port = 0
let connections = 0

beforeAll(async () => {
  listener = createServer((socket) => {
    connections++
    socket.destroy()
  })
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve))
  const address = listener.address()
  port = typeof address === 'object' && address ? address.port : 0
})
afterAll(() => listener.close())

describe('a dry run', () => {
  it('lists the exact first-wave commands per node and the later ones as templates, contacting no node', async () => {
    const {playbook} = await loadBuiltinPlaybook('vm-ssh-fail')
    const inventory = parseInventory(
      [
        'defaults: {user: root}',
        'nodes:',
        `  - {name: compute-0, host: 127.0.0.1, port: ${port}, roles: [compute]}`,
        '',
      ].join('\n'),
      '/tmp/inventory.yaml',
      {sshConfigPath: '/nonexistent'},
    )
    const source = createLiveSource(inventory, {localEnv: {PATH: ''}, agentSocket: ''})
    const plan = await planDryRun(playbook, source, 'web-1')
    await source.close()

    expect(connections).toBe(0)
    expect(plan.now).toContainEqual({
      node: 'api',
      command: 'openstack server show web-1 -f json',
      allowed: true,
    })
    expect(plan.now.every((c) => c.allowed)).toBe(true)
    expect(plan.later).toContainEqual(
      expect.objectContaining({
        id: 'flows',
        on: '{{ $server.host }}',
        command: 'ovs-ofctl dump-flows br-int',
      }),
    )
    // Every gather of the playbook is accounted for, now or later.
    const gathers = playbook.phases.flatMap((p) => p.gather) // discover runs only without a target
    expect(plan.now.length + plan.later.length).toBeGreaterThanOrEqual(gathers.length)
    const text = renderDryRun(plan)
    expect(text).toContain('nothing was run and no node was contacted')
    expect(text).toContain('    openstack server show web-1 -f json')
  })
})
