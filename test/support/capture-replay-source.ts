import {readdir, readFile} from 'node:fs/promises'
import path from 'node:path'

import {API_NODE, type EvidenceRequest, type Gathered} from '../../src/model/evidence.js'
import type {NodeRef, Role} from '../../src/model/node.js'
import {redactSecrets} from '../../src/collect/redact.js'
import type {EvidenceSource} from '../../src/sources/source.js'

/**
 * Replays a directory of real captured command outputs (the lab probe's format: each file starts with
 * `$ [ssh <node>] <command>` and ends with `[exit status: N]`). Not a mock: every byte it returns was
 * printed by real software. It answers only what was captured; anything else is `not-collected`, exactly
 * as a sosreport or bundle would.
 *
 * Matching is exact on argv, with one documented tolerance: `--all-projects` is ignored, because the lab
 * ran as admin where the listing is the same with or without it.
 */
export async function openCaptureReplay(dir: string, nodes: readonly NodeRef[]): Promise<EvidenceSource> {
  const captures = new Map<string, {stdout: string; exitCode: number; file: string}>()
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.txt'))) {
    const text = await readFile(path.join(dir, file), 'utf8')
    const lines = text.split('\n')
    const header = lines[0] ?? ''
    if (!header.startsWith('$ ')) continue
    const footerAt = lines.findLastIndex((l) => /^\[exit status: -?\d+\]$/.test(l))
    const exitCode = footerAt >= 0 ? Number(/-?\d+/.exec(lines[footerAt] ?? '')?.[0]) : 0
    const body = lines.slice(1, footerAt >= 0 ? footerAt : undefined).join('\n')
    let words = header.slice(2).trim().split(/\s+/)
    let node = API_NODE
    if (words[0] === 'ssh') {
      node = words[1] ?? API_NODE
      words = words.slice(2)
    }
    const key = keyOf(node, words)
    if (!captures.has(key)) captures.set(key, {stdout: body, exitCode, file})
  }

  return {
    kind: 'bundle',
    description: `replayed lab captures from ${path.basename(dir)}`,
    nodes: () => Promise.resolve(nodes),
    gather: (node: string, request: EvidenceRequest): Promise<Gathered> => {
      const argv = request.kind === 'command' ? request.argv : ['cat', request.path]
      const hit = captures.get(keyOf(node, argv))
      const base = {node, request, durationMs: 0, truncated: false}
      if (!hit) {
        return Promise.resolve({...base, status: 'not-collected', exitCode: null, stdout: '', stderr: '', origin: `capture ${path.basename(dir)}`, error: 'not in the capture'})
      }
      const ok = hit.exitCode === 0
      return Promise.resolve({
        ...base,
        status: 'ok',
        exitCode: hit.exitCode,
        stdout: ok ? redactSecrets(hit.stdout) : '',
        stderr: ok ? '' : redactSecrets(hit.stdout),
        origin: `capture ${path.basename(dir)}/${hit.file}`,
      })
    },
    close: () => Promise.resolve(),
  }
}

function keyOf(node: string, argv: readonly string[]): string {
  return `${node}|${argv.filter((a) => a !== '--all-projects').join(' ')}`
}

/** The lab's three nodes and their roles (lab-probe.md). */
export const LAB_NODES: readonly NodeRef[] = [
  {name: 'controller-0', roles: ['controller', 'network'] as Role[]},
  {name: 'compute-0', roles: ['compute'] as Role[]},
  {name: 'compute-1', roles: ['compute'] as Role[]},
]
