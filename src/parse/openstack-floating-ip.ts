import {pick, str, text, toRows, type Row} from './openstack-fields.js'

export interface FloatingIp {
  id: string | null
  floatingIp: string | null
  fixedIp: string | null
  portId: string | null
  status: string | null
  routerId: string | null
  /** The external network the address belongs to. */
  networkId: string | null
  projectId: string | null
}

/**
 * Normalizes `openstack floating ip list [--long]` (columns `Floating IP Address`, `Fixed IP Address`,
 * `Port`, `Floating Network`, `Project`, and with --long `Router`, `Status`) or `floating ip show` (API
 * field names) output.
 * Column names are from python-openstackclient 6.0.0 openstackclient/network/v2/floating_ip.py.
 */
export function normalizeFloatingIps(raw: unknown): FloatingIp[] {
  return toRows(raw, 'openstack floating ip list').map((r: Row) => ({
    id: str(pick(r, 'ID', 'id')),
    floatingIp: text(pick(r, 'Floating IP Address', 'floating_ip_address')),
    fixedIp: text(pick(r, 'Fixed IP Address', 'fixed_ip_address')),
    portId: text(pick(r, 'Port', 'port_id')),
    status: text(pick(r, 'Status', 'status')),
    routerId: text(pick(r, 'Router', 'router_id')),
    networkId: text(pick(r, 'Floating Network', 'floating_network_id')),
    projectId: text(pick(r, 'Project', 'project_id', 'tenant_id')),
  }))
}
