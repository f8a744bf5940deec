/**
 * `--from <path>`: decide whether the operator handed us a capture bundle, a sosreport, or a directory of
 * sosreports, and open it. Archives are recognised from their first entries, without unpacking twice.
 */
import {readdir, stat} from 'node:fs/promises'
import {join, posix} from 'node:path'

import {InputError} from '../model/errors.js'
import {
  contentRoot,
  looksLikeArchiveName,
  type PeekedEntry,
  peekArchiveEntries,
  safeEntryPath,
} from '../util/archive.js'
import {isBundleDir, openBundle} from './bundle/bundle-source.js'
import type {EvidenceSource} from './source.js'
import {isSosReportDir} from './sosreport/sos-report.js'
import {openSosreports} from './sosreport/sosreport-source.js'

export type OfflineKind = 'bundle' | 'sosreport'

const EXPECTED =
  'expected a capture bundle (directory or .tar.gz with bundle.json), a sosreport (directory or archive with sos_commands/, or version.txt and sos_reports/), or a directory of sosreports'

/** Open a bundle or sosreport(s) at `path`, whichever it is. InputError when it is neither. */
export async function openOfflineInput(path: string): Promise<EvidenceSource> {
  const found = await detectOfflineKind(path)
  return found.kind === 'bundle' ? openBundle(found.path) : openSosreports(found.path)
}

/** Which kind of input `path` is, and the path to open (a bundle wrapped in one folder opens from inside). */
export async function detectOfflineKind(path: string): Promise<{kind: OfflineKind; path: string}> {
  const info = await stat(path).catch(() => null)
  if (info === null) throw new InputError(path, 'no such file or directory')
  if (info.isFile()) {
    const entries = await peekArchiveEntries(path, (seen) => classifyArchive(seen) !== null)
    const kind = classifyArchive(entries)
    if (kind) return {kind, path}
    throw new InputError(
      path,
      `${entries.length === 0 ? 'not a readable archive' : 'neither a bundle nor a sosreport'}; ${EXPECTED}`,
    )
  }
  if (!info.isDirectory()) throw new InputError(path, `not a file or directory; ${EXPECTED}`)

  if (await isBundleDir(path)) return {kind: 'bundle', path}
  if (await isSosReportDir(path)) return {kind: 'sosreport', path}
  const entries = (await readdir(path, {withFileTypes: true})).filter((entry) => !entry.name.startsWith('.'))
  if (entries.length === 0) throw new InputError(path, `is empty; ${EXPECTED}`)
  const wrapped = await contentRoot(path)
  if (wrapped !== path && (await isBundleDir(wrapped))) return {kind: 'bundle', path: wrapped}
  // A case directory: sosreport folders or archives side by side.
  for (const entry of entries) {
    const child = join(path, entry.name)
    if (
      entry.isDirectory() &&
      ((await isSosReportDir(child)) || (await isSosReportDir(await contentRoot(child))))
    )
      return {kind: 'sosreport', path}
    if (entry.isFile() && looksLikeArchiveName(entry.name)) {
      const entries = await peekArchiveEntries(child, (seen) => classifyArchive(seen) !== null).catch(
        () => [],
      )
      if (classifyArchive(entries) === 'sosreport') return {kind: 'sosreport', path}
    }
  }
  throw new InputError(path, `holds neither a bundle nor any sosreport; ${EXPECTED}`)
}

/**
 * What an archive holds, judged from its first entries: bundle.json at the top (or under the one top
 * folder), or sos's markers. sos >= 4.1 writes version.txt and sos_reports/ first; sos 4.0 starts with its
 * root symlinks (`df -> sos_commands/filesys/df_-al_-x_autofs`), so a link into sos_commands/ counts too.
 */
export function classifyArchive(entries: readonly PeekedEntry[]): OfflineKind | null {
  const names = entries.flatMap((entry) =>
    entry.linkname && !entry.linkname.startsWith('/')
      ? [entry.name, posix.join(posix.dirname(entry.name), entry.linkname)]
      : [entry.name],
  )
  return classifyArchiveNames(names)
}

/** The same judgement on bare names. */
export function classifyArchiveNames(names: readonly string[]): OfflineKind | null {
  // Each name both as written and without its top folder (sosreport-host-…/, my-bundle/).
  const rels = names
    .map((name) => safeEntryPath(name))
    .flatMap((path) => (path === null ? [] : [path, stripTop(path)]))
    .filter((rel): rel is string => rel !== null)
  if (rels.includes('bundle.json')) return 'bundle'
  const has = (name: string): boolean => rels.some((rel) => rel === name || rel.startsWith(`${name}/`))
  if (has('sos_commands') || (has('version.txt') && has('sos_reports'))) return 'sosreport'
  return null
}

/** "sosreport-x/sos_commands/…" → "sos_commands/…"; null for a top-level name. */
function stripTop(path: string): string | null {
  const slash = path.indexOf('/')
  return slash === -1 ? null : path.slice(slash + 1)
}
