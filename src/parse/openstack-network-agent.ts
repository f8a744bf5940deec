import {bool, pick, str, text, toRows, type Row} from './openstack-fields.js'

export interface NetworkAgent {
  id: string | null
  agentType: string | null
  host: string | null
  /** Neutron has heard the agent's heartbeat recently. Table format prints `:-)` / `XXX`. */
  alive: boolean | null
  adminStateUp: boolean | null
  binary: string | null
  availabilityZone: string | null
}

/** Normalizes `openstack network agent list` (or `network agent show`) output. */
export function normalizeNetworkAgents(raw: unknown): NetworkAgent[] {
  return toRows(raw, 'openstack network agent list').map((r: Row) => ({
    id: str(pick(r, 'ID', 'id')),
    agentType: text(pick(r, 'Agent Type', 'agent_type')),
    host: text(pick(r, 'Host', 'host')),
    alive: bool(pick(r, 'Alive', 'alive', 'is_alive')),
    adminStateUp: bool(pick(r, 'State', 'admin_state_up', 'is_admin_state_up')),
    binary: text(pick(r, 'Binary', 'binary')),
    availabilityZone: text(pick(r, 'Availability Zone', 'availability_zone')),
  }))
}
