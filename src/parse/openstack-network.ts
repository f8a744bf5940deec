import {bool, int, pick, str, stringList, text, toRows, type Row} from './openstack-fields.js'

/** One neutron network, from `network show` or a row of `network list [--long]`. */
export interface Network {
  id: string | null
  name: string | null
  status: string | null
  mtu: number | null
  /** router:external — a network routers take their gateway on, and floating IPs come from. */
  external: boolean | null
  /** provider:network_type: flat/vlan networks usually reach the datacentre directly; vxlan/geneve/gre are overlays. */
  networkType: string | null
  physicalNetwork: string | null
  segmentationId: number | null
  shared: boolean | null
  subnetIds: string[]
  projectId: string | null
}

/**
 * Normalizes `openstack network show` (API field names: `router:external`, `provider:network_type`,
 * ...) and `openstack network list [--long]` (`Router Type` External/Internal, `Network Type`, ...).
 * Names are from python-openstackclient 6.0.0 openstackclient/network/v2/network.py; the table
 * prints router:external as `External`/`Internal`, JSON as a boolean.
 */
export function normalizeNetworks(raw: unknown): Network[] {
  return toRows(raw, 'openstack network show').map(networkOf)
}

function networkOf(n: Row): Network {
  return {
    id: str(pick(n, 'id', 'ID')),
    name: text(pick(n, 'name', 'Name')),
    status: text(pick(n, 'status', 'Status')),
    mtu: int(pick(n, 'mtu', 'MTU')),
    external: routerExternal(pick(n, 'router:external', 'is_router_external', 'Router Type')),
    networkType: text(pick(n, 'provider:network_type', 'provider_network_type', 'Network Type')),
    physicalNetwork: text(pick(n, 'provider:physical_network', 'provider_physical_network')),
    segmentationId: int(pick(n, 'provider:segmentation_id', 'provider_segmentation_id')),
    shared: bool(pick(n, 'shared', 'is_shared', 'Shared')),
    subnetIds: stringList(pick(n, 'subnets', 'subnet_ids', 'Subnets')) ?? [],
    projectId: text(pick(n, 'project_id', 'Project', 'tenant_id')),
  }
}

function routerExternal(value: unknown): boolean | null {
  if (value === 'External') return true
  if (value === 'Internal') return false
  return bool(value)
}
