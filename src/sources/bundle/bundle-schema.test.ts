import {describe, expect, it} from 'vitest'

import {InputError} from '../../model/errors.js'
import {parseBundleJson, positionOf} from './bundle-schema.js'

const valid = {
  format: 'cloudtriage-bundle',
  version: 1,
  createdAt: '2026-11-22T04:40:00.000Z',
  complete: true,
  incompleteReason: null,
  tool: {name: 'cloudtriage', version: '0.1.0'},
  playbook: null,
  target: null,
  nodes: [{name: 'vm', roles: []}],
  items: [],
}

function errorOf(text: string): Error {
  try {
    parseBundleJson(text, '/cases/b/bundle.json')
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return error as Error
  }
  throw new Error('expected parseBundleJson to throw')
}

describe('parseBundleJson', () => {
  it('accepts a minimal version 1 bundle', () => {
    expect(parseBundleJson(JSON.stringify(valid), 'bundle.json').nodes).toEqual([{name: 'vm', roles: []}])
  })

  it('points at line and column of a JSON syntax error', () => {
    const text = '{\n  "format": "cloudtriage-bundle",\n  "version": 1\n  "complete": true\n}\n'
    expect(errorOf(text).message).toMatch(/^\/cases\/b\/bundle\.json:4:3: not valid JSON \(/)
  })

  it('tells the operator to upgrade for a newer version, before looking at any other field', () => {
    expect(
      errorOf(JSON.stringify({format: 'cloudtriage-bundle', version: 2, somethingNew: true})).message,
    ).toBe(
      '/cases/b/bundle.json: bundle version 2 is newer than this cloudtriage supports (1); upgrade cloudtriage',
    )
  })

  it('refuses a JSON file that is not a bundle', () => {
    expect(errorOf('{"name": "cloudtriage", "version": "0.1.0"}').message).toBe(
      '/cases/b/bundle.json: not a cloudtriage bundle (format is missing)',
    )
  })

  it('names the field path of a schema problem', () => {
    const bad = {
      ...valid,
      items: [{key: 'k', node: 'vm', request: {kind: 'file', path: '/x'}, status: 'maybe'}],
    }
    expect(errorOf(JSON.stringify(bad)).message).toMatch(/^\/cases\/b\/bundle\.json: items\.0\.status: /)
  })

  it('refuses item files outside items/', () => {
    const item = {
      key: 'vm|file:/x:',
      node: 'vm',
      request: {kind: 'file', path: '/x'},
      status: 'ok',
      exitCode: 0,
      durationMs: 1,
      truncated: false,
      origin: 'ssh vm',
      error: null,
      capturedAt: null,
      stdoutFile: '../../etc/passwd',
      stderr: '',
      sha256: '0'.repeat(64),
    }
    expect(errorOf(JSON.stringify({...valid, items: [item]})).message).toMatch(/items\.0\.stdoutFile: /)
  })
})

describe('positionOf', () => {
  it('turns a character offset into a 1-based line and column', () => {
    expect(positionOf('Unexpected token in JSON at position 6', 'ab\ncdef')).toEqual({line: 2, column: 4})
    expect(
      positionOf('Expected double-quoted property name in JSON at position 2 (line 1 column 3)', ''),
    ).toEqual({line: 1, column: 3})
  })
})
