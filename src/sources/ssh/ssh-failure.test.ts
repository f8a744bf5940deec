import {describe, expect, it} from 'vitest'

import {describeAuthFailure, describeConnectError, describeHostKeyRefusal} from './ssh-failure.js'

const context = {host: '127.0.1.12', port: 2222, knownHostsPath: '/root/.ssh/known_hosts'}

describe('describeHostKeyRefusal', () => {
  it('lets a matching key through', () => {
    expect(describeHostKeyRefusal({status: 'match'}, context)).toBeUndefined()
  })

  it('tells how to remove a changed key with the exact ssh-keygen -R command', () => {
    const text = describeHostKeyRefusal(
      {status: 'mismatch', fingerprint: 'SHA256:new', expected: ['ssh-ed25519 SHA256:old']},
      context,
    )
    expect(text).toMatch(
      /^HOST KEY CHANGED: the node presented SHA256:new but \/root\/\.ssh\/known_hosts expects ssh-ed25519 SHA256:old/,
    )
    expect(text).toContain(`ssh-keygen -R '[127.0.1.12]:2222' -f /root/.ssh/known_hosts`)
  })

  it('refuses a revoked key without suggesting a way around it', () => {
    expect(describeHostKeyRefusal({status: 'revoked'}, context)).not.toMatch(/accept-new/)
  })
})

describe('describeAuthFailure', () => {
  it('lists what was tried and what was skipped', () => {
    expect(
      describeAuthFailure({
        user: 'root',
        tried: ['ssh-agent', '/k/id'],
        skipped: ['/k/enc needs a passphrase (load it with ssh-add)'],
      }),
    ).toBe(
      'authentication failed for user root (tried: ssh-agent, /k/id; skipped /k/enc needs a passphrase (load it with ssh-add)); load the key into ssh-agent or set identity_file in the inventory',
    )
  })

  it('says so when there was nothing to try', () => {
    expect(describeAuthFailure({user: 'root', tried: [], skipped: []})).toContain(
      'no ssh-agent and no identity file found',
    )
  })
})

describe('describeConnectError', () => {
  it('words socket errors for the operator', () => {
    const error = (code: string): Error & {code: string} =>
      Object.assign(new Error(`connect ${code}`), {code})
    expect(describeConnectError(error('ECONNREFUSED'), 15_000)).toMatch(/^connection refused/)
    expect(describeConnectError(error('ENOTFOUND'), 15_000)).toBe('host name does not resolve')
    expect(describeConnectError(error('EHOSTUNREACH'), 15_000)).toBe('no route to host')
    expect(describeConnectError(new Error('Timed out while waiting for handshake'), 15_000)).toBe(
      'no SSH handshake within 15 s',
    )
  })
})
