/**
 * `cloudtriage collect` through the real built CLI: a capture replays to the same answer as the source
 * it recorded, an existing bundle is never overwritten, and an unknown playbook is one clear line.
 * The source here is the bundled demo cloud (offline), so the test needs no cloud; the live path through
 * a real sshd and Ctrl-C are covered in test/integration and test/safety.
 */
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {execa} from 'execa'
import {afterAll, describe, expect, it} from 'vitest'

const CLI = ['bin/run.js']
const DEMO = 'fixtures/demo-cloud'
const scratch = mkdtempSync(join(tmpdir(), 'cloudtriage-collect-'))
afterAll(() => rmSync(scratch, {recursive: true, force: true}))

interface JsonResult {
  suspects: {component: string; node: string | null}[]
}

async function cli(...args: string[]) {
  return execa('node', [...CLI, ...args], {reject: false, env: {NO_COLOR: '1'}})
}

describe('cloudtriage collect', () => {
  it('records a run that replays to the same ranked suspects as the source it recorded', async () => {
    const out = join(scratch, 'capture')
    const collected = await cli('collect', 'vm-ssh-fail', 'vm-healthy-1', '--from', DEMO, '--out', out)
    expect(collected.exitCode, collected.stderr).toBe(0)
    expect(collected.stdout).toContain(`Bundle written to ${out}`)
    expect(collected.stdout).toContain(`cloudtriage vm-ssh-fail vm-healthy-1 --from ${out}`)

    const manifest = JSON.parse(readFileSync(join(out, 'bundle.json'), 'utf8')) as {items: unknown[]}
    expect(manifest).toMatchObject({
      format: 'cloudtriage-bundle',
      complete: true,
      playbook: 'vm-ssh-fail',
      target: 'vm-healthy-1',
    })
    expect(manifest.items.length).toBeGreaterThan(5)

    const direct = JSON.parse(
      (await cli('vm-ssh-fail', 'vm-healthy-1', '--from', DEMO, '--json')).stdout,
    ) as JsonResult
    const replayed = JSON.parse(
      (await cli('vm-ssh-fail', 'vm-healthy-1', '--from', out, '--json')).stdout,
    ) as JsonResult
    const top = (r: JsonResult) => r.suspects.map((s) => `${s.component}@${s.node}`)
    expect(top(replayed)).toEqual(top(direct))
    expect(top(direct).length).toBeGreaterThan(0)
  })

  it('refuses to overwrite an existing bundle and leaves it untouched', async () => {
    const out = join(scratch, 'kept')
    expect((await cli('collect', 'vm-ssh-fail', 'vm-healthy-1', '--from', DEMO, '--out', out)).exitCode).toBe(
      0,
    )
    const before = readFileSync(join(out, 'bundle.json'), 'utf8')
    const again = await cli('collect', 'vm-ssh-fail', 'vm-healthy-1', '--from', DEMO, '--out', out)
    expect(again.exitCode).toBe(2)
    expect(again.stderr).toMatch(/already exists/)
    expect(readFileSync(join(out, 'bundle.json'), 'utf8')).toBe(before)
  })

  it('names the known playbooks when asked for one that does not exist', async () => {
    const result = await cli('collect', 'vm-sssh-fail', '--from', DEMO, '--out', join(scratch, 'never'))
    expect(result.exitCode).toBe(2)
    expect(result.stderr.replace(/\s*›\s*/g, ' ')).toMatch(/vm-sssh-fail: no such playbook; known: .*vm-ssh-fail/)
    expect(result.stderr).not.toMatch(/\n\s+at /) // no stack trace without --debug
  })
})
