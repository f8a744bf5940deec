import {
  dictList,
  int,
  networkAddresses,
  pick,
  pythonReprField,
  str,
  text,
  toObject,
  toRows,
  type Row,
} from './openstack-fields.js'

export interface ServerAddress {
  network: string
  ip: string
}

export interface ServerFault {
  code: number | null
  message: string | null
  details: string | null
}

/** One server, from `openstack server show` in JSON or table format. */
export interface Server {
  id: string | null
  name: string | null
  status: string | null
  host: string | null
  hypervisorHostname: string | null
  instanceName: string | null
  powerState: string | null
  vmState: string | null
  taskState: string | null
  addresses: ServerAddress[]
  /** Security group names; null when the API did not say (e.g. a server that never built). */
  securityGroups: string[] | null
  keyName: string | null
  flavor: string | null
  image: string | null
  fault: ServerFault | null
  created: string | null
  updated: string | null
  projectId: string | null
}

/** One row of `openstack server list` (`Host` only with `--long`). */
export interface ServerListEntry {
  id: string | null
  name: string | null
  status: string | null
  host: string | null
  networks: ServerAddress[]
}

// nova's power_state numbers, named as python-openstackclient's PowerStateColumn names them.
const POWER_STATES: Record<number, string> = {
  0: 'NOSTATE',
  1: 'Running',
  3: 'Paused',
  4: 'Shutdown',
  6: 'Crashed',
  7: 'Suspended',
}

/** Normalizes `openstack server show` output (raw text, or parsed by parseOpenstackOutput). */
export function normalizeServer(raw: unknown): Server {
  const s = toObject(raw, 'openstack server show')
  const groups = pick(s, 'security_groups')
  return {
    id: str(pick(s, 'id', 'ID')),
    name: str(pick(s, 'name', 'Name')),
    status: str(pick(s, 'status', 'Status')),
    host: text(pick(s, 'OS-EXT-SRV-ATTR:host', 'host', 'compute_host')),
    hypervisorHostname: text(pick(s, 'OS-EXT-SRV-ATTR:hypervisor_hostname', 'hypervisor_hostname')),
    instanceName: text(pick(s, 'OS-EXT-SRV-ATTR:instance_name', 'instance_name')),
    powerState: powerState(pick(s, 'OS-EXT-STS:power_state', 'power_state')),
    vmState: text(pick(s, 'OS-EXT-STS:vm_state', 'vm_state')),
    taskState: text(pick(s, 'OS-EXT-STS:task_state', 'task_state')),
    addresses: networkAddresses(pick(s, 'addresses')) ?? [],
    securityGroups:
      groups === null ? null : (dictList(groups) ?? []).map((g) => g.name ?? '').filter((n) => n !== ''),
    keyName: text(pick(s, 'key_name')),
    flavor: flavorOf(pick(s, 'flavor')),
    image: text(pick(s, 'image')),
    fault: faultOf(pick(s, 'fault')),
    created: text(pick(s, 'created')),
    updated: text(pick(s, 'updated')),
    projectId: text(pick(s, 'project_id', 'tenant_id')),
  }
}

/** Normalizes `openstack server list [--long]` output. */
export function normalizeServerList(raw: unknown): ServerListEntry[] {
  return toRows(raw, 'openstack server list').map((r: Row) => ({
    id: str(pick(r, 'ID', 'id')),
    name: str(pick(r, 'Name', 'name')),
    status: str(pick(r, 'Status', 'status')),
    host: text(pick(r, 'Host', 'OS-EXT-SRV-ATTR:host')),
    networks: networkAddresses(pick(r, 'Networks', 'addresses')) ?? [],
  }))
}

function powerState(value: unknown): string | null {
  const code = int(value)
  if (code !== null) return POWER_STATES[code] ?? String(code)
  return text(value)
}

function flavorOf(value: unknown): string | null {
  // Microversion >= 2.47 embeds the flavor as a dict; its original_name is what an operator knows.
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const f = value as Row
    return str(pick(f, 'original_name', 'name', 'id')) ?? JSON.stringify(value)
  }
  return text(value)
}

function faultOf(value: unknown): ServerFault | null {
  if (value === null || value === undefined || value === '') return null
  if (typeof value === 'object' && !Array.isArray(value)) {
    const f = value as Row
    return {code: int(f.code), message: str(f.message ?? null), details: text(f.details ?? null)}
  }
  if (typeof value !== 'string') return null
  // Table format prints the fault dict as a Python repr.
  const code = pythonReprField(value, 'code')
  const message = pythonReprField(value, 'message')
  const details = pythonReprField(value, 'details')
  return {
    code: typeof code === 'number' ? code : int(code),
    message: message === null ? value : String(message),
    details: details === null || details === '' ? null : String(details),
  }
}
