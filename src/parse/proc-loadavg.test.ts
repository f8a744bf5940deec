import {describe, expect, it} from 'vitest'

import {ParseError} from './parse-error.js'
import {parseLoadavg} from './proc-loadavg.js'
import {readFixture} from './test-helpers.js'

describe('parseLoadavg', () => {
  it('reads /proc/loadavg from the dev machine', () => {
    const text = readFixture('host/loadavg.2.txt')
    const [l1, l5, l15, rt] = text.trim().split(' ')
    const [running, total] = (rt ?? '').split('/')
    expect(parseLoadavg(text)).toEqual({
      load1: Number(l1),
      load5: Number(l5),
      load15: Number(l15),
      running: Number(running),
      total: Number(total),
    })
  })

  it('throws ParseError on empty or foreign text', () => {
    expect(() => parseLoadavg('')).toThrow(ParseError)
    expect(() => parseLoadavg('cat: /proc/loadavg: No such file or directory')).toThrow(/unexpected content/)
  })
})
