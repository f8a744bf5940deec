/**
 * The `kb` commands through the real built CLI (`npm test` builds first), on the shipped knowledge base.
 */
import {execa} from 'execa'
import {describe, expect, it} from 'vitest'

async function cli(...args: string[]) {
  return execa('node', ['bin/run.js', 'kb', ...args], {reject: false, env: {NO_COLOR: '1'}})
}

describe('cloudtriage kb', () => {
  it('search ranks the signature for a pasted error first, with the matched words marked, as JSON', async () => {
    const r = await cli('search', "(2013, 'Lost connection to MySQL server during query')", '--json')
    expect(r.exitCode, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout) as {results: {id: string; snippet: string}[]}
    expect(out.results[0]?.id).toBe('mysql-lost-connection-2013')
    expect(out.results[0]?.snippet).toContain('«MySQL»')
  })

  it('show renders a component page for the terminal, and an unknown id is one line with suggestions, exit 2', async () => {
    const page = await cli('show', 'nova-conductor')
    expect(page.exitCode, page.stderr).toBe(0)
    expect(page.stdout).toContain('/var/log/nova/nova-conductor.log')
    expect(page.stdout).not.toContain('\u001b[')

    const missing = await cli('show', 'nova-conductr')
    expect(missing.exitCode).toBe(2)
    expect(missing.stderr).toContain('nova-conductr: no such knowledge-base page')
    expect(missing.stderr).toContain('cloudtriage kb show nova-conductor')
  })

  it('list --type components lists one page per component id', async () => {
    const r = await cli('list', '--type', 'components', '--json')
    const out = JSON.parse(r.stdout) as {pages: {id: string; type: string}[]}
    expect(out.pages.length).toBeGreaterThanOrEqual(40)
    expect(new Set(out.pages.map((p) => p.type))).toEqual(new Set(['component']))
  })

  it('lint passes on the shipped knowledge base', async () => {
    const r = await cli('lint')
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stdout).toContain('knowledge base: ok')
  })
})
