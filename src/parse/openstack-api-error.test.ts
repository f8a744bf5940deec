import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {parseOpenstackApiError} from './openstack-api-error.js'

/** The client's stderr as the lab probe captured it (fixtures/control-plane/README.md), without the wrapper lines. */
function captured(file: string): string {
  const lines = readFileSync(new URL(`../../fixtures/control-plane/${file}`, import.meta.url), 'utf8').trimEnd().split('\n')
  return lines.slice(1, -1).join('\n')
}

describe('parseOpenstackApiError', () => {
  it('names placement on port 8778 refusing connections when placement-api was stopped', () => {
    expect(parseOpenstackApiError(captured('placement_down.openstack_resource_provider_list.txt'))).toMatchObject({
      failed: true,
      kind: 'refused',
      url: 'http://127.0.0.1:8778/',
      host: '127.0.0.1',
      port: 8778,
      path: '/',
      httpStatus: null,
    })
  })

  it('names the keystone token URL, not the version discovery before it, when keystone was stopped', () => {
    const error = parseOpenstackApiError(captured('keystone_down.openstack_server_list.txt'))
    expect(error).toMatchObject({failed: true, kind: 'refused', port: 5000, path: '/v3/auth/tokens', line: 2})
    expect(error.message).toMatch(/^Unable to establish connection to http:\/\/127\.0\.0\.1:5000\/v3\/auth\/tokens/)
  })

  it('tells a keystone that accepted and hung up (its database was down) from one that refused', () => {
    expect(parseOpenstackApiError(captured('mariadb_down.openstack_token_issue.txt'))).toMatchObject({
      kind: 'aborted',
      port: 5000,
      path: '/v3/auth/tokens',
    })
  })

  it('reads neutron-server refusing on 9696 and nova-api answering 500 because it could not reach neutron', () => {
    expect(parseOpenstackApiError(captured('neutron_server_down.openstack_network_agent_list.txt'))).toMatchObject({
      kind: 'refused',
      port: 9696,
      path: '/v2.0/agents',
    })
    expect(parseOpenstackApiError(captured('neutron_server_down.openstack_server_list.txt'))).toMatchObject({
      failed: true,
      kind: 'server-error',
      url: null,
      httpStatus: 500,
    })
  })

  it('reads a client without the placement plugin as an error that names no endpoint, quoting its first line', () => {
    expect(parseOpenstackApiError(captured('dev-machine-no-osc-placement.openstack_resource_provider_list.txt'))).toMatchObject({
      failed: true,
      kind: 'other',
      url: null,
      line: 1,
      message: "openstack: 'resource provider list -f json' is not an openstack command. See 'openstack --help'.",
    })
  })

  it('says a real listing is not an error', () => {
    expect(parseOpenstackApiError(captured('healthy.openstack_compute_service_list.txt'))).toMatchObject({
      failed: false,
      kind: null,
      message: null,
    })
    expect(parseOpenstackApiError('').failed).toBe(false)
  })

  it('reads the 503 a proxy or an API answers with and keystoneauth timeouts', () => {
    // Message shapes from keystoneauth1 (session.py "Request to %s timed out") and its HttpError "(HTTP 503)".
    expect(parseOpenstackApiError('Service Unavailable (HTTP 503)')).toMatchObject({kind: 'unavailable', httpStatus: 503})
    expect(parseOpenstackApiError('Request to http://ctl:8776/v3/volumes timed out')).toMatchObject({
      kind: 'timeout',
      host: 'ctl',
      port: 8776,
    })
  })
})
