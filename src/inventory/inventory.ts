import type {NodeRef} from '../model/node.js'

/**
 * The nodes cloudtriage may visit live, and how to reach each one over SSH. Loaded from a YAML file
 * (see docs/inventory.md and load-inventory.ts) or discovered from the openstack client (discover.ts).
 */

/** A hop in front of a node: another inventory node (sharing its connection) or a host of its own. */
export type JumpTarget =
  {readonly kind: 'node'; readonly name: string} | {readonly kind: 'host'; readonly endpoint: SshAddress}

export interface SshAddress {
  /** How the hop is named in messages (`bastion`, `admin@10.0.0.1:2222`). */
  readonly name: string
  readonly host: string
  readonly port: number
  readonly user: string
  /** Empty: ssh's defaults (~/.ssh/id_ed25519, id_ecdsa, id_rsa) and the agent. */
  readonly identityFiles: readonly string[]
}

export interface InventoryNode extends NodeRef, SshAddress {
  readonly knownHostsPath: string
  readonly jump: JumpTarget | null
}

export interface Inventory {
  /** The file it came from, or how it was built ("discovered from openstack compute service list …"). */
  readonly origin: string
  readonly nodes: readonly InventoryNode[]
}
