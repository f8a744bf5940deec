import {describe, expect, it} from 'vitest'

import {CappedOutput} from './capped-output.js'

describe('CappedOutput', () => {
  it('keeps everything under the cap', () => {
    const out = new CappedOutput(10)
    expect(out.push(Buffer.from('abc'))).toBe(true)
    expect(out.push(Buffer.from('def'))).toBe(true)
    expect(out.text()).toBe('abcdef')
    expect(out.truncated).toBe(false)
  })

  it('keeps the head up to the cap exactly, marks truncation and asks the producer to stop', () => {
    const out = new CappedOutput(5)
    expect(out.push(Buffer.from('abc'))).toBe(true)
    expect(out.push(Buffer.from('defgh'))).toBe(false)
    expect(out.push(Buffer.from('ijk'))).toBe(false)
    expect(out.text()).toBe('abcde')
    expect(out.truncated).toBe(true)
  })

  it('counts bytes, not characters, for multi-byte text', () => {
    const out = new CappedOutput(4)
    out.push(Buffer.from('ééé'))
    expect(Buffer.byteLength(out.text().replaceAll('\ufffd', ''))).toBeLessThanOrEqual(4)
    expect(out.text().startsWith('éé')).toBe(true)
  })
})
