import {mkdtempSync, mkdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {ensureIndex, KnowledgeIndex, toFtsQuery} from './search-index.js'

/*
 * The log lines in these pages are real:
 * - ovs_idl: fixtures/lab/*\/compute-0.journalctl_u_neutron-openvswitch-agent.txt (project lab, Zed)
 * - (2013, 'Lost connection: /work/shared/reference/lab-captures/mariadb_down (lab probe, Zed)
 * - MessagingTimeout: /work/shared/reference/lab-captures/conductor_down/logs/compute-0.nova-compute.log.txt
 */
const OVS_IDL_LINE =
  'Nov 22 05:06:25 compute-0 neutron-openvswitch-agent[1994]: 2026-11-22 05:06:25.364 1994 ERROR oslo_messaging.rpc.server   File "/usr/lib/python3/dist-packages/ovsdbapp/backend/ovs_idl/transaction.py", line 57, in commit'
const MYSQL_LINE =
  "2026-11-22 04:00:20.608 15615 ERROR oslo_db.sqlalchemy.engines pymysql.err.OperationalError: (2013, 'Lost connection to MySQL server during query')"
const RPC_LINE =
  '2026-11-22 03:47:56.509 20324 WARNING nova.servicegroup.drivers.db [-] Lost connection to nova-conductor for reporting service status.: oslo_messaging.exceptions.MessagingTimeout: Timed out waiting for a reply to message ID c13ecd8048d94d35bdf14e688918e506'

function signature(
  id: string,
  fields: {
    title: string
    component: string
    hint: string
    pattern: string
    line: string
    nearMiss: string
    body: string
  },
): string {
  return [
    '---',
    `id: ${id}`,
    'type: signature',
    `title: ${JSON.stringify(fields.title)}`,
    `component: ${fields.component}`,
    'in: [any]',
    `hint: ${JSON.stringify(fields.hint)}`,
    `pattern: ${JSON.stringify(fields.pattern)}`,
    'level: host',
    'weight: 0.5',
    'fix: Words.',
    'examples:',
    '  match:',
    `    - {line: ${JSON.stringify(fields.line)}, source: test}`,
    '  near_miss:',
    `    - {line: ${JSON.stringify(fields.nearMiss)}, why: test}`,
    '---',
    fields.body,
    '',
  ].join('\n')
}

function component(id: string, title: string, summary: string, body: string): string {
  return [
    '---',
    `id: ${id}`,
    'type: component',
    `title: ${JSON.stringify(title)}`,
    `summary: ${JSON.stringify(summary)}`,
    '---',
    body,
    '',
  ].join('\n')
}

let dir: string
let knowledge: string
let indexFile: string

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kb-index-'))
  knowledge = path.join(dir, 'knowledge')
  indexFile = path.join(dir, 'kb.sqlite')
  mkdirSync(path.join(knowledge, 'signatures'), {recursive: true})
  mkdirSync(path.join(knowledge, 'components'), {recursive: true})
  const sig = (id: string, text: string): void =>
    writeFileSync(path.join(knowledge, 'signatures', `${id}.md`), text)
  sig(
    'ovsdb-transaction-error',
    signature('ovsdb-transaction-error', {
      title: 'An ovsdb transaction of the agent failed',
      component: 'openvswitch',
      hint: 'ovsdbapp',
      pattern: 'ovsdbapp/backend/ovs_idl/transaction\\.py',
      line: OVS_IDL_LINE,
      nearMiss: 'INFO ovsdbapp connected',
      body: '## Meaning\n\nThe traceback runs through ovsdbapp.backend.ovs_idl: ovsdb-server did not answer.',
    }),
  )
  sig(
    'mysql-lost-connection',
    signature('mysql-lost-connection', {
      title: 'The database connection dropped mid-query',
      component: 'mariadb',
      hint: 'Lost connection to MySQL server',
      pattern: "\\(2013, 'Lost connection to MySQL server",
      line: MYSQL_LINE,
      nearMiss: 'Lost connection to nova-conductor',
      body: "## Meaning\n\npymysql raised (2013, 'Lost connection to MySQL server during query').",
    }),
  )
  sig(
    'rpc-timeout',
    signature('rpc-timeout', {
      title: 'RPC call timed out waiting for a reply',
      component: 'rabbitmq',
      hint: 'MessagingTimeout',
      pattern: 'MessagingTimeout: Timed out waiting for a reply',
      line: RPC_LINE,
      nearMiss: 'rpc_response_timeout = 60',
      body: '## Meaning\n\nNo reply within rpc_response_timeout (60 s by default).',
    }),
  )
  const comp = (id: string, text: string): void =>
    writeFileSync(path.join(knowledge, 'components', `${id}.md`), text)
  comp(
    'rabbitmq',
    component(
      'rabbitmq',
      'RabbitMQ',
      'The message broker.',
      '## Role\n\nCarries RPC. A timeout is a timeout; timeout timeout timeout.',
    ),
  )
  comp(
    'keystone',
    component(
      'keystone',
      'keystone',
      'Identity: issues tokens.',
      '## Role\n\nEvery API validates tokens against it.',
    ),
  )
})

afterEach(() => {
  rmSync(dir, {recursive: true, force: true})
})

async function search(words: string[], mark?: readonly [string, string]) {
  const info = await ensureIndex({knowledgeDir: knowledge, indexFile})
  const index = new KnowledgeIndex(info.file)
  try {
    return index.search(words, {mark})
  } finally {
    index.close()
  }
}

describe('toFtsQuery', () => {
  it('turns an identifier into the phrase of its parts, so ovs_idl finds "ovs_idl" and not ovs or idl anywhere', () => {
    expect(toFtsQuery(['ovs_idl'])).toBe('"ovs idl"')
    expect(toFtsQuery(['rpc_response_timeout'])).toBe('"rpc response timeout"')
  })

  it('makes punctuation and FTS5 syntax in a pasted error inert', () => {
    expect(toFtsQuery(["(2013, 'Lost connection"])).toBe('"2013" AND "Lost" AND "connection"')
    expect(toFtsQuery(['NEAR(a', 'b)', '*', '"'])).toBe('"NEAR a" AND "b"')
    expect(toFtsQuery(['---'])).toBeNull()
  })
})

describe('the knowledge index', () => {
  it.each([
    [['ovs_idl'], 'ovsdb-transaction-error'],
    [['rpc_response_timeout'], 'rpc-timeout'],
    [['MessagingTimeout'], 'rpc-timeout'],
    [["(2013, 'Lost connection"], 'mysql-lost-connection'],
    [['restarting', 'lost', 'connections'], 'mysql-lost-connection'],
  ])('ranks the page that explains %j first', async (words, expected) => {
    const hits = await search(words)
    expect(hits[0]?.id).toBe(expected)
  })

  it('weights the id and title above the body, on the real knowledge base', async () => {
    // Many pages mention nova-conductor in their bodies (it is in most nova failure stories); its own page comes first.
    const realDir = path.resolve(import.meta.dirname, '../../knowledge')
    const info = await ensureIndex({knowledgeDir: realDir, indexFile: path.join(dir, 'real.sqlite')})
    const index = new KnowledgeIndex(info.file)
    try {
      const hits = index.search(['nova-conductor'], {limit: 20})
      expect(hits.length).toBeGreaterThan(3)
      expect(hits[0]?.id).toBe('nova-conductor')
      expect(index.search(['RabbitMQ'])[0]?.id).toBe('rabbitmq')
    } finally {
      index.close()
    }
  })

  it('falls back to any of the words when no page has them all, best match first', async () => {
    const hits = await search(['keystone', 'zebra'])
    expect(hits[0]?.id).toBe('keystone')
  })

  it('leaves out words no page holds, says which, and still requires all the others', async () => {
    const info = await ensureIndex({knowledgeDir: knowledge, indexFile})
    const index = new KnowledgeIndex(info.file)
    try {
      const result = index.query(['node17', 'MessagingTimeout'])
      expect(result.ignored).toEqual(['node17'])
      expect(result.hits.map((h) => h.id)).toEqual(['rpc-timeout'])
      expect(index.query(['zebra', 'node17'])).toEqual({hits: [], ignored: ['zebra', 'node17']})
    } finally {
      index.close()
    }
  })

  it('ranks the signature whose hint the query is above a page that repeats the word more', async () => {
    writeFileSync(
      path.join(knowledge, 'components', 'rabbitmq.md'),
      component(
        'rabbitmq',
        'RabbitMQ',
        'The message broker; MessagingTimeout is what its clients log.',
        '## Role\n\nMessagingTimeout, MessagingTimeout: every MessagingTimeout comes back here.',
      ),
    )
    const hits = await search(['MessagingTimeout'])
    expect(hits.map((h) => h.id)).toEqual(['rpc-timeout', 'rabbitmq'])
    // bm25 alone would have put the component first.
    expect(hits[1]?.score ?? 0).toBeLessThan(hits[0]?.score ?? 0)
  })

  it('highlights the matched words in the snippet', async () => {
    const hits = await search(['ovs_idl'], ['[', ']'])
    expect(hits[0]?.snippet).toContain('[ovs_idl]')
  })

  it('rebuilds when a knowledge file changes, and only then', async () => {
    const first = await ensureIndex({knowledgeDir: knowledge, indexFile})
    const again = await ensureIndex({knowledgeDir: knowledge, indexFile})
    expect([first.rebuilt, again.rebuilt]).toEqual([true, false])
    expect(await search(['memcached'])).toEqual([])

    writeFileSync(
      path.join(knowledge, 'components', 'memcached.md'),
      component('memcached', 'memcached', 'Token cache.', 'Caches token validations.'),
    )
    const edited = await ensureIndex({knowledgeDir: knowledge, indexFile})
    expect(edited).toMatchObject({rebuilt: true, pages: 6})
    expect((await search(['memcached']))[0]?.id).toBe('memcached')
  })

  it('leaves out a file that is not a valid page, and counts it', async () => {
    writeFileSync(path.join(knowledge, 'components', 'nova-api.md'), '# no front matter\n')
    const info = await ensureIndex({knowledgeDir: knowledge, indexFile})
    expect(info).toMatchObject({pages: 5, problems: 1})
  })

  it('shows a page by id, rendered with its front matter as a header', async () => {
    const info = await ensureIndex({knowledgeDir: knowledge, indexFile})
    const index = new KnowledgeIndex(info.file)
    try {
      const page = index.page('mysql-lost-connection')
      expect(page?.markdown).toContain('implicates **mariadb**')
      expect(page?.markdown).toContain(MYSQL_LINE)
      expect(index.page('no-such-page')).toBeUndefined()
      expect(index.list('component').map((p) => p.id)).toEqual(['keystone', 'rabbitmq'])
    } finally {
      index.close()
    }
  })
})
