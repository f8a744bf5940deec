import type {EvidenceRequest, Gathered} from '../model/evidence.js'
import type {NodeRef} from '../model/node.js'

/**
 * Where evidence comes from. Live SSH, local execution, a sosreport and a capture bundle all answer the
 * same questions, so a playbook never knows which one it is reading.
 *
 * Contract:
 * - gather() never throws for a node or command problem: it returns a Gathered with a non-ok status and
 *   an operator-readable `error`. It throws only for programming errors.
 * - Output in a Gathered is already redacted (see collect/redact.ts).
 * - Live sources re-check every command with the read-only guard before sending it.
 */
export interface EvidenceSource {
  readonly kind: 'live' | 'sosreport' | 'bundle'
  /** One line for the report header, e.g. "sosreports: 3 nodes from /cases/123". */
  readonly description: string
  /** Known nodes and their roles (inventory, discovery, or inferred from offline contents). */
  nodes(): Promise<readonly NodeRef[]>
  gather(node: string, request: EvidenceRequest): Promise<Gathered>
  /**
   * What the reader of the report must know about how the evidence was obtained, beyond each item's own
   * origin: host keys accepted for this run, nodes that discovery could not place, an incomplete capture.
   * Asked once, when the run ends.
   */
  notes?(): readonly string[]
  close(): Promise<void>
}
