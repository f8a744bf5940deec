/**
 * Capture bundles end to end: record a real source (the sosreport fixture, fixtures/sosreport/README.md)
 * through recordingSource, replay it with openBundle, and check the failure modes an operator meets:
 * Ctrl-C, a crash, an existing path, and bundles that were cut, edited or written by a newer cloudtriage.
 */
import {execFileSync, spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import {mkdir, mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {InputError} from '../../src/model/errors.js'
import type {EvidenceRequest, Gathered} from '../../src/model/evidence.js'
import {openBundle} from '../../src/sources/bundle/bundle-source.js'
import {createBundleWriter} from '../../src/sources/bundle/bundle-writer.js'
import {recordingSource} from '../../src/sources/bundle/recording-source.js'
import {openSosreports} from '../../src/sources/sosreport/sosreport-source.js'

const REPO = resolve(import.meta.dirname, '../..')
const VM_XZ = join(REPO, 'fixtures/sosreport/sosreport-vm-fixture-2026-11-22-lsycido.tar.xz')
const META = {tool: {name: 'cloudtriage', version: '0.1.0-test'}, playbook: 'ovs-health', target: null}

const REQUESTS: readonly EvidenceRequest[] = [
  {kind: 'command', argv: ['ovs-vsctl', 'show']},
  {kind: 'command', argv: ['dumpe2fs', '-h', '/dev/vda']},
  {kind: 'command', argv: ['ethtool', '-i', 'lo']},
  {kind: 'command', argv: ['ovs-ofctl', 'dump-flows', 'br-ex']},
  {kind: 'file', path: '/var/log/openvswitch/ovsdb-server.log', tailLines: 5},
  {kind: 'command', argv: ['cat', '/proc/meminfo']},
]

let work: string
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ct-bundle-it-'))
})
afterAll(async () => {
  await rm(work, {recursive: true, force: true})
})

/** Record REQUESTS from the fixture into a bundle at `path`; return what the live side saw. */
async function record(path: string): Promise<Gathered[]> {
  const writer = await createBundleWriter(path, META)
  const source = recordingSource(await openSosreports(VM_XZ), writer)
  try {
    await source.nodes()
    const answers = await Promise.all(REQUESTS.map((request) => source.gather('vm', request)))
    await writer.finish({complete: true})
    return answers
  } finally {
    await source.close()
  }
}

describe.each([
  ['a directory', 'capture'],
  ['a .tar.gz', 'capture.tar.gz'],
])('a bundle saved as %s', (_form, name) => {
  it('replays exactly what was recorded, with the bundle file added to the origin', async () => {
    const dir = join(work, `roundtrip-${name}`)
    await mkdir(dir)
    const path = join(dir, name)
    const live = await record(path)
    expect(live.map((g) => g.status)).toEqual(['ok', 'ok', 'failed', 'not-collected', 'ok', 'ok'])
    expect(await readdir(dir)).toEqual([name]) // no .partial-* left behind

    const replay = await openBundle(path)
    try {
      expect(replay.kind).toBe('bundle')
      expect(replay.manifest.complete).toBe(true)
      expect(await replay.nodes()).toEqual([{name: 'vm', roles: []}])
      for (const [index, original] of live.entries()) {
        const again = await replay.gather('vm', REQUESTS[index] as EvidenceRequest)
        const {origin, ...rest} = again
        const {origin: liveOrigin, ...liveRest} = original
        expect(rest).toEqual(liveRest)
        expect(origin).toMatch(
          new RegExp(
            `^bundle items/\\d{4}\\.out \\(${liveOrigin.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)$`,
          ),
        )
      }
      const unrecorded = await replay.gather('vm', {kind: 'command', argv: ['ovs-vsctl', 'list-br']})
      expect(unrecorded).toMatchObject({
        status: 'not-collected',
        error: `the bundle ${path} did not record \`ovs-vsctl list-br\` on vm`,
      })
    } finally {
      await replay.close()
    }
  })
})

describe('writing a bundle', () => {
  it('packs .tar.gz bundles under one folder named after the file, readable by GNU tar', async () => {
    const path = join(work, 'listing.tar.gz')
    await record(path)
    const listing = execFileSync('tar', ['tzf', path], {encoding: 'utf8'}).split('\n')
    expect(listing).toContain('listing/bundle.json')
    expect(listing).toContain('listing/items/0001.out')
  })

  it('refuses to overwrite an existing path unless told to', async () => {
    const path = join(work, 'existing')
    await mkdir(path)
    await writeFile(join(path, 'keep.txt'), 'operator notes\n')
    await expect(createBundleWriter(path, META)).rejects.toThrow(
      `${path}: already exists; choose another path or remove it first (nothing was overwritten)`,
    )

    const writer = await createBundleWriter(path, META, {overwrite: true})
    await writer.finish({complete: true})
    expect(existsSync(join(path, 'bundle.json'))).toBe(true)
    expect(existsSync(join(path, 'keep.txt'))).toBe(false)
  })

  it('leaves no half-written bundle when the path appears while it is writing', async () => {
    const dir = join(work, 'race')
    await mkdir(dir)
    const path = join(dir, 'capture')
    const writer = await createBundleWriter(path, META)
    const source = await openSosreports(VM_XZ)
    await writer.add(await source.gather('vm', {kind: 'command', argv: ['ovs-vsctl', 'show']}))
    await source.close()
    expect(existsSync(path)).toBe(false)
    await mkdir(path) // someone else got there first
    const error = await writer.finish({complete: true}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InputError)
    expect(await readdir(dir)).toEqual(['capture'])
    expect(await readdir(path)).toEqual([])
  })

  it('redacts again what a careless source handed it', async () => {
    const path = join(work, 'careless')
    const writer = await createBundleWriter(path, META)
    // A hand-made answer: the point is a source that forgot to redact, which no real source here does.
    await writer.add({
      node: 'ctl-0',
      request: {kind: 'file', path: '/etc/nova/nova.conf'},
      status: 'ok',
      exitCode: 0,
      stdout: '[database]\nconnection = mysql+pymysql://nova:Sup3rSecret@db/nova\n',
      stderr: 'password = hunter2',
      durationMs: 3,
      truncated: false,
      origin: 'ssh ctl-0',
    })
    await writer.finish({complete: true})
    const raw =
      (await readFile(join(path, 'items', '0001.out'), 'utf8')) +
      (await readFile(join(path, 'bundle.json'), 'utf8'))
    expect(raw).not.toContain('Sup3rSecret')
    expect(raw).not.toContain('hunter2')
    expect(raw).toContain('mysql+pymysql://nova:***@db/nova')
  })
})

/** Run a recording in a child process, as the CLI would, and return it once it has gathered once. */
function recordInChild(path: string) {
  const script = join(work, `child-${Date.now()}.mts`)
  const src = (rel: string) => JSON.stringify(join(REPO, 'src', rel))
  const code = `
import {createBundleWriter} from ${src('sources/bundle/bundle-writer.ts')}
import {recordingSource} from ${src('sources/bundle/recording-source.ts')}
import {openSosreports} from ${src('sources/sosreport/sosreport-source.ts')}
const writer = await createBundleWriter(${JSON.stringify(path)}, {tool: {name: 'cloudtriage', version: 'test'}, playbook: 'ctrl-c', target: null})
const source = recordingSource(await openSosreports(${JSON.stringify(VM_XZ)}), writer)
process.on('SIGINT', async () => {
  await writer.finish({complete: false, reason: 'interrupted (SIGINT)'})
  await source.close()
  process.exit(130)
})
await source.nodes()
await source.gather('vm', {kind: 'command', argv: ['ovs-vsctl', 'show']})
console.log('gathered')
setInterval(() => {}, 1000) // a long collection, waiting for Ctrl-C
`
  return {script, code}
}

async function startChild(path: string) {
  const {script, code} = recordInChild(path)
  await writeFile(script, code)
  // The child unpacks the sosreport into its own TMPDIR, so a SIGKILLed child leaves nothing outside `work`.
  const childTmp = join(work, `tmp-${Date.now()}`)
  await mkdir(childTmp)
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: REPO,
    env: {...process.env, TMPDIR: childTmp},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolveExit) =>
    child.on('exit', (code, signal) => resolveExit({code, signal})),
  )
  await new Promise<void>((ready, fail) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('gathered')) ready()
    })
    void exited.then(() => fail(new Error(`child exited before gathering: ${stderr}`)))
  })
  return {child, exited}
}

describe('an interrupted run', () => {
  it('still yields a valid bundle marked incomplete after Ctrl-C', async () => {
    const path = join(work, 'interrupted.tar.gz')
    const {child, exited} = await startChild(path)
    expect(existsSync(path)).toBe(false)
    child.kill('SIGINT')
    expect(await exited).toEqual({code: 130, signal: null})

    const replay = await openBundle(path)
    try {
      expect(replay.manifest).toMatchObject({
        complete: false,
        incompleteReason: 'interrupted (SIGINT)',
        playbook: 'ctrl-c',
      })
      expect(replay.description).toMatch(/, INCOMPLETE: interrupted \(SIGINT\)$/)
      expect((await replay.gather('vm', {kind: 'command', argv: ['ovs-vsctl', 'show']})).stdout).toContain(
        'Bridge br-int',
      )
      const missing = await replay.gather('vm', {kind: 'command', argv: ['ovs-vsctl', 'list-br']})
      expect(missing.error).toContain('(the capture was interrupted (SIGINT))')
    } finally {
      await replay.close()
    }
  })

  it('leaves nothing at the bundle path when the process dies without finishing', async () => {
    const dir = join(work, 'killed')
    await mkdir(dir)
    const path = join(dir, 'capture')
    const {child, exited} = await startChild(path)
    child.kill('SIGKILL')
    expect((await exited).signal).toBe('SIGKILL')
    const left = await readdir(dir)
    expect(left).not.toContain('capture')
    expect(left).toEqual([`capture.partial-${child.pid}`])
  })
})

describe('opening a bad bundle', () => {
  let good: string
  beforeAll(async () => {
    good = join(work, 'good')
    await record(good)
  })

  function copyOfGood(name: string): string {
    const copy = join(work, name)
    execFileSync('cp', ['-a', good, copy])
    return copy
  }

  it('points at the line and column of broken JSON', async () => {
    const copy = copyOfGood('bad-json')
    const text = await readFile(join(copy, 'bundle.json'), 'utf8')
    await writeFile(join(copy, 'bundle.json'), text.replace('"complete": true,', '"complete": true'))
    const lineOfComplete = text.split('\n').findIndex((line) => line.includes('"complete"')) + 2
    await expect(openBundle(copy)).rejects.toThrow(
      new RegExp(`^${copy}/bundle\\.json:${lineOfComplete}:3: not valid JSON`),
    )
  })

  it('names a missing item file', async () => {
    const copy = copyOfGood('missing-item')
    await rm(join(copy, 'items', '0002.out'))
    await expect(openBundle(copy)).rejects.toThrow(
      `${copy}/items/0002.out: missing (item 2 of bundle.json); the bundle is incomplete or was edited`,
    )
  })

  it('notices an item edited after capture', async () => {
    const copy = copyOfGood('edited-item')
    await writeFile(join(copy, 'items', '0001.out'), 'everything is fine\n')
    await expect(openBundle(copy)).rejects.toThrow(
      `${copy}/items/0001.out: does not match its sha256 in bundle.json; the bundle was edited`,
    )
  })

  it('asks for an upgrade when the bundle is newer than this cloudtriage', async () => {
    const copy = copyOfGood('version-2')
    const manifest = JSON.parse(await readFile(join(copy, 'bundle.json'), 'utf8')) as Record<string, unknown>
    await writeFile(join(copy, 'bundle.json'), JSON.stringify({...manifest, version: 2}))
    await expect(openBundle(copy)).rejects.toThrow(
      `${copy}/bundle.json: bundle version 2 is newer than this cloudtriage supports (1); upgrade cloudtriage`,
    )
  })

  it('names a truncated .tar.gz bundle', async () => {
    const path = join(work, 'cut-source.tar.gz')
    await record(path)
    const bytes = await readFile(path)
    const cut = join(work, 'cut.tar.gz')
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length / 2)))
    await expect(openBundle(cut)).rejects.toThrow(`${cut}: corrupt or truncated archive`)
  })

  it('says what it expected of a directory without bundle.json', async () => {
    const empty = join(work, 'not-a-bundle')
    await mkdir(empty)
    await expect(openBundle(empty)).rejects.toThrow(
      `${empty}: not a capture bundle: expected a bundle.json at its top`,
    )
  })
})
