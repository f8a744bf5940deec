import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {parseDbClientErrors} from './db-client-errors.js'

const lab = (path: string): string => readFileSync(new URL(`../../fixtures/lab/${path}`, import.meta.url), 'utf8')

describe('parseDbClientErrors', () => {
  it('counts each failed call of placement once, by MySQL error number, when a Galera node left the cluster', () => {
    const found = parseDbClientErrors(lab('db-galera-partitioned/controller-0.log_placement-galera.log.txt'))
    expect(found.byCode['1047']).toBeGreaterThanOrEqual(1)
    expect(found.errors[0]).toMatchObject({code: 1047, message: 'WSREP has not yet prepared node for application use', exception: 'DBConnectionError'})
    expect(found.records).toBeGreaterThan(found.errors.length)
  })

  it('finds nothing in a log without database errors', () => {
    const text = '2026-11-22 06:30:41.677 23970 INFO placement.requestlog [None req-de713784 admin admin - - - -] 127.0.0.1 "GET /resource_providers" status: 200 len: 26\n'
    expect(parseDbClientErrors(text)).toMatchObject({errors: [], byCode: {}, records: 1, first: null})
  })
})
