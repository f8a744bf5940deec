import {pick, str, text, toRows, type Row} from './openstack-fields.js'

/** One nova (or cinder) service as the service list reports it. */
export interface ServiceEntry {
  /** Null for cinder, whose list has no ID column. */
  id: string | null
  binary: string | null
  host: string | null
  zone: string | null
  /** "enabled" / "disabled": the operator's switch. */
  status: string | null
  /** "up" / "down": whether the service reported in recently. */
  state: string | null
  updatedAt: string | null
}

/** Normalizes `openstack compute service list` output. */
export function normalizeComputeServices(raw: unknown): ServiceEntry[] {
  return toRows(raw, 'openstack compute service list').map(serviceOf)
}

/** Normalizes `openstack volume service list` output (same columns, no ID). */
export function normalizeVolumeServices(raw: unknown): ServiceEntry[] {
  return toRows(raw, 'openstack volume service list').map(serviceOf)
}

function serviceOf(r: Row): ServiceEntry {
  return {
    id: text(str(pick(r, 'ID', 'id', 'Id'))),
    binary: text(pick(r, 'Binary', 'binary')),
    host: text(pick(r, 'Host', 'host')),
    zone: text(pick(r, 'Zone', 'zone', 'availability_zone')),
    status: text(pick(r, 'Status', 'status')),
    state: text(pick(r, 'State', 'state')),
    updatedAt: text(pick(r, 'Updated At', 'updated_at', 'Updated_at')),
  }
}
