import {pick, str, text, toRows, type Row} from './openstack-fields.js'

export interface Hypervisor {
  /** A number before compute API 2.53, a UUID after; always given here as a string. */
  id: string | null
  hostname: string | null
  type: string | null
  hostIp: string | null
  /** "up" / "down". */
  state: string | null
  /** "enabled" / "disabled"; only `hypervisor show` prints it, so null from a list. */
  status: string | null
}

/** Normalizes `openstack hypervisor list [--long]` (or `hypervisor show`) output. */
export function normalizeHypervisors(raw: unknown): Hypervisor[] {
  return toRows(raw, 'openstack hypervisor list').map((r: Row) => ({
    id: str(pick(r, 'ID', 'id')),
    hostname: text(pick(r, 'Hypervisor Hostname', 'Hypervisor hostname', 'hypervisor_hostname', 'name')),
    type: text(pick(r, 'Hypervisor Type', 'hypervisor_type')),
    hostIp: text(pick(r, 'Host IP', 'host_ip')),
    state: text(pick(r, 'State', 'state')),
    status: text(pick(r, 'Status', 'status')),
  }))
}
