import {describe, expect, it} from 'vitest'

import {hintCoverage, hintsIn, rankForQuery, type RankedCandidate, wordTokens} from './search-rank.js'

// Hints, patterns and the HAProxy line are real: knowledge/signatures/*.md, and
// fixtures/lab/db-max-connections/controller-0.log_haproxy.log.txt.
const HAPROXY_LINE =
  '[WARNING]  (1923) : Server galera/db-1 is DOWN, reason: Layer7 wrong status, code: 1040, info: "#08004Too many connections", check duration: 2ms.'

const page = (id: string, score: number, title = id): RankedCandidate => ({
  id,
  title,
  hint: '',
  pattern: null,
  score,
})
const signature = (id: string, hint: string, pattern: RegExp, score: number): RankedCandidate => ({
  id,
  title: id,
  hint,
  pattern,
  score,
})

const ids = (candidates: readonly RankedCandidate[]): string[] => candidates.map((c) => c.id)
const asTyped = (text: string): {words: string; raw: string} => ({words: text, raw: text})

describe('wordTokens', () => {
  it('splits and folds text the way the FTS5 unicode61 tokenizer does', () => {
    expect(wordTokens("(1040, 'Too many connections')")).toEqual(['1040', 'too', 'many', 'connections'])
    expect(wordTokens('rpc_response_timeout')).toEqual(['rpc', 'response', 'timeout'])
    expect(wordTokens('Défaillance')).toEqual(['defaillance'])
  })
})

describe('hintCoverage', () => {
  it('is 2 for the whole hint, 1 for a part covering at least half of it, else 0', () => {
    const hint = wordTokens("(1040, 'Too many connections')")
    expect(hintCoverage(wordTokens('1040 Too many connections'), hint)).toBe(2)
    expect(hintCoverage(wordTokens('Too many connections'), hint)).toBe(1)
    expect(hintCoverage(wordTokens('many connections'), hint)).toBe(1)
    expect(hintCoverage(wordTokens('Too connections'), hint)).toBe(0)
    expect(hintCoverage(wordTokens('port'), wordTokens('Failed to bind port'))).toBe(0)
    expect(hintCoverage(wordTokens('nova-conductor'), wordTokens('Lost connection to nova-conductor'))).toBe(
      0,
    )
  })
})

describe('rankForQuery', () => {
  it('puts the signature whose hint the query is above a component page bm25 scores higher', () => {
    const ranked = rankForQuery(asTyped('MessagingTimeout'), [
      page('rabbitmq', -3.0),
      signature('oslo-messaging-timeout', 'MessagingTimeout', /MessagingTimeout: Timed out/, -2.0),
    ])
    expect(ids(ranked)).toEqual(['oslo-messaging-timeout', 'rabbitmq'])
  })

  it('leaves bm25 order alone when the query is no hint and names no page', () => {
    const ranked = rankForQuery(asTyped('restart'), [
      page('b', -1),
      page('a', -3),
      signature('c', 'MessagingTimeout', /MessagingTimeout/, -2),
    ])
    expect(ids(ranked)).toEqual(['a', 'c', 'b'])
  })

  it('puts the page the query names first, even above a signature that mentions it in its hint', () => {
    const ranked = rankForQuery(asTyped('nova-conductor'), [
      signature(
        'nova-lost-connection-to-conductor',
        'Lost connection to nova-conductor for reporting service status',
        /Lost connection to nova-conductor/,
        -3,
      ),
      page('nova-conductor', -1),
    ])
    expect(ids(ranked)[0]).toBe('nova-conductor')
  })

  it('prefers the hint in the query’s own case when two hints differ only in case', () => {
    const candidates = [
      signature('amqp-connection-forced-shutdown', 'CONNECTION_FORCED', /CONNECTION_FORCED - broker/, -3),
      signature('rabbitmq-connection-forced-server-side', 'connection_forced', /connection_forced/, -2),
    ]
    expect(ids(rankForQuery(asTyped('connection_forced'), candidates))[0]).toBe(
      'rabbitmq-connection-forced-server-side',
    )
    expect(ids(rankForQuery(asTyped('CONNECTION_FORCED'), candidates))[0]).toBe(
      'amqp-connection-forced-shutdown',
    )
  })

  it('puts the signature whose regex fires on a pasted line above one whose longer hint it merely holds', () => {
    const ranked = rankForQuery(asTyped(HAPROXY_LINE), [
      signature(
        'mysql-too-many-connections-1040',
        'Too many connections',
        /\(1040, 'Too many connections'\)/,
        -6,
      ),
      signature('haproxy-server-down', 'is DOWN, reason:', /Server \S+ is DOWN, reason: [^,]+/, -4),
      page('haproxy', -7),
    ])
    expect(ids(ranked)).toEqual(['haproxy-server-down', 'mysql-too-many-connections-1040', 'haproxy'])
  })
})

describe('hintsIn', () => {
  it('names the signatures whose hint the text holds, case-sensitively like the log scanner', () => {
    const hints = new Map([
      ['mysql-too-many-connections-1040', {hint: 'Too many connections'}],
      ['haproxy-server-down', {hint: 'is DOWN, reason:'}],
      ['oslo-messaging-timeout', {hint: 'MessagingTimeout'}],
    ])
    expect(hintsIn(HAPROXY_LINE, hints)).toEqual(['mysql-too-many-connections-1040', 'haproxy-server-down'])
    expect(hintsIn('messagingtimeout', hints)).toEqual([])
  })
})
