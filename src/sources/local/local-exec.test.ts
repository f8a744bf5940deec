import {execFileSync, spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {DEFAULT_LOCAL_EXEC_OPTIONS, gatherLocally} from './local-exec.js'

// Everything here runs real programs on this machine; the openstack test uses the real client against a
// loopback port where nothing listens.
const runDir = `/run/cloudtriage-local-test-${process.pid}`
const hasOpenstack = spawnSync('openstack', ['--version']).status === 0

beforeAll(() => mkdirSync(runDir, {recursive: true}))
afterAll(() => rmSync(runDir, {recursive: true, force: true}))

describe('gatherLocally', () => {
  it('runs an allowed command and reports it as local evidence', async () => {
    const result = await gatherLocally('api', {kind: 'command', argv: ['uname', '-a']})
    expect(result).toMatchObject({node: 'api', status: 'ok', exitCode: 0, origin: 'local', truncated: false})
    expect(result.stdout).toMatch(/^Linux /)
  })

  it('reads a file request with cat', async () => {
    const result = await gatherLocally('api', {kind: 'file', path: '/proc/loadavg'})
    expect(result.status).toBe('ok')
    expect(result.stdout).toMatch(/^\d+\.\d+ /)
  })

  it('refuses what the read-only guard refuses, without running it', async () => {
    const canary = join(runDir, 'refused-canary')
    const result = await gatherLocally('api', {kind: 'command', argv: ['touch', canary]})
    expect(result.status).toBe('refused')
    expect(existsSync(canary)).toBe(false)
  })

  it('passes arguments as argv, so shell syntax in them is never interpreted', async () => {
    const canary = join(runDir, 'shell-canary')
    const format = `+$(touch ${canary}); touch ${canary} \`touch ${canary}\``
    const result = await gatherLocally('api', {kind: 'command', argv: ['date', format]})
    expect(result.stdout).toBe(`${format.slice(1)}\n`)
    expect(existsSync(canary)).toBe(false)
  })

  it('stops a hanging read at its timeout and kills the process', async () => {
    const fifo = join(runDir, 'never-written.fifo')
    execFileSync('mkfifo', [fifo])
    const result = await gatherLocally('api', {kind: 'command', argv: ['cat', fifo], timeoutMs: 500})
    expect(result.status).toBe('timeout')
    expect(result.error).toMatch(/^api \(local\): no result within/)
    expect(result.durationMs).toBeLessThan(3_000)
    expect(spawnSync('pgrep', ['-f', `cat ${fifo}`]).status).toBe(1)
  })

  it('keeps the head of output beyond the cap and marks it truncated', async () => {
    const result = await gatherLocally(
      'api',
      {kind: 'file', path: '/proc/self/maps'},
      {...DEFAULT_LOCAL_EXEC_OPTIONS, outputCapBytes: 1_000},
    )
    expect(result.truncated).toBe(true)
    expect(result.status).toBe('ok')
    expect(Buffer.byteLength(result.stdout)).toBeLessThanOrEqual(1_000)
  })

  it('reports a missing file as failed with the reason', async () => {
    const result = await gatherLocally('api', {
      kind: 'file',
      path: '/var/log/cloudtriage-no-such.log',
      tailLines: 5,
    })
    expect(result.status).toBe('failed')
    expect(result.error).toMatch(/cannot read \/var\/log\/cloudtriage-no-such\.log: .*No such file/)
  })

  it('redacts secrets in local output', async () => {
    const conf = join(runDir, 'keystone.conf')
    writeFileSync(conf, '[DEFAULT]\nadmin_token = 0123456789abcdef\n')
    const result = await gatherLocally('api', {kind: 'file', path: conf})
    expect(result.stdout).toContain('admin_token = ***')
    expect(result.stdout).not.toContain('0123456789abcdef')
  })

  it.skipIf(!hasOpenstack)(
    'hands the operator environment to the real openstack client untouched (OS_CLOUD + clouds.yaml)',
    async () => {
      const clouds = join(runDir, 'clouds.yaml')
      writeFileSync(
        clouds,
        [
          'clouds:',
          '  ct-test:',
          '    auth:',
          '      auth_url: http://127.0.0.1:9/v3',
          '      username: admin',
          '      password: not-a-real-password',
          '      project_name: admin',
          '      user_domain_name: Default',
          '      project_domain_name: Default',
          '',
        ].join('\n'),
      )
      const env = {...process.env, OS_CLIENT_CONFIG_FILE: clouds, OS_CLOUD: 'ct-test'}
      const result = await gatherLocally(
        'api',
        {kind: 'command', argv: ['openstack', 'server', 'list', '-f', 'json']},
        {...DEFAULT_LOCAL_EXEC_OPTIONS, env},
      )
      // The client ran, read our clouds.yaml through OS_CLOUD, and tried the loopback auth_url it names.
      expect(result.status).toBe('ok')
      expect(result.exitCode).toBe(1)
      expect(result.stderr).toContain('http://127.0.0.1:9/v3')
      expect(result.stderr).not.toContain('not-a-real-password')
    },
  )
})
