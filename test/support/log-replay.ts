import {readdir, readFile} from 'node:fs/promises'
import path from 'node:path'

import {redactSecrets} from '../../src/collect/redact.js'
import type {EvidenceRequest, Gathered} from '../../src/model/evidence.js'
import type {EvidenceSource} from '../../src/sources/source.js'

/**
 * Lets a capture replay answer log-file requests too. Real captures hold logs in two shapes, neither of
 * which `openCaptureReplay` matches to a file request:
 *
 * - the lab probe's `logs/<node>.<log file name>.txt`: the log itself, no `$` header (copied raw from the
 *   node; `*.errors.txt` are its grep extracts and are skipped);
 * - the project lab's `<node>.log_<name>.txt`: `$ ssh <node> tail -n N /var/log/…` then the output.
 *
 * A file request is answered by node and path (the probe's files carry only the file name, so they match
 * by name). The requested tail length is not enforced: what the capture holds is what it gives, as a
 * sosreport's size-capped log would. Every byte returned was written by the real service.
 */
export async function withLogReplay(inner: EvidenceSource, dir: string): Promise<EvidenceSource> {
  const byName = new Map<string, {text: string; file: string}>()
  const byPath = new Map<string, {text: string; file: string}>()

  const logsDir = path.join(dir, 'logs')
  for (const file of await readdir(logsDir).catch(() => [] as string[])) {
    const m = /^([a-z0-9-]+)\.(.+\.log)\.txt$/.exec(file)
    if (!m || file.endsWith('.errors.txt')) continue
    byName.set(`${m[1]}|${m[2]}`, {
      text: await readFile(path.join(logsDir, file), 'utf8'),
      file: `logs/${file}`,
    })
  }
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.txt'))) {
    const text = await readFile(path.join(dir, file), 'utf8')
    const lines = text.split('\n')
    const header = /^\$ ssh (\S+) (?:tail -n \d+|cat) (\/\S+)$/.exec(lines[0] ?? '')
    if (!header) continue
    const footerAt = lines.findLastIndex((l) => /^\[exit status: 0\]$/.test(l))
    if (footerAt < 0) continue
    byPath.set(`${header[1]}|${header[2]}`, {text: lines.slice(1, footerAt).join('\n'), file})
  }

  return {
    ...inner,
    nodes: () => inner.nodes(),
    close: () => inner.close(),
    gather: (node: string, request: EvidenceRequest): Promise<Gathered> => {
      if (request.kind !== 'file') return inner.gather(node, request)
      const hit =
        byPath.get(`${node}|${request.path}`) ?? byName.get(`${node}|${path.basename(request.path)}`)
      if (!hit) return inner.gather(node, request)
      return Promise.resolve({
        node,
        request,
        status: 'ok',
        exitCode: 0,
        stdout: redactSecrets(hit.text),
        stderr: '',
        durationMs: 0,
        truncated: false,
        origin: `capture ${path.basename(dir)}/${hit.file}`,
      })
    },
  }
}
