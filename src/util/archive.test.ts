import {execFileSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {lstat, mkdtemp, readFile, readlink, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import tar from 'tar-stream'

import {InputError} from '../model/errors.js'
import {
  archiveFormatFromMagic,
  DEFAULT_EXTRACT_LIMITS,
  extractArchive,
  packDirectoryTarGz,
  safeEntryPath,
  symlinkStaysInside,
} from './archive.js'

interface Spec {
  name: string
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'fifo'
  body?: string
  linkname?: string
}

/** Build a tar in memory with tar-stream: the hostile shapes a real tool would refuse to write. */
async function tarOf(entries: Spec[]): Promise<Buffer> {
  const pack = tar.pack()
  const chunks: Buffer[] = []
  pack.on('data', (chunk: unknown) => {
    chunks.push(chunk as Buffer)
  })
  const done = new Promise<void>((resolve) => pack.on('end', () => resolve()))
  for (const spec of entries) {
    if (spec.body !== undefined) pack.entry({name: spec.name, type: spec.type ?? 'file'}, spec.body)
    else pack.entry({name: spec.name, type: spec.type ?? 'file', linkname: spec.linkname, size: 0})
  }
  pack.finalize()
  await done
  return Buffer.concat(chunks)
}

const scratch: string[] = []
async function scratchDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ct-archive-test-'))
  scratch.push(dir)
  return dir
}
afterEach(async () => {
  for (const dir of scratch.splice(0)) await rm(dir, {recursive: true, force: true})
})

describe('safeEntryPath', () => {
  it('keeps ordinary relative names and drops a leading ./', () => {
    expect(safeEntryPath('./sosreport-x/sos_commands/host/hostname')).toBe(
      'sosreport-x/sos_commands/host/hostname',
    )
    expect(safeEntryPath('a//b/')).toBe('a/b')
  })
  it('refuses absolute paths and any .. segment', () => {
    expect(safeEntryPath('/etc/passwd')).toBeNull()
    expect(safeEntryPath('a/../../etc/passwd')).toBeNull()
    expect(safeEntryPath('..')).toBeNull()
    expect(safeEntryPath('C:/x')).toBeNull()
  })
})

describe('symlinkStaysInside', () => {
  it("accepts sos's own link shapes", () => {
    expect(
      symlinkStaysInside(
        'r/var/log/openvswitch/ovsdb-server.log',
        '../../../sos_strings/openvswitch/var.log.openvswitch.ovsdb-server.log.tailed',
      ),
    ).toBe(true)
    expect(symlinkStaysInside('r/hostname', 'sos_commands/host/hostname')).toBe(true)
    expect(symlinkStaysInside('r/sys/class/net/lo', '../../devices/virtual/net/lo')).toBe(true)
  })
  it('refuses absolute targets, climbs past the root, and .. after a descent', () => {
    expect(symlinkStaysInside('r/etc/x', '/etc/shadow')).toBe(false)
    expect(symlinkStaysInside('r/x', '../../outside')).toBe(false)
    expect(symlinkStaysInside('r/b', 'a/../../x')).toBe(false)
    expect(symlinkStaysInside('r/b', 'a/../x')).toBe(false)
  })
})

describe('archiveFormatFromMagic', () => {
  it('recognises gzip, xz, bzip2 and ustar headers', () => {
    expect(archiveFormatFromMagic(Buffer.from([0x1f, 0x8b, 8]))).toBe('tar.gz')
    expect(archiveFormatFromMagic(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))).toBe('tar.xz')
    expect(archiveFormatFromMagic(Buffer.from('BZh91AY'))).toBe('bzip2')
    const header = Buffer.alloc(512)
    header.write('ustar', 257, 'latin1')
    expect(archiveFormatFromMagic(header)).toBe('tar')
    expect(archiveFormatFromMagic(Buffer.from('hello'))).toBeNull()
  })
})

describe('extractArchive', () => {
  it('refuses entries that climb out, absolute symlinks and devices, but keeps the rest', async () => {
    const dir = await scratchDir()
    const file = join(dir, 'evil.tar')
    await writeFile(
      file,
      await tarOf([
        {name: 'report/ok.txt', body: 'fine\n'},
        {name: '../escape.txt', body: 'x'},
        {name: '/tmp/abs.txt', body: 'x'},
        {name: 'report/abs-link', type: 'symlink', linkname: '/etc/passwd'},
        {name: 'report/climb-link', type: 'symlink', linkname: '../../etc'},
        {name: 'report/self', type: 'symlink', linkname: '.'},
        {name: 'report/through-self', type: 'symlink', linkname: 'self/../../etc'},
        {name: 'report/good-link', type: 'symlink', linkname: 'ok.txt'},
        {name: 'report/hard', type: 'link', linkname: 'report/ok.txt'},
        {name: 'report/tty', type: 'character-device'},
      ]),
    )
    const extracted = await extractArchive(file)
    try {
      const root = join(extracted.dir, 'report')
      expect(await readFile(join(root, 'ok.txt'), 'utf8')).toBe('fine\n')
      expect(await readFile(join(root, 'good-link'), 'utf8')).toBe('fine\n')
      expect(await readFile(join(root, 'hard'), 'utf8')).toBe('fine\n')
      for (const refused of ['abs-link', 'climb-link', 'through-self', 'tty'])
        expect(existsSync(join(root, refused))).toBe(false)
      expect(existsSync(join(extracted.dir, '..', 'escape.txt'))).toBe(false)
      expect(extracted.skipped).toHaveLength(6)
    } finally {
      await extracted.cleanup()
    }
    expect(existsSync(extracted.dir)).toBe(false)
  })

  it('stops when the unpacked size passes the budget and leaves no temp dir behind', async () => {
    const dir = await scratchDir()
    const file = join(dir, 'big.tar')
    await writeFile(
      file,
      await tarOf([
        {name: 'a', body: 'x'.repeat(600)},
        {name: 'b', body: 'y'.repeat(600)},
      ]),
    )
    const error = await extractArchive(file, {maxTotalBytes: 1000, maxEntries: 10}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InputError)
    expect((error as Error).message).toBe(`${file}: unpacks to more than 1000 bytes; refusing to unpack it`)
  })

  it('names the file when a .tar.gz is truncated', async () => {
    const dir = await scratchDir()
    await writeFile(
      join(dir, 'payload.txt'),
      'z'.repeat(200_000).replaceAll(/z/g, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))),
    )
    execFileSync('tar', ['czf', join(dir, 'whole.tar.gz'), '-C', dir, 'payload.txt'])
    const whole = await readFile(join(dir, 'whole.tar.gz'))
    await writeFile(join(dir, 'cut.tar.gz'), whole.subarray(0, Math.floor(whole.length / 2)))
    await expect(extractArchive(join(dir, 'cut.tar.gz'))).rejects.toThrow(
      `${join(dir, 'cut.tar.gz')}: corrupt or truncated archive (unexpected end of file)`,
    )
  })

  it('says what it expected when the file is not an archive at all', async () => {
    const dir = await scratchDir()
    await writeFile(join(dir, 'notes.tar.gz'), 'just some text\n')
    await expect(extractArchive(join(dir, 'notes.tar.gz'))).rejects.toThrow(
      'notes.tar.gz: not a tar, .tar.gz or .tar.xz archive',
    )
  })

  it('packs a directory as .tar.gz that GNU tar reads back, symlinks included', async () => {
    const dir = await scratchDir()
    const src = join(dir, 'tree')
    execFileSync('mkdir', ['-p', join(src, 'items')])
    await writeFile(join(src, 'bundle.json'), '{}\n')
    await writeFile(join(src, 'items', '0001.out'), 'hello\n')
    execFileSync('ln', ['-s', 'items/0001.out', join(src, 'latest')])
    await packDirectoryTarGz(src, join(dir, 'out.tar.gz'), 'my-bundle')
    const listing = execFileSync('tar', ['tzvf', join(dir, 'out.tar.gz')], {encoding: 'utf8'})
    expect(listing).toContain('my-bundle/items/0001.out')
    expect(listing).toMatch(/my-bundle\/latest -> items\/0001.out/)
    const extracted = await extractArchive(join(dir, 'out.tar.gz'))
    try {
      expect(await readFile(join(extracted.dir, 'my-bundle', 'latest'), 'utf8')).toBe('hello\n')
      expect(await readlink(join(extracted.dir, 'my-bundle', 'latest'))).toBe('items/0001.out')
      expect((await lstat(join(extracted.dir, 'my-bundle', 'items'))).isDirectory()).toBe(true)
    } finally {
      await extracted.cleanup()
    }
  })

  describe.each(['auto', 'wasm'] as const)('with the %s xz decoder', (decoder) => {
    const fixture = resolve(
      import.meta.dirname,
      '../../fixtures/sosreport/sosreport-vm-fixture-2026-11-22-lsycido.tar.xz',
    )

    it('unpacks the real sos .tar.xz to exactly what GNU tar unpacks', async () => {
      const dir = await scratchDir()
      execFileSync('tar', ['xJf', fixture, '-C', dir])
      const extracted = await extractArchive(fixture, DEFAULT_EXTRACT_LIMITS, decoder)
      try {
        expect(extracted.skipped).toEqual([])
        // diff -r follows neither symlink loops nor devices here: the report holds files, dirs and links.
        execFileSync('diff', ['-r', '--no-dereference', dir, extracted.dir])
      } finally {
        await extracted.cleanup()
      }
    })

    it('fails with the file named, rather than hanging, when the .tar.xz is cut short', async () => {
      const dir = await scratchDir()
      const cut = join(dir, 'cut.tar.xz')
      await writeFile(cut, (await readFile(fixture)).subarray(0, 50_000))
      await expect(extractArchive(cut, DEFAULT_EXTRACT_LIMITS, decoder)).rejects.toThrow(
        `${cut}: corrupt or truncated archive (`,
      )
    })
  })
})
