import {Args, Flags} from '@oclif/core'

import {exitCodeFor} from '../app/diagnose.js'
import {loadBuiltinPlaybook} from '../app/playbook-catalog.js'
import {PlaybookCommand} from '../cli/playbook-command.js'
import {EXIT} from '../model/errors.js'
import type {BundleManifest} from '../sources/bundle/bundle-schema.js'

export default class Collect extends PlaybookCommand {
  static override args = {
    playbook: Args.string({
      description: 'The built-in playbook whose evidence to record (see `cloudtriage playbooks`).',
      required: true,
    }),
    target: Args.string({
      description: 'The target (server, volume…) if the playbook takes one.',
      required: false,
    }),
  }

  static override description = `Record what a playbook gathers from a live cloud into a capture bundle, so the same diagnosis can be replayed offline (--from) on another machine or attached to a support case.

Everything is redacted before it is written, the bundle appears atomically when the run ends, and Ctrl-C leaves a valid bundle marked incomplete (exit 3). Read-only, like every playbook.`

  static override examples = [
    '<%= config.bin %> collect vm-ssh-fail web-1 --out case-1234.tar.gz',
    '<%= config.bin %> collect vm-ssh-fail web-1 --inventory ~/cloud/inventory.yaml --out ./capture/',
    '<%= config.bin %> vm-ssh-fail web-1 --from case-1234.tar.gz',
  ]

  static override flags = {
    out: Flags.string({
      description: 'Where to write the bundle: a directory, or a .tar.gz/.tgz file.',
      helpValue: 'PATH',
      required: true,
    }),
    overwrite: Flags.boolean({
      description: 'Replace an existing bundle at --out (only once the new one is complete).',
      default: false,
    }),
  }

  static override summary = 'Record a live playbook run into a capture bundle.'

  async run(): Promise<Record<string, unknown>> {
    const {args, flags} = await this.parse(Collect)
    const loaded = await loadBuiltinPlaybook(args.playbook).catch((error: unknown) =>
      this.fail(error, flags.debug),
    )
    const target = args.target ?? null
    const {diagnosis, manifest} = await this.runRecorded(loaded, target, flags, {
      path: flags.out,
      overwrite: flags.overwrite,
    })
    const summary = describeCapture(flags.out, manifest as BundleManifest)
    if (!this.jsonEnabled()) this.log(summary.lines.join('\n'))
    // A capture that finished is a success even if the cloud is broken; only an interrupted one is partial.
    process.exitCode = summary.complete ? EXIT.ok : exitCodeFor(diagnosis)
    return {
      bundle: flags.out,
      complete: summary.complete,
      incompleteReason: manifest?.incompleteReason ?? null,
      items: summary.counts,
    }
  }
}

/** What the operator needs after a capture: where it is, whether it is whole, and what it could not get. */
export function describeCapture(
  path: string,
  manifest: BundleManifest,
): {complete: boolean; counts: Record<string, number>; lines: string[]} {
  const counts: Record<string, number> = {}
  for (const item of manifest.items) counts[item.status] = (counts[item.status] ?? 0) + 1
  const byStatus = Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${n} ${status}`)
    .join(', ')
  const lines = [
    `Bundle written to ${path}${manifest.complete ? '' : ` — INCOMPLETE: ${manifest.incompleteReason ?? 'incomplete'}`}`,
    `${manifest.items.length} item(s) from ${manifest.nodes.length} node(s): ${byStatus || 'nothing gathered'}.`,
  ]
  const gaps = manifest.items.filter((item) => item.status !== 'ok')
  for (const item of gaps.slice(0, 10))
    lines.push(
      `  not ok on ${item.node}: ${item.key.split('|')[1] ?? item.key} — ${item.status}${item.error ? `: ${item.error}` : ''}`,
    )
  if (gaps.length > 10) lines.push(`  … and ${gaps.length - 10} more (see bundle.json)`)
  lines.push(
    `Replay it with: cloudtriage ${manifest.playbook ?? '<playbook>'}${manifest.target ? ` ${manifest.target}` : ''} --from ${path}`,
  )
  return {complete: manifest.complete, counts, lines}
}
