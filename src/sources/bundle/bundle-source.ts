/**
 * Replays a capture bundle (docs/bundle-format.md): every request the recorded run made gets the answer it
 * got then; anything else is not-collected.
 */
import {createHash} from 'node:crypto'
import {readFile, stat} from 'node:fs/promises'
import {join} from 'node:path'

import {redactSecrets} from '../../collect/redact.js'
import {InputError} from '../../model/errors.js'
import {
  describeRequest,
  notGathered,
  type EvidenceRequest,
  type Gathered,
  requestKey,
} from '../../model/evidence.js'
import type {NodeRef} from '../../model/node.js'
import {contentRoot, type ExtractedArchive, extractArchive} from '../../util/archive.js'
import type {EvidenceSource} from '../source.js'
import {type BundleItem, type BundleManifest, parseBundleJson} from './bundle-schema.js'

export interface BundleSource extends EvidenceSource {
  readonly kind: 'bundle'
  /** The validated bundle.json, for report headers ("captured …, incomplete: …"). */
  readonly manifest: BundleManifest
}

/** A bundle directory holds bundle.json. */
export async function isBundleDir(dir: string): Promise<boolean> {
  return (await stat(join(dir, 'bundle.json')).catch(() => null))?.isFile() ?? false
}

/**
 * Open a bundle directory or `.tar.gz`, validating bundle.json and every item file up front, so bad input
 * is one InputError naming the file rather than a surprise halfway through a run.
 */
export async function openBundle(path: string): Promise<BundleSource> {
  const info = await stat(path).catch(() => null)
  if (info === null) throw new InputError(path, 'no such file or directory')
  let extracted: ExtractedArchive | null = null
  try {
    let dir = path
    if (info.isFile()) {
      extracted = await extractArchive(path)
      dir = await contentRoot(extracted.dir)
    }
    if (!(await isBundleDir(dir)))
      throw new InputError(path, 'not a capture bundle: expected a bundle.json at its top')
    const file = info.isFile() ? `${path}!bundle.json` : join(dir, 'bundle.json')
    const manifest = parseBundleJson(await readFile(join(dir, 'bundle.json'), 'utf8'), file)
    const outputs = await readItems(dir, manifest, info.isFile() ? `${path}!` : `${dir}/`)
    return new ReplaySource(path, manifest, outputs, extracted)
  } catch (error) {
    await extracted?.cleanup()
    throw error
  }
}

async function readItems(
  dir: string,
  manifest: BundleManifest,
  shownAs: string,
): Promise<Map<string, {item: BundleItem; stdout: string}>> {
  const byKey = new Map<string, {item: BundleItem; stdout: string}>()
  for (const [index, item] of manifest.items.entries()) {
    const where = `${shownAs}${item.stdoutFile}`
    const bytes = await readFile(join(dir, ...item.stdoutFile.split('/'))).catch(() => null)
    if (bytes === null)
      throw new InputError(
        where,
        `missing (item ${index + 1} of bundle.json); the bundle is incomplete or was edited`,
      )
    if (createHash('sha256').update(bytes).digest('hex') !== item.sha256) {
      throw new InputError(where, 'does not match its sha256 in bundle.json; the bundle was edited')
    }
    const expectedKey = requestKey(item.node, item.request)
    if (item.key !== expectedKey)
      throw new InputError(`${shownAs}bundle.json`, `items.${index}.key does not match its node and request`)
    byKey.set(item.key, {item, stdout: bytes.toString('utf8')})
  }
  return byKey
}

class ReplaySource implements BundleSource {
  readonly kind = 'bundle' as const
  readonly description: string

  constructor(
    private readonly path: string,
    readonly manifest: BundleManifest,
    private readonly outputs: ReadonlyMap<string, {item: BundleItem; stdout: string}>,
    private readonly extracted: ExtractedArchive | null,
  ) {
    const state = manifest.complete ? '' : `, INCOMPLETE: ${manifest.incompleteReason ?? 'no reason given'}`
    this.description = `bundle: ${manifest.items.length} items from ${manifest.nodes.length} nodes, captured ${manifest.createdAt} (${path})${state}`
  }

  nodes(): Promise<readonly NodeRef[]> {
    return Promise.resolve(this.manifest.nodes)
  }

  gather(node: string, request: EvidenceRequest): Promise<Gathered> {
    return Promise.resolve(this.replay(node, request))
  }

  private replay(node: string, request: EvidenceRequest): Gathered {
    const recorded = this.outputs.get(requestKey(node, request))
    if (!recorded) {
      const interrupted = this.manifest.complete
        ? ''
        : ` (the capture was ${this.manifest.incompleteReason ?? 'incomplete'})`
      return notGathered(
        node,
        request,
        'not-collected',
        `bundle ${this.path}`,
        `the bundle ${this.path} did not record \`${describeRequest(request)}\` on ${node}${interrupted}`,
      )
    }
    const {item, stdout} = recorded
    return {
      node,
      request,
      status: item.status,
      exitCode: item.exitCode,
      // Written redacted; redacting again costs little and covers bundles edited by hand.
      stdout: redactSecrets(stdout),
      stderr: redactSecrets(item.stderr),
      durationMs: item.durationMs,
      truncated: item.truncated,
      origin: `bundle ${item.stdoutFile} (${item.origin})`,
      ...(item.error === null ? {} : {error: item.error}),
      ...(item.capturedAt === null ? {} : {capturedAt: item.capturedAt}),
    }
  }

  async close(): Promise<void> {
    await this.extracted?.cleanup()
  }
}
