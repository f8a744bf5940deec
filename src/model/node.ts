/** Roles a node can play in an OpenStack cloud. A node may have several. */
export const ROLES = ['controller', 'compute', 'network', 'storage', 'database', 'messaging', 'loadbalancer'] as const
export type Role = (typeof ROLES)[number]

export interface NodeRef {
  readonly name: string
  readonly roles: readonly Role[]
}

export function hasRole(node: NodeRef, role: Role): boolean {
  return node.roles.includes(role)
}
