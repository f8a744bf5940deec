/**
 * What a node does, judged from what its sosreport holds: service logs and configs sos copied, the
 * per-service journals it saved, and the process list. Pure: the caller lists the report.
 */
import type {Role} from '../../model/node.js'
import {ROLES} from '../../model/node.js'

export interface RoleEvidence {
  /** Paths relative to the report root (var/log/…, etc/…, sos_commands/<plugin>/<file>). */
  readonly paths: readonly string[]
  /** `ps` output as sos saved it, or '' when the process plugin did not run. */
  readonly processes: string
  /** /etc/haproxy/haproxy.cfg, or null. */
  readonly haproxyConfig: string | null
}

interface RoleSigns {
  readonly paths: readonly RegExp[]
  readonly processes: readonly RegExp[]
}

// Each sign is something only a node with that role has. nova-api-metadata runs on compute nodes in
// charmed deployments, and neutron spawns haproxy for metadata on network nodes: neither counts.
const SIGNS: Record<Role, RoleSigns> = {
  compute: {
    paths: [
      /^var\/log\/nova\/nova-compute\.log/,
      /^var\/log\/containers\/nova\/nova-compute\.log/,
      /^etc\/nova\/nova-compute\.conf$/,
      /^sos_commands\/[^/]+\/journalctl_--no-pager_--unit_(?:snap\.openstack-hypervisor\.)?nova-compute$/,
    ],
    processes: [/\bnova-compute(?![-\w])/],
  },
  controller: {
    paths: [
      /^var\/log\/nova\/nova-(?:api|conductor|scheduler)\.log/,
      /^var\/log\/containers\/nova\/nova-(?:api|conductor|scheduler)\.log/,
      /^var\/log\/keystone\/./,
      /^var\/log\/containers\/keystone\/./,
      /^var\/log\/apache2\/keystone/,
      /^var\/log\/neutron\/(?:neutron-)?server\.log/,
      /^var\/log\/containers\/neutron\/server\.log/,
    ],
    processes: [
      /\bnova-(?:api|conductor)(?![-\w])/,
      /\bneutron-server\b/,
      /\bkeystone-(?:all|wsgi-public|wsgi-admin)\b|\(wsgi:keystone/,
    ],
  },
  network: {
    paths: [/^var\/log\/(?:containers\/)?neutron\/(?:neutron-)?(?:l3|dhcp|metadata)-agent\.log/],
    processes: [/\bneutron-(?:l3|dhcp|metadata)-agent\b/],
  },
  storage: {
    paths: [/^var\/log\/(?:containers\/)?cinder\/(?:cinder-)?volume\.log/],
    processes: [/\bcinder-volume\b/],
  },
  database: {
    // Not sos_commands/mysql/: that plugin also runs where only the client or a router is installed.
    paths: [/^var\/lib\/mysql\/grastate\.dat$/, /^var\/log\/(?:mysql|mariadb)\/./],
    processes: [/\b(?:mysqld|mariadbd)\b/],
  },
  messaging: {
    paths: [/^var\/log\/rabbitmq\/./, /^sos_commands\/rabbitmq\/rabbitmqctl/],
    processes: [/beam\.smp.*rabbit/],
  },
  loadbalancer: {
    // haproxy.cfg exists (and haproxy may even run) wherever the package is installed, and neutron runs
    // haproxy for metadata: only a configuration that proxies something counts (see proxiesSomething).
    paths: [],
    processes: [],
  },
}

/** Roles in ROLES order; empty when nothing OpenStack-shaped is in the report. */
export function inferRoles(evidence: RoleEvidence): Role[] {
  return ROLES.filter((role) => {
    const signs = SIGNS[role]
    if (signs.paths.some((sign) => evidence.paths.some((path) => sign.test(path)))) return true
    if (signs.processes.some((sign) => sign.test(hostProcesses(evidence.processes)))) return true
    return (
      role === 'loadbalancer' && evidence.haproxyConfig !== null && proxiesSomething(evidence.haproxyConfig)
    )
  })
}

/**
 * ps lines of the host's own processes. Processes of unprivileged LXD/podman containers show up on the
 * host under mapped uids (100000 and up); a hypervisor hosting a database container is not a database node.
 */
export function hostProcesses(ps: string): string {
  return ps
    .split('\n')
    .filter((line) => !/^\d{6,}\s/.test(line))
    .join('\n')
}

function proxiesSomething(config: string): boolean {
  return /^\s*(?:frontend|listen)\s+\S/m.test(config)
}
