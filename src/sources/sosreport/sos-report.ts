/**
 * One sosreport on disk (a directory, possibly extracted from an archive by the caller): who it is, what
 * it holds, and where a given command's output or file lives inside it.
 */
import {createReadStream} from 'node:fs'
import {lstat, open, readdir, readFile, realpath, stat} from 'node:fs/promises'
import {basename, join, relative, sep} from 'node:path'
import {createGunzip} from 'node:zlib'

import type {Role} from '../../model/node.js'
import {sosSpellings} from './command-variants.js'
import {indexManifest, type ManifestCommand, parseManifest} from './manifest.js'
import {mangleCommand} from './mangle.js'
import {inferRoles} from './roles.js'

export interface SosReport {
  /** Real path of the report's top directory. */
  readonly root: string
  /** The directory's own name, e.g. sosreport-compute-0-2024-05-01-abcdef. */
  readonly label: string
  readonly hostname: string
  readonly roles: readonly Role[]
  readonly sosVersion: string | null
  /** When sos ran, as precisely as the report says. */
  readonly capturedAt?: string
  /** manifest.json commands by mangled name; empty for reports without a manifest (sos < 4.0). */
  readonly manifest: ReadonlyMap<string, ManifestCommand>
  /** Plugins sos ran (manifest.json, else the sos_commands/ folders): tells "not collected" from "not run". */
  readonly plugins: ReadonlySet<string>
  /** Plugins sos stopped at --plugin-timeout (manifest.json). */
  readonly timedOutPlugins: ReadonlySet<string>
  /** --log-size sos ran with, in MiB (null: not recorded, sos's default 25). */
  readonly logSizeMb: number | null
  /** Absolute paths sos skipped because --log-size was used up (sos_logs/sos.log), with the plugin. */
  readonly skippedForSize: ReadonlyMap<string, string>
  /** Files under sos_commands/ by file name, each a path relative to root. */
  readonly commandFiles: ReadonlyMap<string, readonly string[]>
}

/** A sosreport directory has sos_commands/, or at least version.txt next to sos_reports/. */
export async function isSosReportDir(dir: string): Promise<boolean> {
  if (await isDirectory(join(dir, 'sos_commands'))) return true
  return (await isFile(join(dir, 'version.txt'))) && (await isDirectory(join(dir, 'sos_reports')))
}

export async function loadSosReport(dir: string): Promise<SosReport> {
  const root = await realpath(dir)
  const label = basename(root)
  const manifestText = await readInside(root, 'sos_reports/manifest.json', MANIFEST_MAX_BYTES)
  // A damaged manifest only costs us exit codes; the mangled-name lookup still works.
  const manifest = manifestText === null ? null : safely(() => parseManifest(manifestText))
  const commandFiles = await indexCommandFiles(root)
  const hostname = await readHostname(root, label, manifest?.label ?? null)
  const roles = inferRoles({
    paths: [
      ...(await listTree(root, 'var/log', 3)),
      ...(await listTree(root, 'var/lib/mysql', 1)),
      ...[...commandFiles.values()].flat(),
    ],
    processes:
      (await readFirst(root, ['sos_commands/process/ps_auxwww', 'sos_commands/process/ps_auxwwwm', 'ps'])) ??
      '',
    haproxyConfig: await readInside(root, 'etc/haproxy/haproxy.cfg'),
  })
  const capturedAt = await readCaptureTime(root, manifest?.startTime ?? null)
  const sosLog = await readInside(root, 'sos_logs/sos.log', SOS_LOG_MAX_BYTES)
  return {
    root,
    label,
    hostname,
    roles,
    sosVersion: manifest?.sosVersion ?? (await readSosVersion(root)),
    ...(capturedAt ? {capturedAt} : {}),
    manifest: manifest ? indexManifest(manifest) : new Map(),
    timedOutPlugins: new Set(manifest?.timedOutPlugins ?? []),
    skippedForSize: skippedForSize(sosLog ?? ''),
    logSizeMb: manifest?.logSizeMb ?? null,
    plugins: new Set([
      ...(manifest?.plugins ?? []),
      ...[...commandFiles.values()].flat().map((rel) => rel.split('/')[1] ?? ''),
    ]),
    commandFiles,
  }
}

export type CommandLocation =
  | {
      readonly found: true
      readonly relPath: string | null
      readonly returnCode: number | null
      readonly runTruncated: boolean
      /** How sos's spelling of the command differs from the request (fewer columns…); null when it does not. */
      readonly note: string | null
    }
  | {readonly found: false; readonly lookedFor: readonly string[]}

/**
 * Where sos put the output of `argv`: manifest first (exact file, exit code), then the mangled name
 * under sos_commands/, trying sos's own spelling of the command (see command-variants.ts) and the snap
 * prefixes Ubuntu's Sunbeam and MicroOVN add.
 */
export function locateCommand(report: SosReport, argv: readonly string[]): CommandLocation {
  const spellings = sosSpellings(argv).map((spelling) => ({...spelling, name: mangleCommand(spelling.argv)}))
  for (const {name, note} of spellings) {
    const entry = report.manifest.get(name)
    if (entry)
      return {
        found: true,
        relPath: entry.filepath,
        returnCode: entry.returnCode,
        runTruncated: entry.truncated,
        note,
      }
  }
  for (const {name, note} of spellings) {
    for (const candidate of [name, `openstack-hypervisor.${name}`, `microovn.${name}`]) {
      const files = report.commandFiles.get(candidate)
      const first = files?.[0]
      if (first) return {found: true, relPath: first, returnCode: null, runTruncated: false, note}
    }
  }
  return {found: false, lookedFor: spellings.map(({name}) => `sos_commands/*/${name}`)}
}

/** Journal of one unit: the per-plugin `journalctl --no-pager --unit X` sos saves. */
export function locateUnitJournal(report: SosReport, unit: string): string | null {
  const bare = unit.replace(/\.service$/, '')
  for (const name of [bare, `${bare}.service`, `snap.openstack-hypervisor.${bare}`]) {
    const first = report.commandFiles.get(mangleCommand(['journalctl', '--no-pager', '--unit', name]))?.[0]
    if (first) return first
  }
  return null
}

/** The whole-system journal the logs plugin saves, newest boot first. */
export function locateSystemJournal(report: SosReport): string | null {
  for (const name of ['journalctl_--no-pager_--catalog_--boot', 'journalctl_--no-pager']) {
    const first = report.commandFiles.get(name)?.[0]
    if (first) return first
  }
  return null
}

export interface ReportText {
  readonly text: string
  /** Relative path of what was really read, after symlinks (sos_strings/…tailed for tailed logs). */
  readonly realRel: string
  /** sos tailed it, or it was cut at `maxBytes`. */
  readonly truncated: boolean
}

/**
 * Read a file of the report, following sos's symlinks but never out of the report. Returns null when it
 * is absent or leads outside. Bounded by `maxBytes`: the head, or with `tailLines` the last lines.
 */
export async function readReportText(
  report: SosReport,
  relPath: string,
  maxBytes: number,
  tailLines?: number,
): Promise<ReportText | null> {
  const real = await realInside(report.root, relPath)
  if (real === null) return null
  const size = (await stat(real)).size
  const realRel = relative(report.root, real).split(sep).join('/')
  const tailedBySos = realRel.startsWith('sos_strings/') && realRel.endsWith('.tailed')
  const {text, cut} = realRel.endsWith('.gz')
    ? await readGzip(real, maxBytes, tailLines)
    : tailLines === undefined
      ? await readHead(real, size, maxBytes)
      : await readTailLines(real, size, tailLines, maxBytes)
  return {text, realRel, truncated: tailedBySos || cut}
}

async function readHead(path: string, size: number, maxBytes: number): Promise<{text: string; cut: boolean}> {
  if (size <= maxBytes) return {text: await readFile(path, 'utf8'), cut: false}
  const handle = await open(path, 'r')
  try {
    const buffer = Buffer.alloc(maxBytes)
    const {bytesRead} = await handle.read(buffer, 0, maxBytes, 0)
    return {text: buffer.subarray(0, bytesRead).toString('utf8'), cut: true}
  } finally {
    await handle.close()
  }
}

/** The last `lines` lines, reading backwards in chunks so a 25 MB log costs only its tail. */
async function readTailLines(
  path: string,
  size: number,
  lines: number,
  maxBytes: number,
): Promise<{text: string; cut: boolean}> {
  const handle = await open(path, 'r')
  try {
    const chunks: Buffer[] = []
    let position = size
    let newlines = 0
    let read = 0
    // A trailing newline ends the last line; it does not start an empty one.
    const wanted = lines + 1
    while (position > 0 && newlines < wanted && read < maxBytes) {
      const length = Math.min(64 * 1024, position, maxBytes - read)
      position -= length
      const chunk = Buffer.alloc(length)
      await handle.read(chunk, 0, length, position)
      chunks.unshift(chunk)
      read += length
      for (const byte of chunk) if (byte === 0x0a) newlines++
    }
    const text = Buffer.concat(chunks).toString('utf8')
    const all = text.split('\n')
    const endsWithNewline = text.endsWith('\n')
    const body = endsWithNewline ? all.slice(0, -1) : all
    // When the read stopped mid-file, the first piece is a partial line: drop it unless it is all we have.
    const complete = position > 0 && body.length > lines ? body.slice(1) : body
    const kept = complete.slice(-lines)
    const cut = position > 0 && kept.length < lines
    return {text: kept.join('\n') + (endsWithNewline && kept.length > 0 ? '\n' : ''), cut}
  } finally {
    await handle.close()
  }
}

/**
 * Rotated logs (nova-compute.log.1.gz) as text. For a tail the whole stream is read, keeping only the
 * last `maxBytes` of it; for a head it stops at `maxBytes`.
 */
async function readGzip(
  path: string,
  maxBytes: number,
  tailLines?: number,
): Promise<{text: string; cut: boolean}> {
  let kept = Buffer.alloc(0)
  let dropped = false
  const gunzip = createReadStream(path).pipe(createGunzip())
  try {
    for await (const chunk of gunzip) {
      kept = Buffer.concat([kept, chunk as Buffer])
      if (kept.length > maxBytes) {
        dropped = true
        if (tailLines === undefined) {
          kept = kept.subarray(0, maxBytes)
          break
        }
        kept = kept.subarray(kept.length - maxBytes)
      }
    }
  } finally {
    gunzip.destroy()
  }
  const text = kept.toString('utf8')
  if (tailLines === undefined) return {text, cut: dropped}
  const lines = text.split('\n')
  const endsWithNewline = text.endsWith('\n')
  const body = endsWithNewline ? lines.slice(0, -1) : lines
  const complete = dropped ? body.slice(1) : body
  const tail = complete.slice(-tailLines)
  return {
    text: tail.join('\n') + (endsWithNewline && tail.length > 0 ? '\n' : ''),
    cut: dropped && tail.length < tailLines,
  }
}

// ---- loading helpers ----

async function indexCommandFiles(root: string): Promise<Map<string, string[]>> {
  const index = new Map<string, string[]>()
  for (const rel of await listTree(root, 'sos_commands', 4)) {
    const name = rel.slice(rel.lastIndexOf('/') + 1)
    const list = index.get(name)
    if (list) list.push(rel)
    else index.set(name, [rel])
  }
  // Prefer the shallowest path: sos_commands/<plugin>/<name> over namespace or container subfolders.
  for (const list of index.values())
    list.sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b))
  return index
}

/** Regular files (and symlinks) under root/sub, as root-relative paths, at most `depth` levels down. */
async function listTree(root: string, sub: string, depth: number): Promise<string[]> {
  const out: string[] = []
  const walk = async (rel: string, left: number): Promise<void> => {
    const entries = await readdir(join(root, rel), {withFileTypes: true}).catch(() => [])
    for (const entry of entries) {
      const child = `${rel}/${entry.name}`
      if (entry.isDirectory()) {
        if (left > 1) await walk(child, left - 1)
      } else if (entry.isFile() || entry.isSymbolicLink()) out.push(child)
    }
  }
  await walk(sub, depth)
  return out
}

async function readHostname(root: string, label: string, sosLabel: string | null): Promise<string> {
  const text = await readFirst(root, [
    'sos_commands/host/hostname',
    'hostname',
    'sos_commands/general/hostname',
    'etc/hostname',
  ])
  const first = text?.split('\n')[0]?.trim()
  if (first) return first
  return hostFromReportName(label, sosLabel)
}

/**
 * sosreport-<host>[-<label>]-<date>-<id> → host. The label is only known from manifest.json's command
 * line; without it the name is ambiguous and the whole <host>[-<label>] part is returned.
 */
export function hostFromReportName(name: string, sosLabel: string | null): string {
  const match = /^sosreport-(.+?)-(?:\d{4}-\d{2}-\d{2}|\d{8})-\w+$/.exec(name)
  const hostAndLabel = match?.[1] ?? name
  return sosLabel && hostAndLabel.endsWith(`-${sosLabel}`)
    ? hostAndLabel.slice(0, -sosLabel.length - 1)
    : hostAndLabel
}

async function readSosVersion(root: string): Promise<string | null> {
  const text = await readInside(root, 'version.txt')
  return /^sos(?:report)?:\s*(\S+)/m.exec(text ?? '')?.[1] ?? null
}

/** `date --utc` when the date plugin ran; else manifest start time (node-local, no zone). */
async function readCaptureTime(root: string, manifestStart: string | null): Promise<string | undefined> {
  const utc = await readFirst(root, ['sos_commands/date/date_--utc', 'sos_commands/general/date_--utc'])
  if (utc) {
    const parsed = Date.parse(utc.trim().replace(/\bUTC\b/, 'GMT'))
    if (!Number.isNaN(parsed)) return new Date(parsed).toISOString()
  }
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})/.exec(manifestStart ?? '')
  return match ? `${match[1]}T${match[2]}` : undefined
}

async function readFirst(root: string, rels: readonly string[]): Promise<string | null> {
  for (const rel of rels) {
    const text = await readInside(root, rel)
    if (text !== null) return text
  }
  return null
}

/** sos.log: a line per file and command; a big node's runs to a few MB. */
const SOS_LOG_MAX_BYTES = 16 * 1024 * 1024

/** `[plugin:openstack_neutron] skipping '/var/log/neutron/neutron-server.log' over size limit` → path → plugin. */
export function skippedForSize(sosLog: string): Map<string, string> {
  const skipped = new Map<string, string>()
  for (const match of sosLog.matchAll(/\[plugin:([\w-]+)\] skipping '([^']+)' over size limit/g)) {
    if (match[1] && match[2]) skipped.set(match[2], match[1])
  }
  return skipped
}

/** A path of the report that is a symlink whose target is not there (sos tailed a log but never wrote it). */
export async function isDanglingLink(report: SosReport, relPath: string): Promise<boolean> {
  const path = join(report.root, ...relPath.split('/'))
  const link = await lstat(path).catch(() => null)
  if (!link?.isSymbolicLink()) return false
  return (await stat(path).catch(() => null)) === null
}

/** manifest.json of a large node (thousands of commands, pids) runs to a few MB. */
const MANIFEST_MAX_BYTES = 64 * 1024 * 1024

/** Small metadata files only: anything over the limit is not what we are looking for. */
async function readInside(root: string, rel: string, maxBytes = 1024 * 1024): Promise<string | null> {
  const real = await realInside(root, rel)
  if (real === null) return null
  const info = await stat(real)
  if (info.size > maxBytes) return null
  return readFile(real, 'utf8')
}

/** Real path of root/rel if it is a regular file that stays inside root after symlinks, else null. */
async function realInside(root: string, rel: string): Promise<string | null> {
  const real = await realpath(join(root, ...rel.split('/'))).catch(() => null)
  if (real === null || !real.startsWith(root + sep)) return null
  return (await isFile(real)) ? real : null
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() ?? false
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isFile() ?? false
}

function safely<T>(fn: () => T): T | null {
  try {
    return fn()
  } catch {
    return null
  }
}
