import {describe, expect, it} from 'vitest'

import {normalizeSecurityGroupRules} from './openstack-security-group.js'
import {readCapture} from './test-helpers.js'

describe('normalizeSecurityGroupRules', () => {
  it('reads the default group rules from `security group rule list -f json`', () => {
    const rules = normalizeSecurityGroupRules(
      readCapture('healthy/openstack_security_group_rule_list.txt').body,
    )
    expect(rules).toHaveLength(4)
    expect(rules[1]).toEqual({
      id: 'd336c36d-97dd-48aa-bdea-94843786254b',
      securityGroupId: '0146a27a-06c5-45a1-b8ab-e16b8deb8f75',
      direction: 'ingress',
      ethertype: 'IPv4',
      protocol: null,
      portMin: null,
      portMax: null,
      remoteIpPrefix: '0.0.0.0/0',
      remoteGroupId: '0146a27a-06c5-45a1-b8ab-e16b8deb8f75',
    })
    expect(rules.filter((r) => r.direction === 'egress').map((r) => r.remoteGroupId)).toEqual([null, null])
  })

  it('splits a Port Range of 22:22 and reads the table spelling of a tcp rule', () => {
    const [rule] = normalizeSecurityGroupRules([
      {
        ID: 'r',
        'IP Protocol': 'tcp',
        'Port Range': '22:22',
        'IP Range': '0.0.0.0/0',
        Direction: 'ingress',
        Ethertype: 'IPv4',
        'Remote Security Group': null,
        'Security Group': 'sg',
      },
    ])
    expect(rule).toMatchObject({protocol: 'tcp', portMin: 22, portMax: 22, remoteGroupId: null})
  })

  it('reads `security group rule show` field names', () => {
    const [rule] = normalizeSecurityGroupRules({
      id: 'r',
      security_group_id: 'sg',
      direction: 'ingress',
      ether_type: 'IPv4',
      protocol: 'tcp',
      port_range_min: 80,
      port_range_max: 443,
      remote_ip_prefix: '10.0.0.0/8',
      remote_group_id: null,
    })
    expect(rule).toMatchObject({portMin: 80, portMax: 443, remoteIpPrefix: '10.0.0.0/8', ethertype: 'IPv4'})
  })

  it('returns no rules for empty output', () => {
    expect(normalizeSecurityGroupRules('')).toEqual([])
  })
})
