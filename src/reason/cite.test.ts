import {describe, expect, it} from 'vitest'

import {excerptLines, excerptRecord, safeText} from './cite.js'

describe('excerptRecord', () => {
  it("leaves out the engine's stamps, on the record and on the records nested in it", () => {
    // The shape run-playbook gives a parsed `openstack server show` (stamp(): the record and its arrays of records).
    const server = {
      id: 'afa33bac-770e-4626-8b94-04c1e712bd3a',
      status: 'ACTIVE',
      addresses: [
        {
          network: 'private',
          ip: '10.10.0.150',
          _node: 'api',
          _source: 'openstack server show vm-healthy-1 -f json',
          _ref: 3,
          _exit: 0,
        },
      ],
      _node: 'api',
      _source: 'openstack server show vm-healthy-1 -f json',
      _ref: 3,
      _exit: 0,
    }
    expect(excerptRecord(server)).toBe(
      '{"id":"afa33bac-770e-4626-8b94-04c1e712bd3a","status":"ACTIVE","addresses":[{"network":"private","ip":"10.10.0.150"}]}',
    )
  })

  it('cuts a long record with an ellipsis', () => {
    const excerpt = excerptRecord({message: 'x'.repeat(1000)})
    expect(excerpt).toHaveLength(360)
    expect(excerpt.endsWith('…')).toBe(true)
  })
})

describe('excerptLines', () => {
  it('numbers the lines as in the source, marks the cited ones and shows two lines of context', () => {
    const text = ['one', 'two', 'three', 'four', 'five', 'six'].join('\n')
    expect(excerptLines(text, 4, 4)).toBe(
      ['      2  two', '      3  three', '>     4  four', '      5  five', '      6  six'].join('\n'),
    )
  })
})

describe('safeText', () => {
  it('strips terminal escapes and replaces control characters from remote text', () => {
    expect(safeText('ok\u001b[31m red\u001b[0m\u0001 bell')).toBe('ok red� bell')
  })
})
