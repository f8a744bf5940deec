/**
 * Reading (and, for bundles, writing) tar archives: `.tar`, `.tar.gz`/`.tgz`, `.tar.xz`.
 *
 * Archives come from customers, so they are hostile input: entries may try to climb out with `..` or an
 * absolute path, symlinks may point anywhere, and a small `.tar.xz` may unpack to far more than the disk
 * holds. We stream-extract into a private temp dir, refuse what would land outside it, and stop at a
 * size and entry budget.
 */
import {spawn} from 'node:child_process'
import {
  accessSync,
  constants,
  copyFileSync,
  createReadStream,
  createWriteStream,
  lstatSync,
  mkdirSync,
  realpathSync,
  rmSync,
  type Stats,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import {lstat, mkdtemp, open, readdir, readlink, realpath, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {delimiter, dirname, join, posix, relative, sep} from 'node:path'
import {Readable} from 'node:stream'
import type {ReadableStream as WebReadableStream} from 'node:stream/web'
import {pipeline} from 'node:stream/promises'
import {createGunzip, createGzip} from 'node:zlib'
import tar, {type Extract, type Pack} from 'tar-stream'
import xzDecompress from 'xz-decompress'

import {InputError} from '../model/errors.js'

type TarEntry = Extract extends AsyncIterable<infer E> ? E : never

export type ArchiveFormat = 'tar' | 'tar.gz' | 'tar.xz'

export interface ExtractLimits {
  /** Sum of the sizes of all regular files. */
  readonly maxTotalBytes: number
  readonly maxEntries: number
}

/** 4 GiB unpacked and half a million entries: far above a real sosreport (tens of MB, ~50k entries). */
export const DEFAULT_EXTRACT_LIMITS: ExtractLimits = {maxTotalBytes: 4 * 1024 ** 3, maxEntries: 500_000}

export interface ExtractedArchive {
  /** The private directory holding the extracted tree. */
  readonly dir: string
  /** What was left out, for the operator: device files, symlinks pointing outside, … */
  readonly skipped: readonly string[]
  /** Remove the directory and everything in it. Safe to call twice. */
  cleanup(): Promise<void>
}

const MAGIC_GZIP = Buffer.from([0x1f, 0x8b])
const MAGIC_XZ = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])
const MAGIC_BZIP2 = Buffer.from('BZh')
const MAGIC_ZSTD = Buffer.from([0x28, 0xb5, 0x2f, 0xfd])

/** Names that look like an archive we can read; used by input detection before looking inside. */
export function looksLikeArchiveName(path: string): boolean {
  return /\.(tar|tar\.gz|tgz|tar\.xz|txz)$/i.test(path)
}

/** Decide the format from the first bytes of the file (names lie: sos may write .tar.gz or .tar.xz). */
export function archiveFormatFromMagic(head: Uint8Array): ArchiveFormat | 'bzip2' | 'zstd' | null {
  const buf = Buffer.from(head.buffer, head.byteOffset, head.byteLength)
  if (startsWith(buf, MAGIC_GZIP)) return 'tar.gz'
  if (startsWith(buf, MAGIC_XZ)) return 'tar.xz'
  if (startsWith(buf, MAGIC_BZIP2)) return 'bzip2'
  if (startsWith(buf, MAGIC_ZSTD)) return 'zstd'
  // ustar and GNU tar both put "ustar" at offset 257 of the first header.
  if (buf.length >= 262 && buf.subarray(257, 262).toString('latin1') === 'ustar') return 'tar'
  return null
}

function startsWith(buf: Buffer, magic: Buffer): boolean {
  return buf.length >= magic.length && buf.subarray(0, magic.length).equals(magic)
}

export async function detectArchiveFormat(path: string): Promise<ArchiveFormat | 'bzip2' | 'zstd' | null> {
  const handle = await open(path, 'r')
  try {
    const head = Buffer.alloc(512)
    const {bytesRead} = await handle.read(head, 0, head.length, 0)
    return archiveFormatFromMagic(head.subarray(0, bytesRead))
  } finally {
    await handle.close()
  }
}

/**
 * Where an archive entry may be written, relative to the extraction root, or null when it must be refused:
 * absolute paths and any `..` segment. A leading `./` is dropped; an empty name (the root itself) is null.
 */
export function safeEntryPath(name: string): string | null {
  if (name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name) || name.includes('\0')) return null
  const parts = name.split('/').filter((part) => part !== '' && part !== '.')
  if (parts.length === 0 || parts.includes('..')) return null
  return parts.join('/')
}

/**
 * Whether a symlink at `entryPath` (relative to the root) pointing at `target` stays inside the root.
 * Only relative targets whose `..` segments all come first are kept: after the leading climbs the rest of
 * the path only descends, so it cannot climb out again through another symlink (`a -> .`, `b -> a/../x`).
 * sos's own links all have this shape (`../../sos_strings/…tailed`, `sos_commands/host/hostname`).
 */
export function symlinkStaysInside(entryPath: string, target: string): boolean {
  if (target === '' || target.startsWith('/') || target.includes('\0')) return false
  const parts = target.split('/').filter((part) => part !== '' && part !== '.')
  const firstDescent = parts.findIndex((part) => part !== '..')
  const rest = firstDescent === -1 ? [] : parts.slice(firstDescent)
  if (rest.includes('..')) return false
  const resolved = posix.normalize(posix.join(posix.dirname(entryPath), target))
  return resolved !== '..' && !resolved.startsWith('../') && !posix.isAbsolute(resolved)
}

/**
 * Stream-extract `archivePath` into a new private temp dir. Throws InputError naming the file when it is
 * not a readable tar/.tar.gz/.tar.xz, is corrupt or truncated, or exceeds `limits`.
 */
export async function extractArchive(
  archivePath: string,
  limits: ExtractLimits = DEFAULT_EXTRACT_LIMITS,
  decoder: XzDecoder = 'auto',
): Promise<ExtractedArchive> {
  const format = await detectArchiveFormat(archivePath).catch((error: unknown) => {
    throw new InputError(archivePath, `cannot read: ${messageOf(error)}`)
  })
  if (format === 'bzip2' || format === 'zstd') {
    throw new InputError(
      archivePath,
      `${format} archives are not supported; unpack it first (tar xf ${archivePath}) and pass the directory`,
    )
  }
  if (format === null) throw new InputError(archivePath, 'not a tar, .tar.gz or .tar.xz archive')

  const dir = await mkdtemp(join(tmpdir(), 'cloudtriage-archive-'))
  const cleanup = async (): Promise<void> => rm(dir, {recursive: true, force: true})
  try {
    const skipped = await extractInto(archivePath, format, await realpath(dir), limits, decoder)
    return {dir, skipped, cleanup}
  } catch (error) {
    await cleanup()
    if (error instanceof InputError) throw error
    throw new InputError(archivePath, `corrupt or truncated archive (${messageOf(error)})`)
  }
}

export interface PeekedEntry {
  readonly name: string
  /** A symlink's target as written in the archive; null for everything else. */
  readonly linkname: string | null
}

/**
 * Entries of an archive, read from the headers without writing anything, stopping as soon as
 * `enough(entries)` says so (input detection needs only the first few). Corrupt input → InputError.
 */
export async function peekArchiveEntries(
  archivePath: string,
  enough: (entries: readonly PeekedEntry[]) => boolean,
  maxEntries = 5000,
): Promise<PeekedEntry[]> {
  const format = await detectArchiveFormat(archivePath).catch((error: unknown) => {
    throw new InputError(archivePath, `cannot read: ${messageOf(error)}`)
  })
  if (format === null || format === 'bzip2' || format === 'zstd') return []
  const extract = tar.extract()
  const source = archiveStages(archivePath, format, 'auto')
  const feeding = pipeline([...source.stages, extract])
  feeding.catch(() => undefined)
  const entries: PeekedEntry[] = []
  try {
    for await (const entry of extract) {
      entries.push({
        name: entry.header.name,
        linkname: entry.header.type === 'symlink' ? entry.header.linkname || null : null,
      })
      entry.resume()
      if (enough(entries) || entries.length >= maxEntries) break
    }
  } catch (error) {
    throw new InputError(archivePath, `corrupt or truncated archive (${messageOf(error)})`)
  } finally {
    extract.destroy()
    source.stop()
  }
  return entries
}

async function extractInto(
  archivePath: string,
  format: ArchiveFormat,
  root: string,
  limits: ExtractLimits,
  decoder: XzDecoder,
): Promise<string[]> {
  const extract = tar.extract()
  const source = archiveStages(archivePath, format, decoder)
  const feeding = pipeline([...source.stages, extract])
  // pipeline's rejection is read after the loop; keep it from surfacing as unhandled meanwhile.
  feeding.catch(() => undefined)
  // An entry whose archive breaks before we start reading it never ends by itself: race every write
  // against the extractor failing or closing.
  const broken = new Promise<never>((_resolve, reject) => {
    extract.on('error', reject)
    extract.on('close', () => reject(new Error('the archive ended in the middle of an entry')))
  })
  broken.catch(() => undefined)

  const tree: Tree = {root, checkedDirs: new Map([[root, root]])}
  const skipped: string[] = []
  let entries = 0
  let totalBytes = 0
  try {
    for await (const entry of extract) {
      entries++
      if (entries > limits.maxEntries)
        throw new InputError(archivePath, `more than ${limits.maxEntries} entries; refusing to unpack it`)
      const header = entry.header
      totalBytes += header.type === 'file' || header.type === 'contiguous-file' ? (header.size ?? 0) : 0
      if (totalBytes > limits.maxTotalBytes) {
        throw new InputError(
          archivePath,
          `unpacks to more than ${formatBytes(limits.maxTotalBytes)}; refusing to unpack it`,
        )
      }
      const why = await writeEntry(tree, entry, broken)
      if (why) skipped.push(`${header.name}: ${why}`)
      entry.resume()
    }
  } catch (error) {
    extract.destroy()
    source.stop()
    throw error
  }
  await feeding
  // The tar may end cleanly while xz still fails (bad checksum, garbage after the stream).
  await source.finished
  if (entries === 0) throw new InputError(archivePath, 'the archive is empty')
  return skipped
}

/**
 * How to decompress .tar.xz: `auto` pipes through the system `xz -dc` when there is one (about 3x faster
 * than WebAssembly on a 60 MB report), else xz-decompress; `wasm` always uses xz-decompress.
 */
export type XzDecoder = 'auto' | 'wasm'

interface Decompressed {
  readonly stages: NodeJS.ReadableStream[] | [NodeJS.ReadableStream, NodeJS.ReadWriteStream]
  /** Settles when any helper process has exited; rejects when it failed. */
  readonly finished: Promise<void>
  /** Stop any helper process (reading stopped early). */
  stop(): void
}

/** The file, decompressed: a readable of plain tar bytes, as one or two pipeline stages. */
function archiveStages(archivePath: string, format: ArchiveFormat, decoder: XzDecoder): Decompressed {
  const done: Decompressed = {stages: [], finished: Promise.resolve(), stop: () => undefined}
  if (format === 'tar.xz') {
    const xz = decoder === 'auto' ? systemXz() : null
    if (xz) return xzProcess(xz, archivePath)
    // xz-decompress speaks web streams; toWeb/fromWeb keep backpressure end to end.
    const web = Readable.toWeb(createReadStream(archivePath))
    const stream = Readable.fromWeb(
      new xzDecompress.XzReadableStream(web as ReadableStream<Uint8Array>) as WebReadableStream<Uint8Array>,
    )
    return {...done, stages: [stream]}
  }
  const file = createReadStream(archivePath)
  return {...done, stages: format === 'tar.gz' ? [file, createGunzip()] : [file]}
}

function xzProcess(xz: string, archivePath: string): Decompressed {
  // The path is an argv element, never a shell word.
  const child = spawn(xz, ['-dc', '--', archivePath], {stdio: ['ignore', 'pipe', 'pipe']})
  let stderr = ''
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk: string) => {
    if (stderr.length < 4096) stderr += chunk
  })
  const finished = new Promise<void>((resolveExit, rejectExit) => {
    child.on('error', rejectExit)
    child.on('close', (code, signal) => {
      if (code === 0) resolveExit()
      else
        rejectExit(
          new Error(stderr.trim().replace(/^xz: /, '') || `xz exited with ${code ?? signal ?? 'unknown'}`),
        )
    })
  })
  finished.catch(() => undefined)
  return {stages: [child.stdout], finished, stop: () => child.kill()}
}

let xzLookup: string | null | undefined
/** Path of an executable `xz` on PATH, looked up once. */
function systemXz(): string | null {
  if (xzLookup !== undefined) return xzLookup
  xzLookup = null
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue
    try {
      accessSync(join(dir, 'xz'), constants.X_OK)
      xzLookup = join(dir, 'xz')
      break
    } catch {
      // not here
    }
  }
  return xzLookup
}

/**
 * The extraction in progress: its real root, and directories already checked to really lie inside it
 * (mapped to their real path), so 50k entries do not cost 50k mkdir+realpath round trips. The cache stays
 * true because no entry may replace a directory.
 */
interface Tree {
  readonly root: string
  readonly checkedDirs: Map<string, string>
}

/** Write one entry; return why it was skipped, or null. */
async function writeEntry(tree: Tree, entry: TarEntry, broken: Promise<never>): Promise<string | null> {
  const header = entry.header
  const rel = safeEntryPath(header.name)
  if (rel === null) return isRootName(header.name) ? null : 'absolute path or .. refused'
  const dest = join(tree.root, ...rel.split('/'))
  if (header.type === 'directory') {
    if (tree.checkedDirs.has(dest)) return null
    const existing = lstatOrNull(dest)
    if (existing && !existing.isDirectory()) return 'would replace a file or link with a directory'
    return checkedDir(tree, dest) === null
      ? 'not a directory inside the archive root (a file or an outside link is in the way)'
      : null
  }
  if (
    header.type !== 'file' &&
    header.type !== 'contiguous-file' &&
    header.type !== 'symlink' &&
    header.type !== 'link'
  ) {
    return `${header.type ?? 'unknown'} entries are not extracted`
  }
  const realParent = checkedDir(tree, dirname(dest))
  if (realParent === null)
    return 'its folder is not a directory inside the archive root (a file or an outside link is in the way)'
  // A later entry with the same name replaces the earlier one (tar semantics), but never a directory and
  // never by writing through a symlink.
  const existing = lstatOrNull(dest)
  if (existing?.isDirectory()) return 'would replace a directory'
  if (existing) rmSync(dest, {force: true})

  switch (header.type) {
    case 'symlink': {
      const target = header.linkname ?? ''
      const parentRel = relative(tree.root, realParent).split(sep).join('/')
      if (!symlinkStaysInside(posix.join(parentRel, 'x'), target))
        return `symlink to ${target} leads outside the archive`
      symlinkSync(target, dest)
      return null
    }
    case 'link': {
      const targetRel = safeEntryPath(header.linkname ?? '')
      if (targetRel === null) return `hard link to ${header.linkname ?? ''} refused`
      const source = join(tree.root, ...targetRel.split('/'))
      if (!(await insideRoot(tree.root, source))) return `hard link to ${targetRel} leads outside the archive`
      try {
        copyFileSync(source, dest)
      } catch {
        return `hard link to ${targetRel}, which is not in the archive`
      }
      return null
    }
    default: {
      if ((header.size ?? 0) <= SMALL_FILE_BYTES) {
        writeFileSync(dest, await Promise.race([readAll(entry), broken]), {flag: 'wx', mode: 0o600})
        return null
      }
      const file = createWriteStream(dest, {flags: 'wx', mode: 0o600})
      try {
        await Promise.race([pipeline(entry, file), broken])
      } finally {
        file.destroy()
      }
      return null
    }
  }
}

/**
 * Entries up to this size are buffered and written with synchronous calls: a sosreport is tens of
 * thousands of small files, and one thread-pool round trip per syscall left the process 98% idle.
 */
const SMALL_FILE_BYTES = 1024 * 1024

async function readAll(entry: TarEntry): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of entry) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

function lstatOrNull(path: string): Stats | null {
  return lstatSync(path, {throwIfNoEntry: false}) ?? null
}

/** Create `dir` if needed and return its real path, or null when it resolves outside the root. */
function checkedDir(tree: Tree, dir: string): string | null {
  const known = tree.checkedDirs.get(dir)
  if (known !== undefined) return known
  let real: string
  try {
    mkdirSync(dir, {recursive: true, mode: 0o700})
    real = realpathSync(dir)
  } catch {
    return null // a file where a folder should be
  }
  if (real !== tree.root && !real.startsWith(tree.root + sep)) return null
  tree.checkedDirs.set(dir, real)
  return real
}

/** "./" or "." — the archive's own top directory, which is our root. */
function isRootName(name: string): boolean {
  return !name.startsWith('/') && name.split('/').every((part) => part === '' || part === '.')
}

async function insideRoot(root: string, path: string): Promise<boolean> {
  const real = await realpath(path).catch(() => null)
  return real !== null && (real === root || real.startsWith(root + sep))
}

/** The directory a tree really starts at: sos and bundles wrap everything in one top-level folder. */
export async function contentRoot(dir: string): Promise<string> {
  const entries = (await readdir(dir, {withFileTypes: true})).filter((entry) => !entry.name.startsWith('.'))
  const only = entries[0]
  if (entries.length === 1 && only?.isDirectory()) return join(dir, only.name)
  return dir
}

/**
 * Pack `dir` as a gzip'd tar at `outFile`, with every path under `prefix/`. Regular files, directories
 * and symlinks only. Used by capture bundles (`--save bundle.tar.gz`).
 */
export async function packDirectoryTarGz(dir: string, outFile: string, prefix: string): Promise<void> {
  const pack = tar.pack()
  const writing = pipeline(pack, createGzip(), createWriteStream(outFile, {flags: 'wx', mode: 0o600}))
  writing.catch(() => undefined)
  try {
    await addTree(pack, dir, prefix)
    pack.finalize()
  } catch (error) {
    pack.destroy(error as Error)
    throw error
  }
  await writing
}

async function addTree(pack: Pack, dir: string, prefix: string): Promise<void> {
  pack.entry({name: `${prefix}/`, type: 'directory', mode: 0o755})
  for (const entry of (await readdir(dir, {withFileTypes: true})).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const path = join(dir, entry.name)
    const name = `${prefix}/${entry.name}`
    if (entry.isDirectory()) await addTree(pack, path, name)
    else if (entry.isSymbolicLink()) pack.entry({name, type: 'symlink', linkname: await readlink(path)})
    else if (entry.isFile()) {
      const size = (await lstat(path)).size
      const sink = pack.entry({name, size, mode: 0o644})
      await pipeline(createReadStream(path), sink)
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 ** 3
    ? `${bytes / 1024 ** 3} GiB`
    : bytes >= 1024 ** 2
      ? `${bytes / 1024 ** 2} MiB`
      : `${bytes} bytes`
}
