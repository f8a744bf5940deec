/**
 * Reading (and, for bundles, writing) tar archives: `.tar`, `.tar.gz`/`.tgz`, `.tar.xz`.
 *
 * Archives come from customers, so they are hostile input: entries may try to climb out with `..` or an
 * absolute path, symlinks may point anywhere, and a small `.tar.xz` may unpack to far more than the disk
 * holds. We stream-extract into a private temp dir, refuse what would land outside it, and stop at a
 * size and entry budget.
 */
import {createReadStream, createWriteStream} from 'node:fs'
import {
  copyFile,
  lstat,
  mkdir,
  mkdtemp,
  open,
  readdir,
  readlink,
  realpath,
  rm,
  symlink,
} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join, posix, relative, sep} from 'node:path'
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
    const skipped = await extractInto(archivePath, format, await realpath(dir), limits)
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
  const feeding = pipeline([...archiveStages(archivePath, format), extract])
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
  }
  return entries
}

async function extractInto(
  archivePath: string,
  format: ArchiveFormat,
  root: string,
  limits: ExtractLimits,
): Promise<string[]> {
  const extract = tar.extract()
  const feeding = pipeline([...archiveStages(archivePath, format), extract])
  // pipeline's rejection is read after the loop; keep it from surfacing as unhandled meanwhile.
  feeding.catch(() => undefined)

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
      const why = await writeEntry(root, entry)
      if (why) skipped.push(`${header.name}: ${why}`)
      entry.resume()
    }
  } catch (error) {
    extract.destroy()
    throw error
  }
  await feeding
  if (entries === 0) throw new InputError(archivePath, 'the archive is empty')
  return skipped
}

/** The file, decompressed: a readable of plain tar bytes, as one or two pipeline stages. */
function archiveStages(
  archivePath: string,
  format: ArchiveFormat,
): NodeJS.ReadableStream[] | [NodeJS.ReadableStream, NodeJS.ReadWriteStream] {
  const file = createReadStream(archivePath)
  if (format === 'tar.gz') return [file, createGunzip()]
  if (format === 'tar.xz') {
    // xz-decompress speaks web streams; toWeb/fromWeb keep backpressure end to end.
    const web = Readable.toWeb(file)
    return [
      Readable.fromWeb(
        new xzDecompress.XzReadableStream(web as ReadableStream<Uint8Array>) as WebReadableStream<Uint8Array>,
      ),
    ]
  }
  return [file]
}

/** Write one entry; return why it was skipped, or null. */
async function writeEntry(root: string, entry: TarEntry): Promise<string | null> {
  const header = entry.header
  const rel = safeEntryPath(header.name)
  if (rel === null) return isRootName(header.name) ? null : 'absolute path or .. refused'
  const dest = join(root, ...rel.split('/'))
  switch (header.type) {
    case 'directory': {
      await mkdir(dest, {recursive: true, mode: 0o700})
      return (await insideRoot(root, dest)) ? null : 'directory path passes through a symlink leading outside'
    }
    case 'file':
    case 'contiguous-file': {
      if (!(await prepareParent(root, dest))) return 'parent passes through a symlink leading outside'
      await pipeline(entry, createWriteStream(dest, {flags: 'wx', mode: 0o600}))
      return null
    }
    case 'symlink': {
      const target = header.linkname ?? ''
      if (!(await prepareParent(root, dest))) return 'parent passes through a symlink leading outside'
      const parentRel = relative(root, await realpath(dirname(dest)))
        .split(sep)
        .join('/')
      if (!symlinkStaysInside(posix.join(parentRel, 'x'), target))
        return `symlink to ${target} leads outside the archive`
      await symlink(target, dest)
      return null
    }
    case 'link': {
      const targetRel = safeEntryPath(header.linkname ?? '')
      if (targetRel === null) return `hard link to ${header.linkname ?? ''} refused`
      if (!(await prepareParent(root, dest))) return 'parent passes through a symlink leading outside'
      const source = join(root, ...targetRel.split('/'))
      if (!(await insideRoot(root, source))) return `hard link to ${targetRel} leads outside the archive`
      try {
        await copyFile(source, dest)
      } catch {
        return `hard link to ${targetRel}, which is not in the archive`
      }
      return null
    }
    default:
      return `${header.type ?? 'unknown'} entries are not extracted`
  }
}

/** Create the parent directory, make sure it really is inside root, and clear any previous entry at dest. */
async function prepareParent(root: string, dest: string): Promise<boolean> {
  await mkdir(dirname(dest), {recursive: true, mode: 0o700})
  if (!(await insideRoot(root, dirname(dest)))) return false
  // A later entry with the same name replaces the earlier one (tar semantics), but never through a symlink.
  const existing = await lstat(dest).catch(() => null)
  if (existing?.isDirectory()) await rm(dest, {recursive: true, force: true})
  else if (existing) await rm(dest, {force: true})
  return true
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
