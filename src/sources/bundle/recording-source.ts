/**
 * A source that records everything it answers into a bundle, so a live run can be replayed later.
 */
import type {EvidenceRequest, Gathered} from '../../model/evidence.js'
import type {NodeRef} from '../../model/node.js'
import type {EvidenceSource} from '../source.js'
import type {BundleWriter} from './bundle-writer.js'

/**
 * Pass every call through to `inner` and record each answer (and the inventory) in `writer`. Recording
 * failures (disk full) surface as a rejected gather: losing evidence silently would be worse. Closing
 * closes `inner` only; the caller finishes the writer, complete or not.
 */
export function recordingSource(inner: EvidenceSource, writer: BundleWriter): EvidenceSource {
  return {
    kind: inner.kind,
    description: `${inner.description} (recording to ${writer.path})`,
    async nodes(): Promise<readonly NodeRef[]> {
      const nodes = await inner.nodes()
      writer.setNodes(nodes)
      return nodes
    },
    async gather(node: string, request: EvidenceRequest): Promise<Gathered> {
      const gathered = await inner.gather(node, request)
      await writer.add(gathered)
      return gathered
    },
    notes: () => inner.notes?.() ?? [],
    close: async () => inner.close(),
  }
}
