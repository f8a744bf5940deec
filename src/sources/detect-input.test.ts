import {execFileSync} from 'node:child_process'
import {copyFile, mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {InputError} from '../model/errors.js'
import {createBundleWriter} from './bundle/bundle-writer.js'
import {classifyArchive, classifyArchiveNames, detectOfflineKind, openOfflineInput} from './detect-input.js'

const FIXTURES = resolve(import.meta.dirname, '../../fixtures/sosreport')
const VM_XZ = join(FIXTURES, 'sosreport-vm-fixture-2026-11-22-lsycido.tar.xz')
const NODE2_XZ = join(FIXTURES, 'sosreport-ovs-node-2-fixture-2026-11-22-hlebrfb.tar.xz')
const EXPECTED =
  'expected a capture bundle (directory or .tar.gz with bundle.json), a sosreport (directory or archive with sos_commands/, or version.txt and sos_reports/), or a directory of sosreports'

let work: string
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ct-detect-'))
})
afterAll(async () => {
  await rm(work, {recursive: true, force: true})
})

describe('classifyArchive', () => {
  it('recognises sos 4.0, whose archive starts with root symlinks into sos_commands/', () => {
    // The first entries of fixtures/sosreport/sosreport-vm-…tar.xz, as `tar tvJf` lists them.
    expect(
      classifyArchive([
        {name: 'sosreport-vm-fixture-2026-11-22-lsycido/', linkname: null},
        {
          name: 'sosreport-vm-fixture-2026-11-22-lsycido/df',
          linkname: 'sos_commands/filesys/df_-al_-x_autofs',
        },
      ]),
    ).toBe('sosreport')
  })

  it('recognises newer sos by version.txt and sos_reports/, and bundles by bundle.json', () => {
    expect(
      classifyArchiveNames(['sosreport-c0-2024/version.txt', 'sosreport-c0-2024/sos_reports/manifest.json']),
    ).toBe('sosreport')
    expect(classifyArchiveNames(['capture/', 'capture/bundle.json'])).toBe('bundle')
    expect(classifyArchiveNames(['bundle.json', 'items/0001.out'])).toBe('bundle')
  })

  it('finds nothing in an unrelated archive or a nested bundle.json', () => {
    expect(
      classifyArchiveNames(['project/src/index.ts', 'project/a/bundle.json', 'project/version.txt']),
    ).toBeNull()
  })
})

describe('openOfflineInput', () => {
  it('opens a sosreport archive, a case directory and a bundle, each as what it is', async () => {
    const sos = await openOfflineInput(VM_XZ)
    expect(sos.kind).toBe('sosreport')
    await sos.close()

    const caseDir = join(work, 'case')
    await mkdir(caseDir)
    await copyFile(VM_XZ, join(caseDir, 'a.tar.xz'))
    await copyFile(NODE2_XZ, join(caseDir, 'b.tar.xz'))
    const many = await openOfflineInput(caseDir)
    expect((await many.nodes()).map((node) => node.name).sort()).toEqual(['ovs-node-2', 'vm'])
    await many.close()

    for (const name of ['capture', 'capture.tar.gz']) {
      const path = join(work, name)
      const writer = await createBundleWriter(path, {
        tool: {name: 'cloudtriage', version: 't'},
        playbook: null,
        target: null,
      })
      await writer.finish({complete: true})
      const bundle = await openOfflineInput(path)
      expect(bundle.kind).toBe('bundle')
      await bundle.close()
    }
  })

  it('opens a bundle that was unpacked into a folder of its own', async () => {
    const outer = join(work, 'unpacked')
    await mkdir(outer)
    execFileSync('tar', ['xzf', join(work, 'capture.tar.gz'), '-C', outer])
    expect(await detectOfflineKind(outer)).toEqual({kind: 'bundle', path: join(outer, 'capture')})
  })

  it('says what it expected for an empty directory, a text file and a folder of notes', async () => {
    const empty = join(work, 'empty')
    await mkdir(empty)
    await expect(openOfflineInput(empty)).rejects.toThrow(
      new InputError(empty, `is empty; ${EXPECTED}`).message,
    )

    const text = join(work, 'notes.txt')
    await writeFile(text, 'not an archive\n')
    await expect(openOfflineInput(text)).rejects.toThrow(`${text}: not a readable archive; ${EXPECTED}`)

    const notes = join(work, 'notes')
    await mkdir(notes)
    await writeFile(join(notes, 'ticket.md'), '# case 123\n')
    await expect(openOfflineInput(notes)).rejects.toThrow(
      `${notes}: holds neither a bundle nor any sosreport; ${EXPECTED}`,
    )

    await expect(openOfflineInput(join(work, 'nope'))).rejects.toThrow(
      `${join(work, 'nope')}: no such file or directory`,
    )
  })
})
