/**
 * Recording a run into a capture bundle: the same playbook run, with every answer also written (redacted)
 * to a bundle that `--from` replays later. Used by `collect` and by `--save` on every playbook command.
 */
import {createBundleWriter, type BundleWriter} from '../sources/bundle/bundle-writer.js'
import type {BundleManifest} from '../sources/bundle/bundle-schema.js'
import {recordingSource} from '../sources/bundle/recording-source.js'
import type {EvidenceSource} from '../sources/source.js'

export interface Recording {
  readonly source: EvidenceSource
  readonly writer: BundleWriter
}

export interface RecordingMeta {
  readonly toolVersion: string
  readonly playbook: string
  readonly target: string | null
  readonly overwrite: boolean
}

/** Wrap `source` so everything it answers lands in a new bundle at `path`. */
export async function startRecording(
  source: EvidenceSource,
  path: string,
  meta: RecordingMeta,
): Promise<Recording> {
  const writer = await createBundleWriter(
    path,
    {tool: {name: 'cloudtriage', version: meta.toolVersion}, playbook: meta.playbook, target: meta.target},
    {overwrite: meta.overwrite},
  )
  return {source: recordingSource(source, writer), writer}
}

/**
 * Why a recorded run is not a complete capture, or null when it is. A run that finished but could not
 * reach some evidence is still a complete capture: the gaps are recorded as items, and replay shows them.
 */
export function incompleteReason(run: {
  readonly interrupted: boolean
  readonly deadlineHit?: boolean
}): string | null {
  if (run.interrupted) return 'interrupted (SIGINT)'
  if (run.deadlineHit) return 'stopped at the overall deadline'
  return null
}

export async function finishRecording(recording: Recording, reason: string | null): Promise<BundleManifest> {
  return recording.writer.finish({complete: reason === null, reason})
}
