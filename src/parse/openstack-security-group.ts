import {int, pick, str, text, toRows, type Row} from './openstack-fields.js'

/** One security group rule. Ports are null when the rule covers every port. */
export interface SecurityGroupRule {
  id: string | null
  securityGroupId: string | null
  direction: string | null
  ethertype: string | null
  protocol: string | null
  portMin: number | null
  portMax: number | null
  remoteIpPrefix: string | null
  remoteGroupId: string | null
}

/**
 * Normalizes `openstack security group rule list` (columns `IP Protocol`, `Port Range` as `22:22`,
 * `IP Range`, ...) or `security group rule show` (API field names) output.
 */
export function normalizeSecurityGroupRules(raw: unknown): SecurityGroupRule[] {
  return toRows(raw, 'openstack security group rule list').map((r: Row) => {
    const [rangeMin, rangeMax] = portRange(pick(r, 'Port Range'))
    return {
      id: str(pick(r, 'ID', 'id')),
      securityGroupId: text(pick(r, 'Security Group', 'security_group_id')),
      direction: text(pick(r, 'Direction', 'direction')),
      ethertype: text(pick(r, 'Ethertype', 'ether_type', 'ethertype')),
      protocol: text(pick(r, 'IP Protocol', 'protocol')),
      portMin: rangeMin ?? int(pick(r, 'port_range_min')),
      portMax: rangeMax ?? int(pick(r, 'port_range_max')),
      remoteIpPrefix: text(pick(r, 'IP Range', 'remote_ip_prefix')),
      remoteGroupId: text(pick(r, 'Remote Security Group', 'remote_group_id')),
    }
  })
}

function portRange(value: unknown): [number | null, number | null] {
  // The client prints "22:22" for one port, "1:65535" for a range, "" when the rule has none.
  const m = typeof value === 'string' ? /^(\d+):(\d+)$/.exec(value.trim()) : null
  return m ? [Number(m[1]), Number(m[2])] : [null, null]
}
