import {describe, expect, it} from 'vitest'

import {
  display,
  evaluate,
  isTruthy,
  referencedVariables,
  renderProse,
  renderTemplate,
  templateExpressions,
} from './template.js'

/** Facts shaped as the parsers hand them over (src/parse/openstack-server.ts, openstack-port.ts). */
const facts = {
  target: 'vm-healthy-1',
  server: {
    id: 'afa33bac-770e-4626-8b94-04c1e712bd3a',
    name: 'vm-healthy-1',
    host: 'compute-0',
    fault: null,
    securityGroups: [],
    addresses: [{network: 'private', ip: '10.0.0.5'}],
  },
  ports: [
    {id: 'p-1', status: 'ACTIVE'},
    {id: 'p-2', status: 'DOWN'},
  ],
}

describe('templateExpressions', () => {
  it('lists the expressions inside {{ }} slots, trimmed and in order', () => {
    expect(templateExpressions('ssh {{ $server.host }} ovs-vsctl {{$ports[0].id}}')).toEqual([
      '$server.host',
      '$ports[0].id',
    ])
    expect(templateExpressions('no slots here')).toEqual([])
  })
})

describe('renderTemplate', () => {
  it('fills slots from facts bound as $variables', async () => {
    expect(await renderTemplate('openstack port list --server {{ $server.id }}', facts)).toBe(
      'openstack port list --server afa33bac-770e-4626-8b94-04c1e712bd3a',
    )
    expect(await renderTemplate('{{ $target }}', facts)).toBe('vm-healthy-1')
  })

  it('returns text without slots unchanged', async () => {
    expect(await renderTemplate('-f', facts)).toBe('-f')
  })

  it('evaluates JSONata, not just paths: filters, functions, comparisons', async () => {
    expect(await renderTemplate("{{ $ports[status = 'DOWN'].id }}", facts)).toBe('p-2')
    expect(await renderTemplate('{{ $count($ports) }} ports', facts)).toBe('2 ports')
    expect(await renderTemplate("{{ $server.host = 'compute-0' }}", facts)).toBe('true')
  })

  it('is not renderable when a fact is missing, rather than saying "undefined"', async () => {
    expect(await renderTemplate('openstack server show {{ $server.id }}', {target: 'x'})).toBeUndefined()
    expect(await renderTemplate('{{ $nope }}', facts)).toBeUndefined()
  })

  it('is not renderable when a field is absent, null, an empty string or an empty list', async () => {
    expect(await renderTemplate('{{ $server.hypervisor }}', facts)).toBeUndefined()
    expect(await renderTemplate('{{ $server.fault }}', facts)).toBeUndefined()
    expect(await renderTemplate('{{ $server.securityGroups }}', facts)).toBeUndefined()
    expect(await renderTemplate('{{ $server.host }}', {server: {host: ''}})).toBeUndefined()
    expect(await renderTemplate("{{ $ports[status = 'BUILD'].id }}", facts)).toBeUndefined()
  })

  it('is not renderable when one slot of several is missing, even if the others render', async () => {
    expect(await renderTemplate('{{ $server.host }}:{{ $server.nope }}', facts)).toBeUndefined()
  })

  it('is not renderable when the expression fails on the data it got, instead of aborting the run', async () => {
    // $substring wants a string; evidence of another shape must make the gather "missing", not crash.
    await expect(evaluate('$substring($server.addresses, 0, 3)', facts)).rejects.toMatchObject({
      code: 'T0410',
    })
    expect(await renderTemplate('{{ $substring($server.addresses, 0, 3) }}', facts)).toBeUndefined()
  })

  it('joins a list of values with commas and shows records as JSON', async () => {
    expect(await renderTemplate('{{ $ports.id }}', facts)).toBe('p-1, p-2')
    expect(await renderTemplate('{{ $server.addresses[0] }}', facts)).toBe(
      '{"network":"private","ip":"10.0.0.5"}',
    )
  })
})

describe('renderProse', () => {
  it('writes "?" for a value it does not have, so a sentence still reads', async () => {
    expect(await renderProse('{{ $server.name }} runs on {{ $server.hypervisor }}', facts)).toBe(
      'vm-healthy-1 runs on ?',
    )
    expect(await renderProse('fault: {{ $server.fault }}', facts)).toBe('fault: ?')
  })

  it('writes "?" for an expression that fails on the data, and keeps the rest', async () => {
    expect(await renderProse('{{ $substring($server.addresses, 0, 3) }} on {{ $server.host }}', facts)).toBe(
      '? on compute-0',
    )
  })
})

describe('display', () => {
  it('shows strings as they are, numbers and booleans as text', () => {
    expect(display('ACTIVE')).toBe('ACTIVE')
    expect(display(1500)).toBe('1500')
    expect(display(false)).toBe('false')
  })

  it('flattens nested lists into one comma-separated list', () => {
    expect(display(['a', ['b', 'c']])).toBe('a, b, c')
    expect(display([])).toBe('')
  })

  it('shows records and null as JSON', () => {
    expect(display({status: 'DOWN', mtu: 1450})).toBe('{"status":"DOWN","mtu":1450}')
    expect(display(null)).toBe('null')
  })
})

describe('evaluate and isTruthy', () => {
  it('hands back a single-item JSONata sequence as the item itself', async () => {
    expect(await evaluate("$ports[status = 'DOWN']", facts)).toEqual({id: 'p-2', status: 'DOWN'})
    expect(await evaluate('$ports.id', facts)).toEqual(['p-1', 'p-2'])
  })

  it("uses JSONata's truthiness: empty lists and missing values are false", async () => {
    expect(await isTruthy("$ports[status = 'DOWN']", facts)).toBe(true)
    expect(await isTruthy("$ports[status = 'BUILD']", facts)).toBe(false)
    expect(await isTruthy('$server.securityGroups', facts)).toBe(false)
    expect(await isTruthy('$nope', facts)).toBe(false)
  })
})

describe('referencedVariables', () => {
  it('names each $variable once, in order of first use', () => {
    expect(
      referencedVariables("$count($ports[status = 'DOWN']) > 0 and $server.host = $each.host and $server.id"),
    ).toEqual(['count', 'ports', 'server', 'each'])
  })

  it('does not take a $ inside an identifier-less position for a variable', () => {
    expect(referencedVariables("'price: 5 $' & $target")).toEqual(['target'])
    expect(referencedVariables('no variables')).toEqual([])
  })
})
