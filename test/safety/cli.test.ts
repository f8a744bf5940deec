/**
 * The real CLI (`node bin/run.js`, built by `npm run build`, which `npm test` runs first) against bad
 * input and against a run cut short. Bad input: one clear line naming the file[:line:col] or node, exit 2,
 * no stack trace without --debug, and no report file left behind. Cut short: Ctrl-C and --deadline while
 * the real openstack client waits on a loopback "keystone" that accepts TCP and never answers; the run
 * must end promptly with exit 3, a valid bundle marked incomplete, and a report naming what is missing.
 */
import {spawn, spawnSync} from 'node:child_process'
import {cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:net'
import {join, resolve} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {makeTempDir} from '../support/sshd.js'

const REPO = resolve('.')
const BIN = join(REPO, 'bin/run.js')
const built = existsSync(join(REPO, 'dist/commands/vm-ssh-fail.js'))
if (!built) console.warn('skipping CLI safety tests: run `npm run build` first (npm test does)')

const dir = makeTempDir('cli-safety')
afterAll(() => rmSync(dir, {recursive: true, force: true}))

function cli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): {code: number | null; stdout: string; stderr: string} {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 60_000,
    env: {...process.env, NO_COLOR: '1', ...env},
  })
  return {code: r.status, stdout: r.stdout, stderr: r.stderr}
}

/** Each bad input, the command that reads it, and what the one line must name. */
function badInputs(): {name: string; args: string[]; names: RegExp}[] {
  const p = (name: string): string => join(dir, name)
  mkdirSync(p('empty'))
  writeFileSync(
    p('sosreport-corrupt.tar.xz'),
    Buffer.from(Array.from({length: 4096}, (_, i) => (i * 7919) % 251)),
  )
  const real = readFileSync('fixtures/sosreport/sosreport-ovs-node-2-fixture-2026-11-22-hlebrfb.tar.xz')
  writeFileSync(p('sosreport-truncated.tar.xz'), real.subarray(0, Math.floor(real.length / 2)))
  cpSync('fixtures/demo-cloud', p('newer-bundle'), {recursive: true})
  const manifest = p('newer-bundle/bundle.json')
  writeFileSync(manifest, readFileSync(manifest, 'utf8').replace(/"version":\s*1,/, '"version": 99,'))
  writeFileSync(p('playbook-syntax.yaml'), 'id: broken\nphases: [\n  - id: macro\n')
  writeFileSync(p('playbook-schema.yaml'), 'id: broken\ntitle: no phases\n')
  writeFileSync(p('inventory-syntax.yaml'), 'nodes:\n  - name: a\n    host: [\n')
  writeFileSync(p('inventory-schema.yaml'), 'nodes:\n  - name: a\n    hots: 127.0.0.1\n')
  writeFileSync(
    p('inventory-duplicate.yaml'),
    'nodes:\n  - {name: a, host: 127.0.0.1}\n  - {name: a, host: 127.0.0.2}\n',
  )
  return [
    {
      name: 'a corrupt sosreport archive',
      args: ['vm-ssh-fail', 'x', '--from', p('sosreport-corrupt.tar.xz')],
      names: /sosreport-corrupt\.tar\.xz: not a readable archive/,
    },
    {
      name: 'a truncated sosreport archive',
      args: ['vm-ssh-fail', 'x', '--from', p('sosreport-truncated.tar.xz')],
      names: /sosreport-truncated\.tar\.xz: corrupt or truncated archive/,
    },
    {
      name: 'an empty directory',
      args: ['vm-ssh-fail', 'x', '--from', p('empty')],
      names: /empty: is empty; expected/,
    },
    {
      name: 'a path that does not exist',
      args: ['vm-ssh-fail', 'x', '--from', p('missing')],
      names: /missing: no such file or directory/,
    },
    {
      name: 'a bundle from a newer format version',
      args: ['vm-ssh-fail', 'x', '--from', p('newer-bundle')],
      names: /bundle\.json: bundle version 99 is newer/,
    },
    {
      name: 'a playbook with a YAML syntax error',
      args: ['run', p('playbook-syntax.yaml')],
      names: /playbook-syntax\.yaml:\d+:\d+: YAML syntax/,
    },
    {
      name: 'a playbook that breaks the schema',
      args: ['run', p('playbook-schema.yaml')],
      names: /playbook-schema\.yaml:\d+:\d+: /,
    },
    {
      name: 'an inventory with a YAML syntax error',
      args: ['vm-ssh-fail', 'x', '--inventory', p('inventory-syntax.yaml')],
      names: /inventory-syntax\.yaml:\d+:\d+: YAML syntax/,
    },
    {
      name: 'an inventory that breaks the schema',
      args: ['vm-ssh-fail', 'x', '--inventory', p('inventory-schema.yaml')],
      names: /inventory-schema\.yaml:3:5: nodes\.0: unknown key hots/,
    },
    {
      name: 'an inventory naming a node twice',
      args: ['vm-ssh-fail', 'x', '--inventory', p('inventory-duplicate.yaml')],
      names: /inventory-duplicate\.yaml:\d+:\d+: /,
    },
    {
      name: 'an unknown built-in playbook',
      args: ['collect', 'no-such-playbook', '--out', p('never.tar.gz')],
      names: /no-such-playbook/,
    },
  ]
}

describe.skipIf(!built)('bad input through the real CLI', () => {
  const cases = built ? badInputs() : []

  it.each(cases.map((c) => [c.name, c]))(
    '%s: one line naming it, exit 2, no stack, nothing written',
    (_n, c) => {
      const report = join(dir, `report-${c.name.replaceAll(' ', '-')}.md`)
      const r = cli([...c.args, '-o', report])
      expect(r.code, r.stderr).toBe(2)
      const message = r.stderr.replaceAll(/\s*\n\s*›\s*/g, ' ')
      expect(message).toMatch(c.names)
      expect(r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m)
      expect(existsSync(report)).toBe(false)
      expect(readdirSync(dir).some((f) => f.includes('.partial-'))).toBe(false)
    },
  )

  it('shows the stack only with --debug', () => {
    const r = cli(['vm-ssh-fail', 'x', '--from', join(dir, 'empty'), '--debug'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^\s+at .+:\d+:\d+\)?$/m)
  })

  it('covers at least 10 kinds of bad input (figure in docs/SAFETY.md)', () => {
    expect(cases.length).toBeGreaterThanOrEqual(10)
  })

  it('reads a sosreport from a sos version it has never seen by its layout, without an internal error', () => {
    const root = join(dir, 'sos-future')
    mkdirSync(root)
    spawnSync('tar', [
      '-xJf',
      'fixtures/sosreport/sosreport-vm-fixture-2026-11-22-lsycido.tar.xz',
      '-C',
      root,
    ])
    const report = join(root, readdirSync(root)[0] ?? '')
    writeFileSync(
      join(report, 'version.txt'),
      readFileSync(join(report, 'version.txt'), 'utf8').replace(/^sosreport: .*/m, 'sosreport: 99.0'),
    )
    const r = cli(['vm-ssh-fail', '--from', report])
    expect([0, 1, 3]).toContain(r.code)
    expect(r.stderr).not.toContain('internal error')
  })
})

describe.skipIf(!built)('a live run cut short', () => {
  let keystone: Server
  let port = 0
  let accepted = 0
  let inventory: string

  beforeAll(async () => {
    keystone = createServer(() => {
      accepted++
    })
    await new Promise<void>((r) => keystone.listen(0, '127.0.0.1', r))
    const a = keystone.address()
    port = typeof a === 'object' && a ? a.port : 0
    inventory = join(dir, 'inventory.yaml')
    writeFileSync(inventory, 'nodes:\n  - {name: compute-0, host: 127.0.0.1, port: 1, roles: [compute]}\n')
  })
  afterAll(() => keystone.close())

  /** The operator's environment for a cloud whose keystone hangs: the real openstack client will wait. */
  const hangingCloud = (): NodeJS.ProcessEnv => ({
    OS_CLOUD: '',
    OS_AUTH_URL: `http://127.0.0.1:${port}/v3`,
    OS_USERNAME: 'admin',
    OS_PASSWORD: 'not-a-real-password',
    OS_PROJECT_NAME: 'admin',
    OS_USER_DOMAIN_NAME: 'Default',
    OS_PROJECT_DOMAIN_NAME: 'Default',
    OS_IDENTITY_API_VERSION: '3',
  })

  it('Ctrl-C mid-collection: exit 3 within seconds, a valid bundle marked incomplete, missing evidence named', async () => {
    const bundle = join(dir, 'interrupted.tar.gz')
    const report = join(dir, 'interrupted.md')
    const before = accepted
    const child = spawn(
      process.execPath,
      [BIN, 'collect', 'vm-ssh-fail', 'web-1', '--inventory', inventory, '--out', bundle],
      {
        cwd: REPO,
        env: {...process.env, ...hangingCloud(), NO_COLOR: '1'},
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let stdout = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
    // Collection is under way once the openstack client has connected to the hanging keystone.
    const deadline = Date.now() + 40_000
    while (accepted === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    expect(accepted).toBeGreaterThan(before)
    const interrupted = Date.now()
    child.kill('SIGINT')
    const code = await exited
    const seconds = (Date.now() - interrupted) / 1000
    expect(code).toBe(3)
    expect(seconds).toBeLessThan(10)
    expect(stdout).toMatch(/INCOMPLETE: interrupted \(SIGINT\)/)
    const replay = cli(['vm-ssh-fail', 'web-1', '--from', bundle, '-o', report], {})
    expect(replay.code).toBe(3)
    expect(readFileSync(report, 'utf8')).toContain('## Missing evidence')
    console.info(
      `cli: Ctrl-C during collection, exit 3 after ${seconds.toFixed(1)} s, bundle valid and marked incomplete`,
    )
  }, 90_000)

  it('--dry-run on collect prints the plan, contacts nothing, writes no bundle, exit 0', () => {
    const bundle = join(dir, 'dry.tar.gz')
    const before = accepted
    const r = cli(
      ['collect', 'vm-ssh-fail', 'web-1', '--inventory', inventory, '--out', bundle, '--dry-run'],
      hangingCloud(),
    )
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('nothing was run and no node was contacted')
    expect(r.stdout).toContain('openstack server show web-1 -f json')
    expect(accepted).toBe(before)
    expect(existsSync(bundle)).toBe(false)
  })

  it('--deadline ends the run at the deadline with exit 3 and names the deadline in the report', () => {
    const report = join(dir, 'deadline.md')
    const started = Date.now()
    const r = cli(
      ['vm-ssh-fail', 'web-1', '--inventory', inventory, '--deadline', '3', '-o', report],
      hangingCloud(),
    )
    const seconds = (Date.now() - started) / 1000
    expect(r.code, r.stderr).toBe(3)
    expect(readFileSync(report, 'utf8')).toContain("the run's overall deadline (3 s) passed")
    // CLI start-up (~1-3 s on a loaded box) + 3 s deadline + closing.
    expect(seconds).toBeLessThan(15)
    console.info(`cli: --deadline 3 ended the run after ${seconds.toFixed(1)} s (including start-up), exit 3`)
  }, 60_000)
})
