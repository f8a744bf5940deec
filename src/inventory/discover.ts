import {z} from 'zod'

import type {Gathered} from '../model/evidence.js'
import type {NodeRef, Role} from '../model/node.js'

/**
 * Build the node list from the cloud itself when there is no inventory: nova services, neutron agents,
 * hypervisors and cinder services name their hosts, and what runs there says which roles a host plays.
 * The SSH host of a discovered node is its name, resolved the way `ssh <name>` would (~/.ssh/config, DNS).
 */

/** The commands discovery runs through the openstack client, in this order. */
export const DISCOVERY_COMMANDS = {
  computeServices: ['openstack', 'compute', 'service', 'list', '-f', 'json'],
  networkAgents: ['openstack', 'network', 'agent', 'list', '-f', 'json'],
  hypervisors: ['openstack', 'hypervisor', 'list', '-f', 'json'],
  volumeServices: ['openstack', 'volume', 'service', 'list', '-f', 'json'],
} as const satisfies Record<string, readonly string[]>

type DiscoverySource = keyof typeof DISCOVERY_COMMANDS

const serviceRows = z.array(z.looseObject({Binary: z.string(), Host: z.string()}))
const agentRows = z.array(
  z.looseObject({'Agent Type': z.string().optional(), Binary: z.string().optional(), Host: z.string()}),
)
const hypervisorRows = z.array(z.looseObject({'Hypervisor Hostname': z.string()}))

/** Parsed `-f json` output of the discovery commands; any of them may be missing. */
export interface DiscoveryInput {
  readonly computeServices?: unknown
  readonly networkAgents?: unknown
  readonly hypervisors?: unknown
  readonly volumeServices?: unknown
}

const CONTROLLER_BINARIES =
  /^nova-(scheduler|conductor|api|osapi_compute|metadata|consoleauth|novncproxy|spicehtml5proxy|serialproxy)$|^cinder-(scheduler|api)$/
const NETWORK_BINARIES =
  /^neutron-(l3-agent|dhcp-agent|metadata-agent|vpn-agent|bgp-dragent|ovn-metadata-agent)$/
const SWITCH_AGENTS = /^neutron-(openvswitch-agent|linuxbridge-agent|sriov-nic-agent)$|^ovn-controller$/

/**
 * Pure: nodes and roles from the parsed outputs. Unknown shapes are ignored (the caller reports which
 * command failed). A host that only runs a switch agent (OVS, OVN, linuxbridge) is a network node; on a
 * compute node the same agent adds nothing.
 */
export function inferNodes(input: DiscoveryInput): NodeRef[] {
  const roles = new Map<string, Set<Role>>()
  const switchOnly = new Set<string>()
  const add = (host: string, role?: Role): void => {
    const name = shortHost(host)
    if (name === '') return
    const set = roles.get(name) ?? new Set<Role>()
    if (role) set.add(role)
    roles.set(name, set)
  }

  for (const row of serviceRows.safeParse(input.computeServices).data ?? []) {
    add(
      row.Host,
      row.Binary === 'nova-compute'
        ? 'compute'
        : CONTROLLER_BINARIES.test(row.Binary)
          ? 'controller'
          : undefined,
    )
  }
  for (const row of hypervisorRows.safeParse(input.hypervisors).data ?? [])
    add(row['Hypervisor Hostname'], 'compute')
  for (const row of agentRows.safeParse(input.networkAgents).data ?? []) {
    const binary = row.Binary ?? ''
    if (NETWORK_BINARIES.test(binary) || /gateway/i.test(row['Agent Type'] ?? '')) add(row.Host, 'network')
    else {
      add(row.Host)
      if (SWITCH_AGENTS.test(binary)) switchOnly.add(shortHost(row.Host))
    }
  }
  for (const row of serviceRows.safeParse(input.volumeServices).data ?? []) {
    add(
      row.Host,
      row.Binary === 'cinder-volume'
        ? 'storage'
        : CONTROLLER_BINARIES.test(row.Binary)
          ? 'controller'
          : undefined,
    )
  }
  for (const name of switchOnly) {
    const set = roles.get(name)
    if (set && !set.has('compute')) set.add('network')
  }

  return [...roles.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, set]) => ({name, roles: ROLE_ORDER.filter((role) => set.has(role))}))
}

const ROLE_ORDER: readonly Role[] = [
  'controller',
  'network',
  'compute',
  'storage',
  'database',
  'messaging',
  'loadbalancer',
]

/**
 * cinder names volume hosts `host@backend#pool`; hypervisors may be FQDNs where nova services use short
 * names. Keep the part before `@`, and the first label of a dotted name unless it is an IP address.
 */
export function shortHost(host: string): string {
  const withoutBackend = host.split('@')[0]?.trim() ?? ''
  if (/^\d+\.\d+\.\d+\.\d+$/.test(withoutBackend) || withoutBackend.includes(':')) return withoutBackend
  return withoutBackend.split('.')[0] ?? ''
}

export interface Discovery {
  readonly nodes: readonly NodeRef[]
  /** Commands that gave nothing usable, one line each, for the report ("missing evidence"). */
  readonly problems: readonly string[]
}

/** Run the discovery commands through `runApi` (the local openstack client) and infer nodes. Never throws for a failed command. */
export async function discoverNodes(
  runApi: (argv: readonly string[]) => Promise<Gathered>,
): Promise<Discovery> {
  const sources = Object.keys(DISCOVERY_COMMANDS) as DiscoverySource[]
  const results = await Promise.all(
    sources.map(async (source) => [source, await runApi(DISCOVERY_COMMANDS[source])] as const),
  )
  const input: Record<string, unknown> = {}
  const problems: string[] = []
  for (const [source, gathered] of results) {
    const command = DISCOVERY_COMMANDS[source].join(' ')
    if (gathered.status !== 'ok' || gathered.exitCode !== 0) {
      const why =
        gathered.error ??
        (gathered.stderr.trim().split('\n')[0] || `exit status ${gathered.exitCode ?? 'unknown'}`)
      problems.push(`${command}: ${why}`)
      continue
    }
    try {
      input[source] = JSON.parse(gathered.stdout)
    } catch {
      problems.push(`${command}: output is not JSON`)
    }
  }
  return {nodes: inferNodes(input), problems}
}
