import {describe, expect, it} from 'vitest'

import {optionValue, tailRequest} from './sosreport-source.js'

describe('tailRequest', () => {
  it('reads tail -n N, tail --lines=N and tail -N on an absolute path as a file request', () => {
    const want = {kind: 'file', path: '/var/log/nova/nova-compute.log', tailLines: 200}
    expect(tailRequest(['tail', '-n', '200', '/var/log/nova/nova-compute.log'])).toEqual(want)
    expect(tailRequest(['/usr/bin/tail', '--lines=200', '/var/log/nova/nova-compute.log'])).toEqual(want)
    expect(tailRequest(['tail', '-200', '/var/log/nova/nova-compute.log'])).toEqual(want)
  })

  it('leaves follow mode, relative paths and other programs alone', () => {
    expect(tailRequest(['tail', '-f', '/var/log/syslog'])).toBeNull()
    expect(tailRequest(['tail', '-n', '5', 'nova.log'])).toBeNull()
    expect(tailRequest(['head', '-n', '5', '/var/log/syslog'])).toBeNull()
  })
})

describe('optionValue', () => {
  it('finds -u X, -uX, --unit X and --unit=X', () => {
    for (const argv of [
      ['journalctl', '-u', 'nova-compute'],
      ['journalctl', '-unova-compute'],
      ['journalctl', '--unit', 'nova-compute'],
      ['journalctl', '--no-pager', '--unit=nova-compute'],
    ]) {
      expect(optionValue(argv, ['-u', '--unit'])).toBe('nova-compute')
    }
    expect(optionValue(['journalctl', '--no-pager'], ['-u', '--unit'])).toBeNull()
  })
})
