/**
 * The live source end to end: an inventory of real OpenSSH sshds on 127.0.0.1 (test/support/sshd.ts),
 * one of them a ProxyJump bastion, plus the `api` node on this machine. No mocks.
 */
import {execFileSync} from 'node:child_process'
import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {parseInventory} from '../../src/inventory/load-inventory.js'
import {fingerprintOf} from '../../src/sources/ssh/known-hosts.js'
import {createLiveSource, type LiveSource} from '../../src/sources/live-source.js'
import {
  generateKeyPair,
  makeTempDir,
  sshdAvailable,
  SSHD_SKIP_REASON,
  startSshd,
  type KeyPair,
  type TestSshd,
} from '../support/sshd.js'

if (!sshdAvailable) console.warn(`skipping real-sshd tests: ${SSHD_SKIP_REASON}`)

describe.skipIf(!sshdAvailable)('live source over real sshd', () => {
  let dir: string
  let key: KeyPair
  let controller: TestSshd
  let compute: TestSshd
  let knownHosts: string
  const runDir = `/run/cloudtriage-source-test-${process.pid}`
  const sources: LiveSource[] = []

  beforeAll(async () => {
    dir = makeTempDir('ssh-source')
    key = generateKeyPair(dir, 'id_ed25519')
    controller = await startSshd({authorizedKeys: [key.publicLine], logLevel: 'DEBUG1'})
    compute = await startSshd({authorizedKeys: [key.publicLine]})
    knownHosts = join(dir, 'known_hosts')
    writeFileSync(
      knownHosts,
      readFileSync(controller.knownHostsPath, 'utf8') + readFileSync(compute.knownHostsPath, 'utf8'),
    )
    mkdirSync(runDir, {recursive: true})
  })
  afterAll(async () => {
    await Promise.all(sources.map((s) => s.close()))
    await controller?.stop()
    await compute?.stop()
    rmSync(dir, {recursive: true, force: true})
    rmSync(runDir, {recursive: true, force: true})
  })

  /** An inventory file as an operator would write it, pointing at the test sshds. */
  function inventoryText(knownHostsPath = knownHosts): string {
    return [
      `defaults: {user: root, identity_file: ${key.privatePath}, known_hosts: ${knownHostsPath}}`,
      'nodes:',
      '  - name: controller-0',
      '    host: 127.0.0.1',
      `    port: ${controller.port}`,
      '    roles: [controller, network]',
      '  - name: compute-0',
      '    host: 127.0.0.1',
      `    port: ${compute.port}`,
      '    roles: [compute]',
      '    jump: controller-0',
      '  - name: compute-1',
      '    host: 127.0.0.1',
      `    port: ${compute.port}`,
      '    roles: [compute]',
      '',
    ].join('\n')
  }
  function source(options: Parameters<typeof createLiveSource>[1] = {}, knownHostsPath?: string): LiveSource {
    const created = createLiveSource(
      parseInventory(inventoryText(knownHostsPath), join(dir, 'inventory.yaml'), {
        sshConfigPath: join(dir, 'none'),
      }),
      {agentSocket: '', ...options},
    )
    sources.push(created)
    return created
  }

  it('lists the inventory nodes with their roles', async () => {
    const live = source()
    expect(live.kind).toBe('live')
    expect(await live.nodes()).toEqual([
      {name: 'controller-0', roles: ['controller', 'network']},
      {name: 'compute-0', roles: ['compute']},
      {name: 'compute-1', roles: ['compute']},
    ])
    expect(live.description).toMatch(/^live: 3 nodes from .*inventory\.yaml/)
  })

  it('gathers from a direct node, a node behind a jump, and the api node on this machine', async () => {
    const live = source()
    const [direct, jumped, api] = await Promise.all([
      live.gather('controller-0', {kind: 'command', argv: ['uname', '-a']}),
      live.gather('compute-0', {kind: 'file', path: '/proc/loadavg'}),
      live.gather('api', {kind: 'command', argv: ['uname', '-s']}),
    ])
    expect(direct).toMatchObject({node: 'controller-0', status: 'ok', origin: 'ssh controller-0'})
    expect(jumped).toMatchObject({node: 'compute-0', status: 'ok', origin: 'ssh compute-0'})
    expect(jumped.stdout).toMatch(/^\d+\.\d+ /)
    expect(api).toMatchObject({node: 'api', status: 'ok', origin: 'local', stdout: 'Linux\n'})
    // compute-0 went through controller-0's connection: its sshd opened a direct-tcpip channel to compute's port.
    expect(controller.log()).toMatch(
      new RegExp(`direct-tcpip.*${compute.port}|target 127\\.0\\.0\\.1 port ${compute.port}`),
    )
  })

  it('answers an unknown node with unreachable, naming the inventory', async () => {
    const result = await source().gather('compute-9', {kind: 'command', argv: ['uname']})
    expect(result.status).toBe('unreachable')
    expect(result.error).toMatch(/^compute-9: not in the inventory \(.*inventory\.yaml\)/)
  })

  it('works on at most nodeParallelism nodes at once', async () => {
    const fifo = join(runDir, 'slow.fifo')
    execFileSync('mkfifo', [fifo])
    const timings = async (nodeParallelism: number): Promise<{slowDone: number; fastDone: number}> => {
      const live = source({nodeParallelism})
      // Warm both connections so the comparison is about scheduling, not handshakes.
      await Promise.all([
        live.gather('controller-0', {kind: 'command', argv: ['uname']}),
        live.gather('compute-1', {kind: 'command', argv: ['uname']}),
      ])
      const start = Date.now()
      let slowDone = 0
      let fastDone = 0
      await Promise.all([
        live
          .gather('controller-0', {kind: 'command', argv: ['cat', fifo], timeoutMs: 1_000})
          .then(() => (slowDone = Date.now() - start)),
        live
          .gather('compute-1', {kind: 'command', argv: ['uname']})
          .then(() => (fastDone = Date.now() - start)),
      ])
      return {slowDone, fastDone}
    }
    const one = await timings(1)
    expect(one.fastDone).toBeGreaterThanOrEqual(one.slowDone)
    const two = await timings(2)
    expect(two.fastDone).toBeLessThan(two.slowDone)
  })

  it('accepts unknown host keys only with acceptNewHostKeys, and reports which', async () => {
    const empty = join(dir, 'known_hosts_empty')
    writeFileSync(empty, '')
    const strict = await source({}, empty).gather('compute-1', {kind: 'command', argv: ['uname']})
    expect(strict.status).toBe('unreachable')
    expect(strict.error).toContain('--accept-new-host-key')

    const lenient = source({acceptNewHostKeys: true}, empty)
    expect((await lenient.gather('compute-1', {kind: 'command', argv: ['uname']})).status).toBe('ok')
    expect(lenient.acceptedHostKeys()).toEqual([
      {node: 'compute-1', fingerprint: fingerprintOf(compute.hostKey.blob)},
    ])
    expect(readFileSync(empty, 'utf8')).toBe('')
    // …and the report says so, with the fingerprint to check against the node.
    expect(lenient.notes()).toEqual([
      expect.stringContaining(
        `Host key ${fingerprintOf(compute.hostKey.blob)} of compute-1 was accepted for this run only`,
      ),
    ])
    expect(source({}, empty).notes()).toEqual([])
  })

  it('closes every connection on close()', async () => {
    const live = source()
    await live.gather('compute-0', {kind: 'command', argv: ['uname']})
    const before = compute
      .log()
      .split('\n')
      .filter((l) => /Disconnected from user root|Received disconnect/.test(l)).length
    await live.close()
    await new Promise((r) => setTimeout(r, 200))
    const after = compute
      .log()
      .split('\n')
      .filter((l) => /Disconnected from user root|Received disconnect/.test(l)).length
    expect(after).toBeGreaterThan(before)
  })
})
