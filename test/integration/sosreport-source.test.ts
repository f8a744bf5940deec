/**
 * The sosreport source against real sos 4.0 reports generated on this machine (fixtures/sosreport/README.md),
 * in the three forms operators hand us: the .tar.xz sos wrote, a .tar.gz of the same tree, and the
 * directory GNU tar extracts.
 */
import {execFileSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {appendFile, copyFile, mkdir, mkdtemp, readdir, rm, symlink, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {InputError} from '../../src/model/errors.js'
import {API_NODE} from '../../src/model/evidence.js'
import type {EvidenceSource} from '../../src/sources/source.js'
import {openSosreports} from '../../src/sources/sosreport/sosreport-source.js'

const FIXTURES = resolve(import.meta.dirname, '../../fixtures/sosreport')
const VM_XZ = join(FIXTURES, 'sosreport-vm-fixture-2026-11-22-lsycido.tar.xz')
const NODE2_XZ = join(FIXTURES, 'sosreport-ovs-node-2-fixture-2026-11-22-hlebrfb.tar.xz')
const VM_DIRNAME = 'sosreport-vm-fixture-2026-11-22-lsycido'

let work: string
let vmDir: string
let vmTgz: string

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ct-sos-it-'))
  await mkdir(join(work, 'extracted'))
  execFileSync('tar', ['xJf', VM_XZ, '-C', join(work, 'extracted')])
  vmDir = join(work, 'extracted', VM_DIRNAME)
  vmTgz = join(work, `${VM_DIRNAME}.tar.gz`)
  execFileSync('tar', ['czf', vmTgz, '-C', join(work, 'extracted'), VM_DIRNAME])
})

afterAll(async () => {
  await rm(work, {recursive: true, force: true})
})

const forms = [
  ['the .tar.xz sos wrote', () => VM_XZ],
  ['a .tar.gz of the same report', () => vmTgz],
  ['the extracted directory', () => vmDir],
] as const

describe.each(forms)('a sosreport given as %s', (_form, pathOf) => {
  let source: EvidenceSource
  beforeAll(async () => {
    source = await openSosreports(pathOf())
  })
  afterAll(async () => {
    await source.close()
  })

  it('names the node from its hostname and infers no OpenStack roles for a plain OVS host', async () => {
    expect(source.kind).toBe('sosreport')
    expect(await source.nodes()).toEqual([{name: 'vm', roles: []}])
    expect(source.description).toBe(`sosreport: 1 node (vm) from ${pathOf()}`)
  })

  it('answers ovs-vsctl show with the output sos saved for ovs-vsctl -t 5 show', async () => {
    const gathered = await source.gather('vm', {kind: 'command', argv: ['ovs-vsctl', 'show']})
    expect(gathered.status).toBe('ok')
    expect(gathered.exitCode).toBe(0)
    expect(gathered.stdout).toMatch(/Bridge br-int\n\s+datapath_type: netdev/)
    expect(gathered.stdout).toContain('Port tap-fixture0')
    expect(gathered.origin).toBe('sosreport vm:sos_commands/openvswitch/ovs-vsctl_-t_5_show')
    expect(gathered.capturedAt).toBe('2026-11-22T04:23:07')
  })

  it('reports the exit code the manifest recorded, and a command sos could not find as failed', async () => {
    const dumpe2fs = await source.gather('vm', {kind: 'command', argv: ['dumpe2fs', '-h', '/dev/vda']})
    expect(dumpe2fs).toMatchObject({
      status: 'ok',
      exitCode: 1,
      origin: 'sosreport vm:sos_commands/filesys/dumpe2fs_-h_.dev.vda',
    })
    expect(dumpe2fs.stdout).toContain("Couldn't find valid filesystem superblock")

    const ethtool = await source.gather('vm', {kind: 'command', argv: ['ethtool', '-i', 'lo']})
    expect(ethtool).toMatchObject({
      status: 'failed',
      exitCode: 127,
      error: '`ethtool -i lo` was not found on vm when sos ran (exit 127)',
    })
  })

  it('serves cat /proc/meminfo from the copied proc/meminfo', async () => {
    const gathered = await source.gather('vm', {kind: 'command', argv: ['cat', '/proc/meminfo']})
    expect(gathered).toMatchObject({
      status: 'ok',
      exitCode: 0,
      origin: 'sosreport vm:proc/meminfo',
      truncated: false,
    })
    expect(gathered.stdout).toMatch(/^MemTotal:\s+\d+ kB$/m)
  })

  it('follows the tailed-log symlink into sos_strings and marks the log truncated', async () => {
    const gathered = await source.gather('vm', {
      kind: 'file',
      path: '/var/log/openvswitch/ovsdb-server.log',
      tailLines: 2,
    })
    expect(gathered.status).toBe('ok')
    expect(gathered.truncated).toBe(true)
    expect(gathered.origin).toBe(
      'sosreport vm:var/log/openvswitch/ovsdb-server.log -> sos_strings/openvswitch/var.log.openvswitch.ovsdb-server.log.tailed',
    )
    const lines = gathered.stdout.split('\n').filter(Boolean)
    expect(lines).toHaveLength(2)
    for (const line of lines)
      expect(line).toMatch(/^2026-11-22T04:2\d:\d\d\.\d{3}Z\|\d+\|\w+\|(?:DBG|INFO)\|/)
  })

  it('reads the unit journal sos saved for journalctl -u', async () => {
    const gathered = await source.gather('vm', {
      kind: 'command',
      argv: ['journalctl', '-u', 'ovs-vswitchd', '--no-pager'],
    })
    expect(gathered).toMatchObject({
      status: 'ok',
      origin: 'sosreport vm:sos_commands/openvswitch/journalctl_--no-pager_--unit_ovs-vswitchd',
    })
  })

  it('says the report does not contain what it never collected', async () => {
    const log = await source.gather('vm', {kind: 'file', path: '/var/log/nova/nova-compute.log'})
    expect(log).toMatchObject({
      status: 'not-collected',
      exitCode: null,
      error: 'the sosreport for vm does not contain /var/log/nova/nova-compute.log',
    })
    const flows = await source.gather('vm', {kind: 'command', argv: ['ovs-ofctl', 'dump-flows', 'br-ex']})
    expect(flows.status).toBe('not-collected')
    expect(flows.error).toBe(
      'the sosreport for vm does not contain `ovs-ofctl dump-flows br-ex` (looked for sos_commands/*/ovs-ofctl_dump-flows_br-ex)',
    )
  })

  it('sends openstack requests for the api node to whichever report has them, and says none does', async () => {
    const gathered = await source.gather(API_NODE, {
      kind: 'command',
      argv: ['openstack', 'server', 'list', '-f', 'json'],
    })
    expect(gathered.status).toBe('not-collected')
    expect(gathered.error).toContain('sos only runs openstack commands when OS_* credentials are set')
  })

  it('answers an unknown node with not-collected instead of throwing', async () => {
    const gathered = await source.gather('compute-9', {kind: 'command', argv: ['uptime']})
    expect(gathered.status).toBe('not-collected')
    expect(gathered.error).toContain('no sosreport for node compute-9')
  })
})

describe('a case directory of sosreports', () => {
  it('opens every archive in it as one node each and removes its temp dirs on close', async () => {
    const caseDir = join(work, 'case-123')
    await mkdir(caseDir)
    await copyFile(VM_XZ, join(caseDir, 'sosreport-vm-fixture-2026-11-22-lsycido.tar.xz'))
    await copyFile(NODE2_XZ, join(caseDir, 'sosreport-ovs-node-2-fixture-2026-11-22-hlebrfb.tar.xz'))
    await writeFile(join(caseDir, 'notes.txt'), 'customer says VMs cannot reach the metadata service\n')
    // A private TMPDIR (read by os.tmpdir() at each call, per worker) so other suites' archives do not count.
    const privateTmp = join(work, 'tmp')
    await mkdir(privateTmp)
    const savedTmp = process.env.TMPDIR
    process.env.TMPDIR = privateTmp
    const source = await openSosreports(caseDir).finally(() => {
      if (savedTmp === undefined) delete process.env.TMPDIR
      else process.env.TMPDIR = savedTmp
    })
    expect(source.description).toBe(`sosreports: 2 nodes from ${caseDir}`)
    expect((await source.nodes()).map((node) => node.name)).toEqual(['ovs-node-2', 'vm'])
    const show = await source.gather('ovs-node-2', {kind: 'command', argv: ['ovs-vsctl', 'show']})
    expect(show.origin).toBe('sosreport ovs-node-2:sos_commands/openvswitch/ovs-vsctl_-t_5_show')
    const hostname = await source.gather('ovs-node-2', {kind: 'command', argv: ['hostname']})
    expect(hostname.stdout).toBe('ovs-node-2\n')

    const during = (await readdir(privateTmp)).filter((name) => name.startsWith('cloudtriage-archive-'))
    expect(during).toHaveLength(2)
    await source.close()
    for (const name of during) expect(existsSync(join(privateTmp, name))).toBe(false)
  })

  it('refuses an empty directory with a message that says what was expected', async () => {
    const empty = join(work, 'empty')
    await mkdir(empty)
    const error = await openSosreports(empty).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InputError)
    expect((error as Error).message).toBe(
      `${empty}: no sosreport found: expected a sosreport directory or archive (with sos_commands/ or version.txt and sos_reports/), or a directory of them`,
    )
  })

  it('names the archive when it is truncated', async () => {
    const cut = join(work, 'cut.tar.xz')
    execFileSync('sh', ['-c', `head -c 40000 '${VM_XZ}' > '${cut}'`])
    await expect(openSosreports(cut)).rejects.toThrow(`${cut}: corrupt or truncated archive`)
  })
})

describe('hostile or secret content in an extracted report', () => {
  // These two inputs are written by the test on top of the real report: a secret in a config and a symlink
  // out of the report, both shapes found in the wild but absent from our clean fixture.
  it('redacts secrets in what it returns and never follows a symlink out of the report', async () => {
    const copy = join(work, 'tampered')
    await mkdir(copy)
    execFileSync('tar', ['xJf', VM_XZ, '-C', copy])
    const root = join(copy, VM_DIRNAME)
    await mkdir(join(root, 'etc', 'nova'), {recursive: true})
    await writeFile(
      join(root, 'etc', 'nova', 'nova.conf'),
      '[DEFAULT]\ntransport_url = rabbit://nova:S3cr3tPw@10.0.0.5:5672/\n',
    )
    await appendFile(join(root, 'etc', 'nova', 'nova.conf'), '[keystone_authtoken]\npassword = hunter2\n')
    await symlink('/etc/passwd', join(root, 'etc', 'escape'))
    // A rotated log, as logrotate would leave it: the real tailed OVS log, gzip'd.
    const tailedLog = join(root, 'sos_strings', 'openvswitch', 'var.log.openvswitch.ovsdb-server.log.tailed')
    execFileSync('sh', [
      '-c',
      `gzip -c '${tailedLog}' > '${join(root, 'var/log/openvswitch/ovsdb-server.log.1.gz')}'`,
    ])

    const source = await openSosreports(root)
    try {
      const conf = await source.gather('vm', {kind: 'file', path: '/etc/nova/nova.conf'})
      expect(conf.status).toBe('ok')
      expect(conf.stdout).not.toContain('S3cr3tPw')
      expect(conf.stdout).not.toContain('hunter2')
      expect(conf.stdout).toContain('rabbit://nova:***@10.0.0.5:5672/')
      const rotated = await source.gather('vm', {
        kind: 'command',
        argv: ['tail', '-n', '3', '/var/log/openvswitch/ovsdb-server.log.1.gz'],
      })
      const plain = await source.gather('vm', {
        kind: 'file',
        path: '/var/log/openvswitch/ovsdb-server.log',
        tailLines: 3,
      })
      expect(rotated.status).toBe('ok')
      expect(rotated.stdout.split('\n')).toHaveLength(4)
      expect(rotated.stdout).toBe(plain.stdout)
      expect(rotated.request).toEqual({
        kind: 'command',
        argv: ['tail', '-n', '3', '/var/log/openvswitch/ovsdb-server.log.1.gz'],
      })
      const escape = await source.gather('vm', {kind: 'file', path: '/etc/escape'})
      expect(escape.status).toBe('not-collected')
      expect(escape.stdout).toBe('')
    } finally {
      await source.close()
    }
  })
})
