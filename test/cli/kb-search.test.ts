// `cloudtriage kb search` as an operator runs it: the built CLI (npm test builds first) on the real index.
import {execa} from 'execa'
import {describe, expect, it} from 'vitest'

function kbSearch(...words: string[]) {
  return execa('node', ['bin/run.js', 'kb', 'search', ...words], {reject: false, env: {NO_COLOR: '1'}})
}

describe('kb search', () => {
  it('leaves out and names the words no page holds, and still finds the signature of a pasted error', async () => {
    const run = await kbSearch('node17', 'MessagingTimeout')
    expect(run.exitCode).toBe(0)
    const lines = run.stdout.split('\n')
    expect(lines[0]).toBe('Ignored (in no page): node17')
    expect(lines[1]).toMatch(/^oslo-messaging-timeout {2}\(signature\)/)
  })

  it('reports the ignored words in --json too', async () => {
    const run = await kbSearch('Too many connections', 'db-host-17.example', '--json')
    expect(run.exitCode).toBe(0)
    const out = JSON.parse(run.stdout) as {ignored: string[]; results: Array<{id: string}>}
    expect(out.ignored).toEqual(['db-host-17.example'])
    expect(out.results[0]?.id).toBe('mysql-too-many-connections-1040')
  })

  it('prints no ignored line when every word is known', async () => {
    const run = await kbSearch('rpc_response_timeout')
    expect(run.stdout).not.toContain('Ignored')
  })
})
