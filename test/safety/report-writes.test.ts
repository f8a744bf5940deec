/**
 * What leaves cloudtriage: bundles, report files (markdown, HTML, JSON), the audit log and the terminal.
 * Evidence is real lab output (fixtures/golden, replayed), passed through a "leaky" wrapper that plays a
 * source which forgot to redact and a node that prints hostile markup: the wrapper is a test double (it
 * only appends text), because no real source here would leak on purpose.
 */
import {createHash} from 'node:crypto'
import {readdirSync, readFileSync, rmSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {Marked} from 'marked'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {loadBuiltinPlaybook} from '../../src/app/playbook-catalog.js'
import {writeAtomically} from '../../src/app/write-atomically.js'
import type {Gathered} from '../../src/model/evidence.js'
import type {LoadedPlaybook} from '../../src/playbook/load.js'
import {runPlaybook} from '../../src/playbook/run-playbook.js'
import type {Diagnosis} from '../../src/reason/diagnosis.js'
import {renderHtml} from '../../src/report/html.js'
import {toJsonResult} from '../../src/report/json.js'
import {renderMarkdown} from '../../src/report/markdown.js'
import {renderTerminal} from '../../src/report/terminal.js'
import {createBundleWriter} from '../../src/sources/bundle/bundle-writer.js'
import {recordingSource} from '../../src/sources/bundle/recording-source.js'
import type {EvidenceSource} from '../../src/sources/source.js'
import {LAB_NODES, openCaptureReplay} from '../support/capture-replay-source.js'
import {makeTempDir} from '../support/sshd.js'

const PASSWORD = 'Zq8#rT2!vLw9mXk4pN7s'
const FERNET = `gAAAAABm${'Q1x9_kP3-aZ7bY2cV5nM8'.repeat(8)}`
const RABBIT = 'r4bb1tS3cr3tPw0rdXY'
/** Each is a real line shape (nova.conf, keystoneauth debug, oslo.messaging) carrying a secret. */
const LEAKS = [
  `password = ${PASSWORD}`,
  `REQ: curl -g -i -X GET http://controller:8774/v2.1/servers -H "X-Auth-Token: ${FERNET}"`,
  `transport_url = rabbit://openstack:${RABBIT}@controller:5672/`,
]
const SECRETS = [PASSWORD, FERNET, RABBIT]

const HOSTILE = [
  '<script>alert(document.cookie)</script>',
  '<img src=x onerror=alert(1)>',
  '[click me](javascript:alert(1))',
  '<a href="javascript:alert(2)">link</a>',
  '\u001b]8;;https://evil.example/\u0007looks like a link\u001b]8;;\u0007',
  '\u001b[2J\u001b[31mRED\u001b[0m',
  '\u001b]0;pwned title\u0007',
].join(' ')

/** A source that forgot to redact and a node that prints markup: appended to every answer. */
function leaky(inner: EvidenceSource): EvidenceSource {
  return {
    ...inner,
    gather: async (node, request): Promise<Gathered> => {
      const g = await inner.gather(node, request)
      const extra = `\n${LEAKS.join('\n')}\n${HOSTILE}\n`
      // JSON output stays parseable (a broken parse would hide the leak from later stages); text gets it too.
      const json = /^\s*[[{]/.test(g.stdout)
      return g.status === 'ok'
        ? {...g, stdout: json ? g.stdout : g.stdout + extra, stderr: g.stderr + extra}
        : {...g, error: `${g.error ?? ''} ${LEAKS.join(' ')} ${HOSTILE}`}
    },
  }
}

let loaded: LoadedPlaybook
let dir: string
let d: Diagnosis
let bundleDir: string
const raw: Gathered[] = []

beforeAll(async () => {
  loaded = await loadBuiltinPlaybook('vm-ssh-fail')
  dir = makeTempDir('report-writes')
  bundleDir = join(dir, 'bundle')
  const replay = await openCaptureReplay('fixtures/golden/vm-ssh-fail/ovs_agent_down', LAB_NODES)
  const writer = await createBundleWriter(bundleDir, {
    tool: {name: 'cloudtriage', version: 'test'},
    playbook: 'vm-ssh-fail',
    target: 'vm-healthy-1',
  })
  const source = recordingSource(leaky(replay), writer)
  d = await runPlaybook(loaded.playbook, source, {target: 'vm-healthy-1', onGathered: (g) => raw.push(g)})
  await writer.finish({complete: d.complete})
  // Cited evidence is the report's largest hostile surface: make sure hostile text sits in an excerpt.
  const top = d.suspects[0]
  if (top && top.evidence[0]) {
    d = {
      ...d,
      suspects: [
        {...top, evidence: [{...top.evidence[0], excerpt: `${top.evidence[0].excerpt}\n${HOSTILE}`}]},
        ...d.suspects.slice(1),
      ],
    }
  }
})
afterAll(() => rmSync(dir, {recursive: true, force: true}))

function filesUnder(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const path = join(root, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

describe('redaction before any write', () => {
  it('leaves no secret in what the gatherer hands on, though the source leaked them', () => {
    expect(raw.length).toBeGreaterThan(10)
    for (const g of raw)
      for (const s of SECRETS) expect(`${g.stdout}${g.stderr}${g.error ?? ''}`).not.toContain(s)
  })

  it('leaves no secret in the bundle on disk, in any file', () => {
    const files = filesUnder(bundleDir)
    expect(files.length).toBeGreaterThan(10)
    for (const file of files) {
      const text = readFileSync(file, 'utf8')
      for (const s of SECRETS) expect(text, file).not.toContain(s)
    }
  })

  it('leaves no secret in the markdown, HTML and JSON reports written with -o, nor in the audit log', async () => {
    const md = join(dir, 'report.md')
    const html = join(dir, 'report.html')
    await writeAtomically(md, renderMarkdown(d))
    await writeAtomically(html, renderHtml(d))
    const outputs = [
      readFileSync(md, 'utf8'),
      readFileSync(html, 'utf8'),
      JSON.stringify(toJsonResult(d)),
      renderTerminal(d, {color: true}),
    ]
    for (const text of outputs) for (const s of SECRETS) expect(text).not.toContain(s)
    expect(readFileSync(md, 'utf8')).toContain('## Audit log')
  })

  it('hashes the redacted output in the audit log, so a hash cannot be used to guess a secret', () => {
    const entry = d.audit.find((a) => a.status === 'ok')
    const g = raw.find((r) => r.status === 'ok' && r.node === entry?.node)
    expect(entry && g).toBeTruthy()
    const redactedHash = (x: Gathered): string =>
      createHash('sha256').update(x.stdout).update('\u0000').update(x.stderr).digest('hex')
    expect(d.audit.map((a) => a.outputSha256)).toContain(redactedHash(g as Gathered))
  })
})

describe('the audit log', () => {
  it('records command, node, status, exit code, duration and output sha256 for every request, in the report and the JSON', () => {
    expect(d.audit.length).toBe(raw.length)
    for (const a of d.audit) {
      expect(a.node).toBeTruthy()
      expect(a.command).toBeTruthy()
      expect(a.outputSha256).toMatch(/^[0-9a-f]{64}$/)
      expect(typeof a.durationMs).toBe('number')
      expect(a).toHaveProperty('exitCode')
    }
    const md = renderMarkdown(d)
    expect(md).toContain('| node | command | status | exit | ms | output sha256 |')
    expect(
      md.split('\n').filter((l) => /^\| \S+ \| `/.test(l) && /\| [0-9a-f]{12} \|$/.test(l)),
    ).toHaveLength(d.audit.length)
    expect((toJsonResult(d)['audit'] as unknown[]).length).toBe(d.audit.length)
  })

  it('travels in the bundle: every gathered answer is an item with its status, exit code and duration', () => {
    const manifest = JSON.parse(readFileSync(join(bundleDir, 'bundle.json'), 'utf8')) as {items: unknown[]}
    expect(manifest.items).toHaveLength(raw.length)
  })
})

describe('hostile evidence in reports', () => {
  it('renders HTML with no script, no event handler, no javascript: link and no escape sequence', () => {
    const html = renderHtml(d)
    expect(html).toContain('alert(document.cookie)') // the text is shown, escaped…
    expect(html).not.toMatch(/<script/i) // …but never as a tag
    expect(html).not.toMatch(/<[a-z][^>]*\son[a-z]+\s*=/i)
    expect(html).not.toMatch(/<a\b[^>]*href\s*=\s*["']?\s*javascript:/i)
    expect(html).not.toMatch(/<img/i)
    expect(html).not.toContain('\u001b')
    expect(html).not.toContain('\u0007')
    expect(html).toContain('Content-Security-Policy')
  })

  it('sends no escape sequence from evidence to the terminal: only its own colours when on a TTY, none when piped', () => {
    const plain = renderTerminal(d, {color: false})
    expect(plain).not.toContain('\u001b')
    expect(plain).not.toContain('\u0007')
    const coloured = renderTerminal(d, {color: true})
    expect(coloured).not.toContain('\u001b]') // no OSC: hyperlinks, window titles
    expect(coloured).not.toContain('\u001b[2J') // no screen clearing
    expect(coloured).not.toContain('\u001b[31mRED') // the node's own colour code never arrives
    expect(coloured).not.toContain('\u0007')
    // Whatever escapes are there are SGR colours only.
    // eslint-disable-next-line no-control-regex
    expect(coloured.match(/\u001b\[[0-9;]*[A-Za-z]/g)?.every((s) => s.endsWith('m')) ?? true).toBe(true)
  })

  it('writes the markdown file without raw escape sequences or live HTML, even for a viewer that renders raw HTML', () => {
    const md = renderMarkdown(d)
    expect(md).not.toContain('\u001b')
    // A plain markdown renderer passes raw HTML through: hostile text must reach it as text or code.
    const viewed = new Marked().parse(md, {async: false})
    expect(viewed).not.toMatch(/<script/i)
    expect(viewed).not.toMatch(/<img/i)
    expect(viewed).not.toMatch(/<a\b[^>]*href\s*=\s*["']?\s*javascript:/i)
  })
})
