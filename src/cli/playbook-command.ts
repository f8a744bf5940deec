import {existsSync} from 'node:fs'

import {Command, Flags} from '@oclif/core'
import chalk from 'chalk'

import {diagnose, exitCodeFor} from '../app/diagnose.js'
import {openSource} from '../app/open-source.js'
import {finishRecording, incompleteReason, type Recording, startRecording} from '../app/record-run.js'
import {writeAtomically} from '../app/write-atomically.js'
import {planDryRun, renderDryRun} from '../collect/dry-run.js'
import {runSignal} from '../collect/gather.js'
import {inventoryFromNodes, loadInventory, resolveInventoryPath} from '../inventory/load-inventory.js'
import {CloudtriageError, EXIT, InputError} from '../model/errors.js'
import type {LoadedPlaybook} from '../playbook/load.js'
import type {Diagnosis} from '../reason/diagnosis.js'
import {toJsonResult} from '../report/json.js'
import {renderHtml} from '../report/html.js'
import {renderMarkdown} from '../report/markdown.js'
import {renderTerminal} from '../report/terminal.js'
import type {BundleManifest} from '../sources/bundle/bundle-schema.js'
import {createLiveSource} from '../sources/live-source.js'
import type {EvidenceSource} from '../sources/source.js'

/**
 * What every playbook command shares: where evidence comes from (live or --from), how the report is
 * written, and how outcomes map to exit codes. Subclasses only name their playbook and target.
 */
export abstract class PlaybookCommand extends Command {
  static override enableJsonFlag = true

  static override baseFlags = {
    from: Flags.string({
      description:
        'Read evidence offline from a capture bundle, a sosreport (dir or .tar.xz/.tar.gz), or a directory of sosreports.',
      helpValue: 'PATH',
    }),
    inventory: Flags.string({
      description:
        'Inventory YAML of nodes and roles (default: $CLOUDTRIAGE_INVENTORY, then ~/.config/cloudtriage/inventory.yaml, else discovered from the cloud).',
      helpValue: 'FILE',
    }),
    'accept-new-host-key': Flags.boolean({
      description:
        'Accept SSH host keys not yet in known_hosts for this run (never a changed key). Nothing is written.',
      default: false,
    }),
    save: Flags.string({
      description:
        'Also record everything gathered (redacted) into a capture bundle at PATH (a directory, or .tar.gz) for replay with --from.',
      helpValue: 'PATH',
    }),
    output: Flags.string({
      char: 'o',
      description:
        'Also write the full report (with audit log) to this file: HTML when it ends in .html, else markdown.',
      helpValue: 'FILE',
    }),
    format: Flags.string({
      description: 'Format of the -o report file (default: from its extension).',
      options: ['md', 'html'],
    }),
    'dry-run': Flags.boolean({
      description:
        'Print every command the playbook would run, per node, without running anything or contacting any node.',
      default: false,
    }),
    deadline: Flags.integer({
      description: 'Overall deadline in seconds: stop gathering then and report what is missing (exit 3).',
      min: 1,
      max: 86_400,
      helpValue: 'SECONDS',
    }),
    'command-timeout': Flags.integer({
      description: 'Per-command timeout in seconds.',
      default: 30,
      min: 1,
      max: 600,
    }),
    concurrency: Flags.integer({
      description: 'Commands in flight at once across nodes.',
      default: 8,
      min: 1,
      max: 64,
    }),
    debug: Flags.boolean({description: 'Show stack traces for errors.', default: false}),
  }

  protected async diagnoseWith(
    loaded: LoadedPlaybook,
    target: string | null,
    flags: PlaybookFlags,
  ): Promise<Record<string, unknown>> {
    if (flags['dry-run']) return this.dryRun(loaded, target, flags)
    const {diagnosis} = await this.runRecorded(
      loaded,
      target,
      flags,
      flags.save ? {path: flags.save, overwrite: false} : null,
    )
    if (flags.output) {
      const html = (flags.format ?? (/\.html?$/i.test(flags.output) ? 'html' : 'md')) === 'html'
      await writeAtomically(flags.output, html ? renderHtml(diagnosis) : renderMarkdown(diagnosis))
    }
    if (!this.jsonEnabled()) {
      this.log(
        renderTerminal(diagnosis, {
          color: Boolean(process.stdout.isTTY) && chalk.level > 0,
          width: process.stdout.columns,
        }),
      )
    }
    process.exitCode = exitCodeFor(diagnosis)
    return toJsonResult(diagnosis)
  }

  /**
   * Run the playbook, recording into a bundle when `save` is given. Ctrl-C stops gathering, the
   * diagnosis is made from what arrived, and the bundle is finished but marked incomplete — a partial
   * capture is still worth attaching to a case.
   */
  protected async runRecorded(
    loaded: LoadedPlaybook,
    target: string | null,
    flags: PlaybookFlags,
    save: {readonly path: string; readonly overwrite: boolean} | null,
  ): Promise<{diagnosis: Diagnosis; manifest: BundleManifest | null}> {
    // Commands that call this directly (collect) honour --dry-run too: print the plan, write nothing, exit 0.
    if (flags['dry-run']) {
      await this.dryRun(loaded, target, flags)
      this.exit(EXIT.ok)
    }
    const controller = new AbortController()
    // `on`, not `once`: execa's signal-exit re-raises SIGINT when it sees no other listener, and a `once`
    // listener is already gone when it looks, so the process died instead of finishing the report.
    // A second Ctrl-C means "now": leave at once.
    const onSigint = (): void => (controller.signal.aborted ? process.exit(130) : controller.abort())
    process.on('SIGINT', onSigint)
    const signal = runSignal(controller.signal, flags.deadline)
    let recording: Recording | null = null
    try {
      let source = await openSource({
        from: flags.from,
        inventory: flags.inventory,
        acceptNewHostKeys: flags['accept-new-host-key'],
        commandTimeoutMs: flags['command-timeout'] * 1000,
        concurrency: flags.concurrency,
      })
      if (save) {
        try {
          recording = await startRecording(source, save.path, {
            toolVersion: this.config.version,
            playbook: loaded.playbook.id,
            target,
            overwrite: save.overwrite,
          })
        } catch (error) {
          await source.close()
          throw error
        }
        source = recording.source
      }
      const diagnosis = await diagnose({
        loaded,
        source,
        target,
        concurrency: flags.concurrency,
        signal,
        onPhase: (title) => {
          if (!this.jsonEnabled() && process.stderr.isTTY) process.stderr.write(chalk.dim(`… ${title}\n`))
        },
      })
      const manifest = recording
        ? await finishRecording(
            recording,
            incompleteReason({
              interrupted: controller.signal.aborted,
              deadlineHit: signal.aborted && !controller.signal.aborted,
            }),
          )
        : null
      return {diagnosis, manifest}
    } catch (error) {
      await recording?.writer.abort()
      return this.fail(error, flags.debug)
    } finally {
      process.removeListener('SIGINT', onSigint)
    }
  }

  /**
   * --dry-run: the commands the playbook would send, per node, exit 0. Nodes come from the inventory
   * alone: discovery would have to run the openstack client, so without an inventory only the api
   * node's commands are exact.
   */
  protected async dryRun(
    loaded: LoadedPlaybook,
    target: string | null,
    flags: PlaybookFlags,
  ): Promise<Record<string, unknown>> {
    let source: EvidenceSource
    try {
      if (flags.from) {
        source = await openSource({
          from: flags.from,
          inventory: undefined,
          acceptNewHostKeys: false,
          commandTimeoutMs: 1_000,
          concurrency: 1,
        })
      } else {
        const path = resolveInventoryPath(flags.inventory)
        const inventory =
          flags.inventory || existsSync(path)
            ? loadInventory(path)
            : inventoryFromNodes(
                [],
                'no inventory (a real run discovers nodes with openstack compute service/network agent/hypervisor list)',
              )
        source = createLiveSource(inventory)
      }
    } catch (error) {
      return this.fail(error, flags.debug)
    }
    try {
      const plan = await planDryRun(loaded.playbook, source, target)
      if (!this.jsonEnabled()) process.stdout.write(renderDryRun(plan))
      process.exitCode = EXIT.ok
      return {dryRun: plan}
    } catch (error) {
      return this.fail(error, flags.debug)
    } finally {
      await source.close()
    }
  }

  /** Operator errors are one line and exit 2; anything else is our bug and says so. */
  protected fail(error: unknown, debug: boolean): never {
    if (error instanceof CloudtriageError) {
      if (debug) this.logToStderr(error.stack ?? '')
      this.error(error.message, {exit: EXIT.input, suggestions: [...error.suggestions]})
    }
    if (debug) this.logToStderr((error as Error).stack ?? String(error))
    this.error(
      `internal error: ${(error as Error).message ?? String(error)} — please report this with the output of --debug`,
      {exit: EXIT.internal},
    )
  }
}

export interface PlaybookFlags {
  readonly from?: string
  readonly inventory?: string
  readonly 'accept-new-host-key': boolean
  readonly output?: string
  readonly format?: string
  readonly 'dry-run'?: boolean
  readonly deadline?: number
  readonly save?: string
  readonly 'command-timeout': number
  readonly concurrency: number
  readonly debug: boolean
}

export {InputError}
