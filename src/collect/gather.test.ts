import {describe, expect, it} from 'vitest'

import type {EvidenceRequest, Gathered} from '../model/evidence.js'
import type {EvidenceSource} from '../sources/source.js'
import {gatherLocally} from '../sources/local/local-exec.js'
import {Gatherer} from './gather.js'

/** The real local source (execa on this machine), counting how often it is asked to run something. */
function countingLocalSource(): EvidenceSource & {runs: number} {
  return {
    kind: 'live',
    description: 'this machine',
    runs: 0,
    async nodes() {
      return []
    },
    async gather(node: string, request: EvidenceRequest): Promise<Gathered> {
      this.runs += 1
      return gatherLocally(node, request)
    },
    async close() {},
  }
}

const uptime: EvidenceRequest = {kind: 'command', argv: ['cat', '/proc/uptime']}
const loadavg: EvidenceRequest = {kind: 'command', argv: ['cat', '/proc/loadavg']}

describe('Gatherer', () => {
  it('runs a request that two gathers of one wave ask for once, and gives both the same answer', async () => {
    const source = countingLocalSource()
    const gatherer = new Gatherer(source, {concurrency: 1})
    const [a, b, c] = await gatherer.gatherAll([
      {node: 'api', request: uptime},
      {node: 'api', request: loadavg},
      {node: 'api', request: uptime},
    ])
    expect(source.runs).toBe(2)
    expect(gatherer.audit).toHaveLength(2)
    expect(a?.status).toBe('ok')
    expect(c).toBe(a)
    expect(b?.stdout).toMatch(/^\d+\.\d+ /)
  })

  it('runs the same request on two nodes twice: a node is part of what is asked', async () => {
    const source = countingLocalSource()
    await new Gatherer(source).gatherAll([
      {node: 'api', request: uptime},
      {node: 'compute-0', request: uptime},
    ])
    expect(source.runs).toBe(2)
  })

  it('runs a request again once the first run has answered, as a second sample for a rate must', async () => {
    const source = countingLocalSource()
    const gatherer = new Gatherer(source)
    const [first] = await gatherer.gatherAll([{node: 'api', request: uptime}])
    const [second] = await gatherer.gatherAll([{node: 'api', request: uptime}])
    expect(source.runs).toBe(2)
    expect(second).not.toBe(first)
  })
})
