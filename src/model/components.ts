/**
 * Stable component ids used in reports and the `--json` output. Add, never rename: support tooling and
 * knowledge-base pages key on these.
 */
export const COMPONENTS = [
  'nova-api', 'nova-metadata-api', 'nova-scheduler', 'nova-conductor', 'nova-compute', 'nova-cell-mapping',
  'placement-api', 'libvirt', 'flavor', 'quota', 'neutron-server', 'neutron-openvswitch-agent',
  'neutron-l3-agent', 'neutron-dhcp-agent', 'neutron-metadata-agent', 'ovn-controller', 'ovn-northd',
  'openvswitch', 'security-group', 'floating-ip', 'neutron-port', 'network-mtu', 'cinder-api',
  'cinder-scheduler', 'cinder-volume', 'cinder-backend', 'glance-api', 'keystone', 'rabbitmq', 'mariadb',
  'haproxy', 'memcached', 'clock', 'node-cpu', 'node-memory', 'node-disk-space', 'node-disk-io',
  'node-network', 'hardware', 'guest-os', 'instance-state', 'keypair',
] as const

export type ComponentId = (typeof COMPONENTS)[number]

export function isComponentId(value: string): value is ComponentId {
  return (COMPONENTS as readonly string[]).includes(value)
}
