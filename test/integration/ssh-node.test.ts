/**
 * SshNode against a real OpenSSH sshd on 127.0.0.1 (see test/support/sshd.ts). No mocks: host keys,
 * authentication, quoting, timeouts and ProxyJump all go through OpenSSH itself.
 */
import {execFileSync, spawn, spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {fingerprintOf} from '../../src/sources/ssh/known-hosts.js'
import {
  DEFAULT_SSH_SETTINGS,
  SshNode,
  type SshEndpoint,
  type SshSettings,
} from '../../src/sources/ssh/ssh-node.js'
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

describe.skipIf(!sshdAvailable)('SshNode against a real sshd', () => {
  let dir: string
  let clientKey: KeyPair
  let strangerKey: KeyPair
  let sshd: TestSshd
  // Files the node reads must sit under the guard's readable roots; /run is one of them.
  const runDir = `/run/cloudtriage-test-${process.pid}`
  const nodes: SshNode[] = []

  beforeAll(async () => {
    dir = makeTempDir('ssh-node')
    clientKey = generateKeyPair(dir, 'id_ed25519')
    strangerKey = generateKeyPair(dir, 'stranger')
    sshd = await startSshd({authorizedKeys: [clientKey.publicLine]})
    mkdirSync(runDir, {recursive: true})
  })
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.close()))
    await sshd?.stop()
    rmSync(dir, {recursive: true, force: true})
    rmSync(runDir, {recursive: true, force: true})
  })

  function endpoint(overrides: Partial<SshEndpoint> = {}): SshEndpoint {
    return {
      name: 'node-a',
      host: '127.0.0.1',
      port: sshd.port,
      user: 'root',
      identityFiles: [clientKey.privatePath],
      ...overrides,
    }
  }
  function node(
    overrides: Partial<SshSettings> = {},
    target: Partial<SshEndpoint> = {},
    jump?: SshNode,
  ): SshNode {
    const settings: SshSettings = {
      ...DEFAULT_SSH_SETTINGS,
      knownHostsPath: sshd.knownHostsPath,
      agentSocket: undefined,
      connectTimeoutMs: 5_000,
      ...overrides,
    }
    const created = new SshNode(endpoint(target), settings, jump)
    nodes.push(created)
    return created
  }
  function acceptedLogins(server: TestSshd): number {
    return server
      .log()
      .split('\n')
      .filter((l) => l.includes('Accepted publickey')).length
  }

  it('runs uname -a and cat /proc/loadavg with key auth over one connection', async () => {
    const before = acceptedLogins(sshd)
    const n = node()
    const uname = await n.gather({kind: 'command', argv: ['uname', '-a']})
    const loadavg = await n.gather({kind: 'file', path: '/proc/loadavg'})
    expect(uname).toMatchObject({
      node: 'node-a',
      status: 'ok',
      exitCode: 0,
      truncated: false,
      origin: 'ssh node-a',
    })
    expect(uname.stdout).toMatch(/^Linux /)
    expect(loadavg.status).toBe('ok')
    expect(loadavg.stdout).toMatch(/^\d+\.\d+ \d+\.\d+ \d+\.\d+ \d+\/\d+ \d+\n$/)
    expect(acceptedLogins(sshd) - before).toBe(1)
  })

  it('reconnects on next use when a working connection drops', async () => {
    const n = node()
    expect((await n.gather({kind: 'command', argv: ['uname']})).status).toBe('ok')
    const before = acceptedLogins(sshd)
    // Each connection is served by a child of the listening sshd; ending them drops our connection. The
    // next request follows at once, before or after ssh2 notices: both must end in a fresh connection.
    const children = spawnSync('pgrep', ['-P', String(sshd.pid)], {encoding: 'utf8'})
      .stdout.trim()
      .split('\n')
      .filter(Boolean)
    expect(children.length).toBeGreaterThan(0)
    for (const pid of children) process.kill(Number(pid), 'SIGTERM')
    const after = await n.gather({kind: 'command', argv: ['uname']})
    expect(after.status).toBe('ok')
    expect(acceptedLogins(sshd) - before).toBe(1)
  })

  it('runs 12 commands at once on one connection without exceeding MaxSessions', async () => {
    const n = node({channelsPerConnection: 4})
    const results = await Promise.all(
      Array.from({length: 12}, () => n.gather({kind: 'command', argv: ['cat', '/proc/uptime']})),
    )
    expect(results.map((r) => r.status)).toEqual(Array(12).fill('ok'))
  })

  it('refuses an unknown host with its SHA256 fingerprint and the flag to accept it', async () => {
    const empty = join(dir, 'known_hosts_empty')
    writeFileSync(empty, '')
    const result = await node({knownHostsPath: empty}).gather({kind: 'command', argv: ['uname', '-a']})
    expect(result.status).toBe('unreachable')
    expect(result.error).toContain(
      `node-a (127.0.0.1:${sshd.port}): host key ${fingerprintOf(sshd.hostKey.blob)} is not in ${empty}`,
    )
    expect(result.error).toContain('--accept-new-host-key')
    expect(result.error).not.toContain('\n')
  })

  it('refuses a changed host key loudly, even with accept-new', async () => {
    const changed = join(dir, 'known_hosts_changed')
    writeFileSync(changed, `[127.0.0.1]:${sshd.port} ${strangerKey.publicLine}\n`)
    for (const acceptNewHostKeys of [false, true]) {
      const result = await node({knownHostsPath: changed, acceptNewHostKeys}).gather({
        kind: 'command',
        argv: ['uname'],
      })
      expect(result.status).toBe('unreachable')
      expect(result.error).toContain(
        `HOST KEY CHANGED: the node presented ${fingerprintOf(sshd.hostKey.blob)}`,
      )
      expect(result.error).toContain(fingerprintOf(strangerKey.blob))
    }
  })

  it('accepts a new host key for the run with accept-new, writing nothing', async () => {
    const empty = join(dir, 'known_hosts_accept')
    writeFileSync(empty, '')
    const n = node({knownHostsPath: empty, acceptNewHostKeys: true})
    const result = await n.gather({kind: 'command', argv: ['uname']})
    expect(result.status).toBe('ok')
    expect(n.acceptedNewHostKey).toBe(fingerprintOf(sshd.hostKey.blob))
    expect(readFileSync(empty, 'utf8')).toBe('')
  })

  it('passes hostile arguments through the remote shell verbatim without running them', async () => {
    const canary = join(dir, 'CANARY')
    const hostile = `x'; touch ${canary}; echo '$(touch ${canary})\`touch ${canary}\`"; touch ${canary} #\n touch ${canary} ünï ✓`
    const n = node()
    const grep = await n.gather({
      kind: 'command',
      argv: ['grep', '-F', '-e', hostile, '-e', `$(touch ${canary})`, '/proc/loadavg'],
    })
    // date prints its +FORMAT literally (no % here), so the output proves the argument arrived byte for byte.
    const date = await n.gather({kind: 'command', argv: ['date', `+${hostile}`]})
    expect(grep).toMatchObject({status: 'ok', exitCode: 1})
    expect(date).toMatchObject({status: 'ok', exitCode: 0, stdout: `${hostile}\n`})
    expect(existsSync(canary)).toBe(false)
  })

  it('stops a hanging command at its timeout, kills it on the node, and keeps the connection usable', async () => {
    const fifo = join(runDir, 'never-written.fifo')
    execFileSync('mkfifo', [fifo])
    const n = node()
    const started = Date.now()
    const result = await n.gather({kind: 'command', argv: ['cat', fifo], timeoutMs: 1_000})
    expect(result.status).toBe('timeout')
    expect(result.error).toContain('node-a')
    expect(Date.now() - started).toBeLessThan(4_000)
    // The sshd is local, so we can see whether the remote cat survived.
    await new Promise((r) => setTimeout(r, 300))
    expect(spawnSync('pgrep', ['-f', `cat ${fifo}`]).status).toBe(1)
    expect((await n.gather({kind: 'command', argv: ['uname']})).status).toBe('ok')
  })

  it('keeps the head of output beyond the cap and marks it truncated', async () => {
    const result = await node({outputCapBytes: 1_000}).gather({kind: 'file', path: '/proc/self/maps'})
    expect(result.status).toBe('ok')
    expect(result.truncated).toBe(true)
    expect(Buffer.byteLength(result.stdout)).toBeLessThanOrEqual(1_000)
    expect(result.stdout.length).toBeGreaterThan(500)
  })

  it('redacts secrets in what the node returns', async () => {
    const conf = join(runDir, 'service.conf')
    writeFileSync(
      conf,
      '[database]\nconnection = mysql+pymysql://nova:s3cr3t-db@db/nova\npassword = hunter2\n',
    )
    const result = await node().gather({kind: 'file', path: conf})
    expect(result.status).toBe('ok')
    expect(result.stdout).toContain('password = ***')
    expect(result.stdout).not.toMatch(/hunter2|s3cr3t-db/)
  })

  it('reports a missing file as failed with the reason from the node', async () => {
    const result = await node().gather({
      kind: 'file',
      path: '/var/log/cloudtriage-no-such.log',
      tailLines: 10,
    })
    expect(result.status).toBe('failed')
    expect(result.error).toMatch(/cannot read \/var\/log\/cloudtriage-no-such\.log: .*No such file/)
  })

  it('refuses a mutating command without connecting', async () => {
    const before = sshd.log().length
    const result = await node().gather({kind: 'command', argv: ['systemctl', 'restart', 'nova-compute']})
    expect(result.status).toBe('refused')
    expect(result.error).toMatch(/read-only guard/)
    expect(sshd.log().length).toBe(before)
  })

  it('reports a wrong key as unreachable with an authentication error', async () => {
    const result = await node({}, {identityFiles: [strangerKey.privatePath]}).gather({
      kind: 'command',
      argv: ['uname'],
    })
    expect(result.status).toBe('unreachable')
    expect(result.error).toContain(
      `node-a (127.0.0.1:${sshd.port}): authentication failed for user root (tried: ${strangerKey.privatePath})`,
    )
  })

  it('authenticates with a key held only by a real ssh-agent', async () => {
    const socket = join(dir, 'agent.sock')
    const agent = spawn('ssh-agent', ['-D', '-a', socket], {stdio: 'ignore'})
    try {
      for (let i = 0; i < 50 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 50))
      execFileSync('ssh-add', [clientKey.privatePath], {
        env: {...process.env, SSH_AUTH_SOCK: socket},
        stdio: 'ignore',
      })
      // The only identity file offered is one the server does not accept, so success means the agent worked.
      const result = await node({agentSocket: socket}, {identityFiles: [strangerKey.privatePath]}).gather({
        kind: 'command',
        argv: ['uname'],
      })
      expect(result.status).toBe('ok')
    } finally {
      agent.kill()
    }
  })

  it('reports connection refused as unreachable, naming the node and address', async () => {
    const closed = await startSshd({authorizedKeys: []})
    const port = closed.port
    await closed.stop()
    const result = await node({}, {name: 'compute-1', port}).gather({kind: 'command', argv: ['uname']})
    expect(result.status).toBe('unreachable')
    expect(result.error).toMatch(new RegExp(`^compute-1 \\(127\\.0\\.0\\.1:${port}\\): connection refused`))
  })

  it('offers the host key type known_hosts has, when the server has several', async () => {
    const rsaHostKey = generateKeyPair(dir, 'ssh_host_rsa_key', 'rsa')
    const both = await startSshd({authorizedKeys: [clientKey.publicLine], extraHostKeys: [rsaHostKey]})
    try {
      // Only the RSA key is known; ssh2 on its own would negotiate Ed25519 first and see a "changed" key.
      const rsaOnly = join(dir, 'known_hosts_rsa_only')
      writeFileSync(rsaOnly, `[127.0.0.1]:${both.port} ${rsaHostKey.publicLine}\n`)
      const result = await node({knownHostsPath: rsaOnly}, {port: both.port}).gather({
        kind: 'command',
        argv: ['uname'],
      })
      expect(result.status).toBe('ok')
    } finally {
      await both.stop()
    }
  })

  it('remembers an unreachable node, so later requests fail at once with the same reason', async () => {
    const closed = await startSshd({authorizedKeys: []})
    await closed.stop()
    const n = node({}, {port: closed.port})
    const first = await n.gather({kind: 'command', argv: ['uname']})
    const second = await n.gather({kind: 'command', argv: ['uptime']})
    expect(second.status).toBe('unreachable')
    expect(second.error).toBe(first.error)
    expect(second.durationMs).toBeLessThan(50)
  })

  it('gives up on a server that accepts TCP but never speaks SSH, at the connect timeout', async () => {
    const silent = createServer(() => undefined)
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const address = silent.address()
    const port = typeof address === 'object' && address ? address.port : 0
    try {
      const result = await node({connectTimeoutMs: 1_000}, {port}).gather({kind: 'command', argv: ['uname']})
      expect(result.status).toBe('unreachable')
      expect(result.error).toBe(`node-a (127.0.0.1:${port}): no SSH handshake within 1 s`)
      expect(result.durationMs).toBeLessThan(3_000)
    } finally {
      silent.close()
    }
  })

  describe('through a ProxyJump bastion (a second real sshd)', () => {
    let bastion: TestSshd
    let bothKnown: string
    beforeAll(async () => {
      bastion = await startSshd({authorizedKeys: [clientKey.publicLine], logLevel: 'DEBUG1'})
      bothKnown = join(dir, 'known_hosts_both')
      writeFileSync(
        bothKnown,
        readFileSync(sshd.knownHostsPath, 'utf8') + readFileSync(bastion.knownHostsPath, 'utf8'),
      )
    })
    afterAll(async () => bastion?.stop())

    it('reaches the target through the bastion and checks the target host key', async () => {
      const jump = node({knownHostsPath: bothKnown}, {name: 'bastion', port: bastion.port})
      const target = node({knownHostsPath: bothKnown}, {name: 'compute-0'}, jump)
      const result = await target.gather({kind: 'command', argv: ['uname', '-a']})
      expect(result.status).toBe('ok')
      expect(bastion.log()).toMatch(
        new RegExp(`direct-tcpip.*127\\.0\\.0\\.1.*${sshd.port}|target 127\\.0\\.0\\.1 port ${sshd.port}`),
      )
    })

    it('says which hop failed when the bastion cannot reach the target', async () => {
      const closed = await startSshd({authorizedKeys: []})
      const port = closed.port
      await closed.stop()
      const jump = node({knownHostsPath: bothKnown}, {name: 'bastion', port: bastion.port})
      const result = await node({knownHostsPath: bothKnown}, {name: 'compute-9', port}, jump).gather({
        kind: 'command',
        argv: ['uname'],
      })
      expect(result.status).toBe('unreachable')
      expect(result.error).toContain(
        `compute-9 (127.0.0.1:${port} via bastion): jump host failed: bastion (127.0.0.1:${bastion.port}) could not connect onward`,
      )
    })

    it('names the bastion when the bastion itself is down', async () => {
      const closed = await startSshd({authorizedKeys: []})
      const port = closed.port
      await closed.stop()
      const jump = node({knownHostsPath: bothKnown}, {name: 'bastion', port})
      const result = await node({knownHostsPath: bothKnown}, {name: 'compute-0'}, jump).gather({
        kind: 'command',
        argv: ['uname'],
      })
      expect(result.status).toBe('unreachable')
      expect(result.error).toMatch(
        new RegExp(
          `^compute-0 \\(127\\.0\\.0\\.1:${sshd.port} via bastion\\): jump host failed: bastion \\(127\\.0\\.0\\.1:${port}\\): connection refused`,
        ),
      )
    })
  })
})
