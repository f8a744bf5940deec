import {
  bool,
  dict,
  dictList,
  int,
  pick,
  str,
  stringList,
  text,
  toObject,
  toRows,
  type Row,
} from './openstack-fields.js'

export interface PortFixedIp {
  subnetId: string | null
  ip: string | null
}

/** One neutron port, from `port show` or a row of `port list [--long]` (fewer fields: the rest are null). */
export interface Port {
  id: string | null
  name: string | null
  status: string | null
  macAddress: string | null
  fixedIps: PortFixedIp[]
  deviceId: string | null
  deviceOwner: string | null
  networkId: string | null
  bindingHost: string | null
  /** e.g. "ovs", or "binding_failed" / "unbound" when neutron could not bind the port. */
  bindingVifType: string | null
  bindingVnicType: string | null
  bindingProfile: Record<string, string> | null
  /** Null when the output did not say (`port list --long` prints None here), [] when there are none. */
  securityGroupIds: string[] | null
  adminStateUp: boolean | null
  mtu: number | null
}

/** Normalizes `openstack port show` output. */
export function normalizePort(raw: unknown): Port {
  return portOf(toObject(raw, 'openstack port show'))
}

/** Normalizes `openstack port list [--long]` output. */
export function normalizePortList(raw: unknown): Port[] {
  return toRows(raw, 'openstack port list').map(portOf)
}

function portOf(p: Row): Port {
  return {
    id: str(pick(p, 'id', 'ID')),
    name: str(pick(p, 'name', 'Name')),
    status: str(pick(p, 'status', 'Status')),
    macAddress: text(pick(p, 'mac_address', 'MAC Address')),
    fixedIps: (dictList(pick(p, 'fixed_ips', 'Fixed IP Addresses')) ?? []).map((f) => ({
      subnetId: f.subnet_id ?? null,
      ip: f.ip_address ?? null,
    })),
    deviceId: text(pick(p, 'device_id', 'Device ID')),
    deviceOwner: text(pick(p, 'device_owner', 'Device Owner')),
    networkId: text(pick(p, 'network_id', 'Network ID')),
    bindingHost: text(pick(p, 'binding_host_id', 'binding:host_id', 'Binding Host ID')),
    bindingVifType: text(pick(p, 'binding_vif_type', 'binding:vif_type')),
    bindingVnicType: text(pick(p, 'binding_vnic_type', 'binding:vnic_type')),
    bindingProfile: dict(pick(p, 'binding_profile', 'binding:profile')),
    securityGroupIds: stringList(pick(p, 'security_group_ids', 'security_groups', 'Security Groups')),
    adminStateUp: bool(pick(p, 'admin_state_up', 'is_admin_state_up', 'State')),
    mtu: int(pick(p, 'mtu')),
  }
}
