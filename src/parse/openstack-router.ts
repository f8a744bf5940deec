import {bool, pick, str, text, toRows, type Row} from './openstack-fields.js'

export interface RouterAddress {
  subnetId: string | null
  ip: string | null
}

/** Where a router leaves the tenant: its gateway port on an external network. */
export interface RouterGateway {
  networkId: string | null
  /** SNAT for instances without a floating IP; null when the output did not say. */
  enableSnat: boolean | null
  fixedIps: RouterAddress[]
}

/** A router's port on a tenant subnet (`interfaces_info` of `router show`). */
export interface RouterInterface {
  portId: string | null
  subnetId: string | null
  ip: string | null
}

/** One neutron router, from `router show` or a row of `router list [--long]`. */
export interface Router {
  id: string | null
  name: string | null
  status: string | null
  adminStateUp: boolean | null
  projectId: string | null
  ha: boolean | null
  distributed: boolean | null
  /** Null when the router has no gateway, or when the output did not say (see gatewayKnown). */
  externalGateway: RouterGateway | null
  /**
   * Whether the output carried the gateway at all: `router list` without --long (what sos saves) does
   * not, so there a null externalGateway means "unknown", not "no gateway".
   */
  gatewayKnown: boolean
  /** The router's tenant-side interfaces; null unless the output was `router show`. */
  interfaces: RouterInterface[] | null
}

/**
 * Normalizes `openstack router list [--long]` (columns `ID`, `Name`, `Status`, `State`, `Project`,
 * `Distributed`, `HA`, with --long `Routes`, `External gateway info`, ...) and `openstack router show`
 * (API field names, with `interfaces_info`). Names are from python-openstackclient 6.0.0
 * openstackclient/network/v2/router.py. The gateway and interfaces come as JSON values with `-f json`
 * and as `json.dumps` text in the table format; both are read.
 */
export function normalizeRouters(raw: unknown): Router[] {
  return toRows(raw, 'openstack router list').map(routerOf)
}

function routerOf(r: Row): Router {
  const gatewayKey = ['External gateway info', 'external_gateway_info'].find((k) => k in r)
  const interfacesKey = ['interfaces_info', 'Interfaces info'].find((k) => k in r)
  return {
    id: str(pick(r, 'ID', 'id')),
    name: text(pick(r, 'Name', 'name')),
    status: text(pick(r, 'Status', 'status')),
    adminStateUp: bool(pick(r, 'State', 'admin_state_up', 'is_admin_state_up')),
    projectId: text(pick(r, 'Project', 'project_id', 'tenant_id')),
    ha: bool(pick(r, 'HA', 'ha', 'is_ha')),
    distributed: bool(pick(r, 'Distributed', 'distributed', 'is_distributed')),
    externalGateway: gatewayKey === undefined ? null : gatewayOf(jsonValue(r[gatewayKey])),
    gatewayKnown: gatewayKey !== undefined,
    interfaces: interfacesKey === undefined ? null : interfacesOf(jsonValue(r[interfacesKey])),
  }
}

function gatewayOf(value: unknown): RouterGateway | null {
  if (!isRecord(value) || Object.keys(value).length === 0) return null
  const fixed = Array.isArray(value['external_fixed_ips']) ? value['external_fixed_ips'] : []
  return {
    networkId: text(value['network_id']),
    enableSnat: typeof value['enable_snat'] === 'boolean' ? value['enable_snat'] : null,
    fixedIps: fixed.filter(isRecord).map((f) => ({subnetId: text(f['subnet_id']), ip: text(f['ip_address'])})),
  }
}

function interfacesOf(value: unknown): RouterInterface[] {
  if (!Array.isArray(value)) return []
  return value
    .filter(isRecord)
    .map((i) => ({portId: text(i['port_id']), subnetId: text(i['subnet_id']), ip: text(i['ip_address'])}))
}

/** A JSON value, or the table's `json.dumps` text of it (possibly wrapped over several lines). */
function jsonValue(value: unknown): unknown {
  if (typeof value !== 'string') return value
  const trimmed = value.trim()
  if (trimmed === '' || trimmed === 'None') return null
  for (const candidate of [trimmed, trimmed.replace(/\n/g, '')]) {
    try {
      return JSON.parse(candidate) as unknown
    } catch {
      // try the unwrapped spelling, then give up
    }
  }
  return null
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}
