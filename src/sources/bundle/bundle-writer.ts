/**
 * Writes a capture bundle (docs/bundle-format.md) as evidence arrives, and puts it in place atomically
 * when the run finishes — completely or not.
 */
import {createHash} from 'node:crypto'
import {mkdir, rename, rm, stat, writeFile} from 'node:fs/promises'
import {basename, dirname, join, resolve} from 'node:path'

import {redactSecrets} from '../../collect/redact.js'
import {InputError} from '../../model/errors.js'
import {type Gathered, requestKey} from '../../model/evidence.js'
import type {NodeRef} from '../../model/node.js'
import {packDirectoryTarGz} from '../../util/archive.js'
import {BUNDLE_FORMAT, BUNDLE_VERSION, type BundleItem, type BundleManifest} from './bundle-schema.js'

export interface BundleMeta {
  readonly tool: {readonly name: string; readonly version: string}
  readonly playbook: string | null
  readonly target: string | null
  readonly nodes?: readonly NodeRef[]
}

export interface BundleWriterOptions {
  /** Replace an existing bundle at the path. Default: refuse. */
  readonly overwrite?: boolean
}

export interface FinishOptions {
  readonly complete: boolean
  /** Why it is incomplete, e.g. "interrupted (SIGINT)". */
  readonly reason?: string | null
}

export interface BundleWriter {
  /** Where the bundle will be once finished. */
  readonly path: string
  /** Record one answer (redacted again here). Safe to call concurrently. */
  add(gathered: Gathered): Promise<void>
  /** The inventory, when it is known only after the writer was created. */
  setNodes(nodes: readonly NodeRef[]): void
  /** Write bundle.json and move the bundle into place. Returns the final manifest. */
  finish(options: FinishOptions): Promise<BundleManifest>
  /** Throw away what was written so far. */
  abort(): Promise<void>
}

export function isTarGzPath(path: string): boolean {
  return /\.(tar\.gz|tgz)$/i.test(path)
}

/**
 * Start a bundle at `path` (a directory, or `.tar.gz`/`.tgz`). Refuses an existing path unless
 * `overwrite`, and a path whose parent directory does not exist.
 */
export async function createBundleWriter(
  path: string,
  meta: BundleMeta,
  options: BundleWriterOptions = {},
): Promise<BundleWriter> {
  const target = resolve(path)
  const parent = await stat(dirname(target)).catch(() => null)
  if (!parent?.isDirectory())
    throw new InputError(path, `cannot save a bundle here: ${dirname(target)} is not a directory`)
  if (!options.overwrite && (await exists(target))) {
    throw new InputError(
      path,
      'already exists; choose another path or remove it first (nothing was overwritten)',
    )
  }
  const partial = `${target}.partial-${process.pid}`
  await rm(partial, {recursive: true, force: true})
  await mkdir(join(partial, 'items'), {recursive: true, mode: 0o700})
  return new FileBundleWriter(path, target, partial, meta, options.overwrite ?? false)
}

class FileBundleWriter implements BundleWriter {
  private readonly items = new Map<string, BundleItem>()
  private readonly pending = new Set<Promise<void>>()
  private nodes: readonly NodeRef[]
  private next = 1
  private state: 'open' | 'finished' | 'aborted' = 'open'

  constructor(
    readonly path: string,
    private readonly target: string,
    private readonly partial: string,
    private readonly meta: BundleMeta,
    private readonly overwrite: boolean,
  ) {
    this.nodes = meta.nodes ?? []
  }

  setNodes(nodes: readonly NodeRef[]): void {
    this.nodes = nodes
  }

  add(gathered: Gathered): Promise<void> {
    if (this.state !== 'open')
      throw new Error(`bundle ${this.path} is already ${this.state}; cannot add more evidence`)
    // Number synchronously, so concurrent adds never share a file.
    const number = this.next++
    const write = this.write(number, gathered)
    this.pending.add(write)
    return write.finally(() => this.pending.delete(write))
  }

  private async write(number: number, gathered: Gathered): Promise<void> {
    const stdoutFile = `items/${String(number).padStart(4, '0')}.out`
    const stdout = Buffer.from(redactSecrets(gathered.stdout), 'utf8')
    await writeFile(join(this.partial, stdoutFile), stdout, {mode: 0o600})
    const key = requestKey(gathered.node, gathered.request)
    // A later answer to the same request replaces the earlier one (its file stays unreferenced; harmless).
    this.items.delete(key)
    this.items.set(key, {
      key,
      node: gathered.node,
      request:
        gathered.request.kind === 'command'
          ? {...gathered.request, argv: [...gathered.request.argv]}
          : {...gathered.request},
      status: gathered.status,
      exitCode: gathered.exitCode,
      durationMs: gathered.durationMs,
      truncated: gathered.truncated,
      origin: gathered.origin,
      error: gathered.error === undefined ? null : redactSecrets(gathered.error),
      capturedAt: gathered.capturedAt ?? null,
      stdoutFile,
      stderr: redactSecrets(gathered.stderr),
      sha256: createHash('sha256').update(stdout).digest('hex'),
    })
  }

  async finish(options: FinishOptions): Promise<BundleManifest> {
    if (this.state !== 'open') throw new Error(`bundle ${this.path} is already ${this.state}`)
    this.state = 'finished'
    try {
      await Promise.allSettled([...this.pending])
      const manifest: BundleManifest = {
        format: BUNDLE_FORMAT,
        version: BUNDLE_VERSION,
        createdAt: new Date().toISOString(),
        complete: options.complete,
        incompleteReason: options.complete ? null : (options.reason ?? 'incomplete'),
        tool: {...this.meta.tool},
        playbook: this.meta.playbook,
        target: this.meta.target,
        nodes: this.nodes.map((node) => ({name: node.name, roles: [...node.roles]})),
        items: [...this.items.values()].sort((a, b) => a.stdoutFile.localeCompare(b.stdoutFile)),
      }
      await writeFile(join(this.partial, 'bundle.json'), `${JSON.stringify(manifest, null, 2)}\n`, {
        mode: 0o600,
      })
      await this.moveIntoPlace()
      return manifest
    } catch (error) {
      await rm(this.partial, {recursive: true, force: true})
      await rm(`${this.partial}.tar.gz`, {force: true})
      throw error
    }
  }

  /** rename(2) is atomic within a filesystem; the partial sits next to the target for exactly that. */
  private async moveIntoPlace(): Promise<void> {
    let ready = this.partial
    if (isTarGzPath(this.target)) {
      ready = `${this.partial}.tar.gz`
      await rm(ready, {force: true})
      await packDirectoryTarGz(this.partial, ready, basename(this.target).replace(/\.(tar\.gz|tgz)$/i, ''))
      await rm(this.partial, {recursive: true, force: true})
    }
    if (await exists(this.target)) {
      if (!this.overwrite) {
        throw new InputError(
          this.path,
          'appeared while the bundle was being written; nothing was overwritten',
        )
      }
      const old = `${this.target}.old-${process.pid}`
      await rename(this.target, old)
      await rename(ready, this.target)
      await rm(old, {recursive: true, force: true})
      return
    }
    await rename(ready, this.target)
  }

  async abort(): Promise<void> {
    if (this.state !== 'open') return
    this.state = 'aborted'
    await Promise.allSettled([...this.pending])
    await rm(this.partial, {recursive: true, force: true})
  }
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null)) !== null
}
