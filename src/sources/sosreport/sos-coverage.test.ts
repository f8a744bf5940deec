import {readdirSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {hasApiOutput, whyCommandIsMissing, whyFileIsMissing, whySosNeverAsked} from './sos-coverage.js'

describe('whyFileIsMissing', () => {
  it('says which plugin would have copied a /proc file when it did not run', () => {
    expect(whyFileIsMissing('/proc/net/dev', new Set(['process', 'memory']))).toBe(
      'sos copies /proc/net/dev in its networking plugin, which did not run for this report (sos report -o … left it out)',
    )
  })

  it('says sos never copies /proc/pressure or /proc/loadavg, and points at uptime for the load', () => {
    expect(whyFileIsMissing('/proc/pressure/cpu', new Set(['process']))).toBe(
      'sos does not collect /proc/pressure/cpu (no sos plugin copies /proc/pressure/)',
    )
    expect(whyFileIsMissing('/proc/loadavg', new Set())).toContain('sos_commands/host/uptime')
  })

  it('has nothing to say about files it knows nothing of', () => {
    expect(whyFileIsMissing('/var/log/nova/nova-compute.log', new Set())).toBeNull()
  })
})

describe('whySosNeverAsked', () => {
  it('names what sos saves instead of port show and security group rules', () => {
    expect(whySosNeverAsked(['openstack', 'port', 'show', 'abc'])).toContain('no `openstack port show`')
    expect(whySosNeverAsked(['openstack', 'security', 'group', 'rule', 'list', '--long'])).toBe(
      'sos 4.0 saves `openstack security group list` (names and projects) but never the rules',
    )
    expect(whySosNeverAsked(['openstack', 'port', 'list', '--host', 'compute-0', '--long'])).toContain(
      'without a host column',
    )
  })

  it('says sos 4.0 asks cinder nothing, so no volume or volume service list', () => {
    expect(whySosNeverAsked(['openstack', 'volume', 'service', 'list'])).toContain(
      'openstack_cinder plugin asks the API nothing',
    )
    expect(
      whySosNeverAsked(['openstack', '--os-volume-api-version', '3.3', 'volume', 'message', 'list']),
    ).toContain('openstack_cinder')
  })

  it('does not claim sos lacks what it does collect', () => {
    expect(whySosNeverAsked(['openstack', 'network', 'agent', 'list'])).toBeNull()
    expect(whySosNeverAsked(['openstack', 'port', 'list'])).toBeNull()
  })
})

describe('hasApiOutput', () => {
  it('sees API output in the lab controller report sos ran with OS_* set', () => {
    const names = readdirSync(join(import.meta.dirname, '__fixtures__/sos-4.0-lab-controller'))
    expect(hasApiOutput(names)).toBe(true)
  })

  it('does not count the nova-manage and db version outputs sos collects without credentials', () => {
    expect(hasApiOutput(['nova-manage_db_version', 'cinder_db_version', 'ovs-vsctl_-t_5_show'])).toBe(false)
  })
})

describe('whyCommandIsMissing', () => {
  it('explains that sosreports cannot show clock skew, and which df sos ran', () => {
    expect(whyCommandIsMissing(['date', '-u', '+%Y-%m-%dT%H:%M:%SZ'], new Set(['date']))).toContain(
      'cannot show clock skew',
    )
    expect(whyCommandIsMissing(['df', '-P'], new Set(['process']))).toBe(
      'sos saves only `df -al -x autofs` and `df -ali -x autofs`, which stand in for `df -P` and `df -Pi` (its filesys plugin did not run for this report)',
    )
    expect(whyCommandIsMissing(['ovs-vsctl', 'show'], new Set())).toBeNull()
  })
})
