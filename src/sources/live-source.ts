import type {Inventory, InventoryNode, SshAddress} from '../inventory/inventory.js'
import {API_NODE, type EvidenceRequest, type Gathered} from '../model/evidence.js'
import type {NodeRef} from '../model/node.js'
import {DEFAULT_LOCAL_EXEC_OPTIONS, gatherLocally} from './local/local-exec.js'
import type {EvidenceSource} from './source.js'
import {DEFAULT_SSH_SETTINGS, SshNode, type SshSettings} from './ssh/ssh-node.js'

export interface LiveSourceOptions {
  /** --accept-new-host-key: trust unknown (never changed) host keys for this run, writing nothing. */
  readonly acceptNewHostKeys?: boolean
  /** Nodes worked on at once; each node also limits its own concurrent sessions. */
  readonly nodeParallelism?: number
  readonly channelsPerConnection?: number
  readonly connectTimeoutMs?: number
  /** Default per-command timeout on nodes (a request's own timeoutMs wins). */
  readonly commandTimeoutMs?: number
  /** Default per-command timeout for the openstack client on this machine. */
  readonly apiCommandTimeoutMs?: number
  readonly outputCapBytes?: number
  /** ssh-agent socket; defaults to $SSH_AUTH_SOCK. */
  readonly agentSocket?: string
  /** Environment for local commands; defaults to this process's, untouched. */
  readonly localEnv?: NodeJS.ProcessEnv
  /** Notes about how the node list was obtained (e.g. discovery problems), passed on to the report. */
  readonly notes?: readonly string[]
}

export interface LiveSource extends EvidenceSource {
  readonly kind: 'live'
  /** Host keys accepted because of acceptNewHostKeys, for the report header. */
  acceptedHostKeys(): ReadonlyArray<{readonly node: string; readonly fingerprint: string}>
  notes(): readonly string[]
}

/**
 * Evidence from the running cloud: node `api` is this machine (the openstack client), every other node is
 * reached over SSH as the inventory says. One connection per node (and per jump host), opened on first
 * use and kept until close().
 */
export function createLiveSource(inventory: Inventory, options: LiveSourceOptions = {}): LiveSource {
  const byName = new Map(inventory.nodes.map((node) => [node.name, node]))
  const connections = new Map<string, SshNode>()
  const jumpHosts = new Map<string, SshNode>()
  const slots = new NodeSlots(options.nodeParallelism ?? 8)
  const outputCapBytes = options.outputCapBytes ?? DEFAULT_SSH_SETTINGS.outputCapBytes
  // Local commands still running when the source closes (Ctrl-C, deadline) are stopped with it.
  const closing = new AbortController()

  const settingsFor = (knownHostsPath: string): SshSettings => ({
    knownHostsPath,
    acceptNewHostKeys: options.acceptNewHostKeys ?? false,
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_SSH_SETTINGS.connectTimeoutMs,
    commandTimeoutMs: options.commandTimeoutMs ?? DEFAULT_SSH_SETTINGS.commandTimeoutMs,
    outputCapBytes,
    channelsPerConnection: options.channelsPerConnection ?? DEFAULT_SSH_SETTINGS.channelsPerConnection,
    agentSocket: options.agentSocket ?? process.env['SSH_AUTH_SOCK'],
  })

  const connectionFor = (node: InventoryNode): SshNode => {
    const existing = connections.get(node.name)
    if (existing) return existing
    const created = new SshNode(node, settingsFor(node.knownHostsPath), jumpFor(node))
    connections.set(node.name, created)
    return created
  }

  // A jump to another inventory node shares that node's connection; a jump to a bare host gets its own.
  const jumpFor = (node: InventoryNode): SshNode | undefined => {
    const jump = node.jump
    if (!jump) return undefined
    if (jump.kind === 'node') {
      const via = byName.get(jump.name)
      return via ? connectionFor(via) : undefined
    }
    const key = `${jump.endpoint.user}@${jump.endpoint.host}:${jump.endpoint.port}`
    const existing = jumpHosts.get(key)
    if (existing) return existing
    const created = new SshNode(jump.endpoint satisfies SshAddress, settingsFor(node.knownHostsPath))
    jumpHosts.set(key, created)
    return created
  }

  return {
    kind: 'live',
    description: `live: ${inventory.nodes.length} node${inventory.nodes.length === 1 ? '' : 's'} from ${inventory.origin}, plus the openstack client on this machine`,

    nodes(): Promise<readonly NodeRef[]> {
      return Promise.resolve(inventory.nodes.map(({name, roles}) => ({name, roles})))
    },

    async gather(node: string, request: EvidenceRequest): Promise<Gathered> {
      if (node === API_NODE) {
        return gatherLocally(API_NODE, request, {
          commandTimeoutMs: options.apiCommandTimeoutMs ?? DEFAULT_LOCAL_EXEC_OPTIONS.commandTimeoutMs,
          outputCapBytes,
          cancelSignal: closing.signal,
          ...(options.localEnv ? {env: options.localEnv} : {}),
        })
      }
      const target = byName.get(node)
      if (!target) {
        return {
          node,
          request,
          status: 'unreachable',
          exitCode: null,
          stdout: '',
          stderr: '',
          durationMs: 0,
          truncated: false,
          origin: 'live',
          error: `${node}: not in the inventory (${inventory.origin}); add it there or check the name`,
        }
      }
      return slots.run(node, () => connectionFor(target).gather(request))
    },

    notes(): readonly string[] {
      const accepted = this.acceptedHostKeys().map(
        ({node, fingerprint}) =>
          `Host key ${fingerprint} of ${node} was accepted for this run only (--accept-new-host-key): it was not in known_hosts and was not saved. Check it against the node before trusting this report.`,
      )
      return [...(options.notes ?? []), ...accepted]
    },

    acceptedHostKeys() {
      return [...connections.values(), ...jumpHosts.values()].flatMap((c) =>
        c.acceptedNewHostKey ? [{node: c.endpoint.name, fingerprint: c.acceptedNewHostKey}] : [],
      )
    },

    async close(): Promise<void> {
      closing.abort()
      // Close in rounds, leaves first: closing a jump host before the nodes behind it would cut their
      // tunnels before their goodbye reaches the node.
      let open = [...connections.values(), ...jumpHosts.values()]
      while (open.length > 0) {
        const stillJumps = new Set(open.flatMap((c) => (c.via ? [c.via] : [])))
        const leaves = open.filter((c) => !stillJumps.has(c))
        await Promise.all(leaves.map((c) => c.close()))
        open = open.filter((c) => stillJumps.has(c))
      }
      connections.clear()
      jumpHosts.clear()
    },
  }
}

/**
 * At most `limit` nodes are worked on at once. Requests for a node that is already active join it at
 * once (its own connection limits their sessions); a new node waits for a free slot.
 */
class NodeSlots {
  private readonly active = new Map<string, number>()
  private readonly waiting: Array<() => void> = []

  constructor(private readonly limit: number) {}

  async run<T>(node: string, task: () => Promise<T>): Promise<T> {
    await this.acquire(node)
    try {
      return await task()
    } finally {
      this.release(node)
    }
  }

  private async acquire(node: string): Promise<void> {
    for (;;) {
      const count = this.active.get(node)
      if (count !== undefined) {
        this.active.set(node, count + 1)
        return
      }
      if (this.active.size < this.limit) {
        this.active.set(node, 1)
        return
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve))
    }
  }

  private release(node: string): void {
    const count = (this.active.get(node) ?? 1) - 1
    if (count > 0) {
      this.active.set(node, count)
      return
    }
    this.active.delete(node)
    // Wake everyone waiting; each re-checks, and those that lose the race wait again.
    for (const wake of this.waiting.splice(0)) wake()
  }
}
