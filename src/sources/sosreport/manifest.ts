/**
 * `sos_reports/manifest.json`: what sos ran, where it wrote each output and how each command exited.
 * The robust way to find a command's file (it knows about collisions, subdirectories and suggested
 * names) and the only record of failures (126/127 not found, 124 timeout). Written by sos >= 4.0.
 */
import {z} from 'zod'

import {mangleCommand} from './mangle.js'

export interface ManifestCommand {
  readonly plugin: string
  readonly exec: string
  /** Relative to the report root; null when sos wrote no file (e.g. the command was not found). */
  readonly filepath: string | null
  readonly returnCode: number | null
  readonly truncated: boolean
  /** Commands sos ran inside a container: not what a host-level request means. */
  readonly container: string | null
}

export interface SosManifest {
  readonly sosVersion: string | null
  /** When sos started, as written (local time of the node, no zone). */
  readonly startTime: string | null
  /** Every plugin sos ran, including those that only copied files. */
  readonly plugins: readonly string[]
  /** The --label sos was given (it is part of the report's directory name, after the host). */
  readonly label: string | null
  /** --log-size in MiB when sos was given one (its default is 25). */
  readonly logSizeMb: number | null
  /** Plugins sos stopped at --plugin-timeout: whatever they had not run yet is absent. */
  readonly timedOutPlugins: readonly string[]
  readonly commands: readonly ManifestCommand[]
}

const commandSchema = z.looseObject({
  exec: z.string(),
  filepath: z.string().nullish(),
  return_code: z.number().nullish(),
  truncated: z.boolean().nullish(),
  container: z.string().nullish(),
})

const manifestSchema = z.looseObject({
  version: z.string().nullish(),
  cmdline: z.string().nullish(),
  start_time: z.string().nullish(),
  components: z
    .looseObject({
      report: z
        .looseObject({
          plugins: z
            .record(
              z.string(),
              z.looseObject({commands: z.array(z.unknown()).nullish(), timeout_hit: z.unknown().nullish()}),
            )
            .nullish(),
        })
        .nullish(),
    })
    .nullish(),
})

/** Parse manifest.json leniently: unknown fields are ignored, malformed command entries skipped. */
export function parseManifest(text: string): SosManifest {
  const manifest = manifestSchema.parse(JSON.parse(text))
  const commands: ManifestCommand[] = []
  const plugins = manifest.components?.report?.plugins ?? {}
  for (const [plugin, entry] of Object.entries(plugins)) {
    for (const raw of entry.commands ?? []) {
      const parsed = commandSchema.safeParse(raw)
      if (!parsed.success) continue
      const command = parsed.data
      commands.push({
        plugin,
        exec: command.exec,
        filepath: command.filepath ?? null,
        returnCode: command.return_code ?? null,
        truncated: command.truncated ?? false,
        container: command.container ?? null,
      })
    }
  }
  return {
    sosVersion: manifest.version ?? null,
    startTime: manifest.start_time ?? null,
    label: labelOf(manifest.cmdline ?? ''),
    logSizeMb: logSizeOf(manifest.cmdline ?? ''),
    plugins: Object.keys(plugins),
    timedOutPlugins: Object.entries(plugins)
      .filter(([, entry]) => entry.timeout_hit === true)
      .map(([plugin]) => plugin),
    commands,
  }
}

/**
 * Index host-level commands by their mangled name, so a request matches however sos quoted or spelled
 * its `exec` (`lsof +M -n -l -c ''` and our argv land on the same name). First entry wins, as sos's first
 * file does (later duplicates are the `.1`, `.2` collisions).
 */
export function indexManifest(manifest: SosManifest): ReadonlyMap<string, ManifestCommand> {
  const index = new Map<string, ManifestCommand>()
  for (const command of manifest.commands) {
    if (command.container) continue
    const key = mangleCommand(command.exec)
    if (!index.has(key)) index.set(key, command)
  }
  return index
}

/** `--label X` / `--label=X` of sos's command line, as sos put it in the name (non-alphanumerics dropped). */
export function labelOf(cmdline: string): string | null {
  const match = /(?:^|\s)--label(?:=|\s+)(\S+)/.exec(cmdline)
  const label = match?.[1]?.replaceAll(/[^A-Za-z0-9-]/g, '') ?? ''
  return label === '' ? null : label
}

/** `--log-size N` (MiB) of sos's command line, or null. */
export function logSizeOf(cmdline: string): number | null {
  const match = /(?:^|\s)--log-size(?:=|\s+)(\d+)/.exec(cmdline)
  return match?.[1] ? Number(match[1]) : null
}
