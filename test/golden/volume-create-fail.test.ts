import path from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {loadBuiltinPlaybook} from '../../src/app/playbook-catalog.js'
import type {LoadedPlaybook} from '../../src/playbook/load.js'
import {runPlaybook} from '../../src/playbook/run-playbook.js'
import {openOfflineInput} from '../../src/sources/detect-input.js'
import {LAB_NODES, openCaptureReplay} from '../support/capture-replay-source.js'
import {withLogReplay} from '../support/log-replay.js'

/**
 * Golden tests on real captures of a real OpenStack Zed lab with the fault really injected
 * (fixtures/reference/README.md "scenarios"), replayed with their logs.
 */
let loaded: LoadedPlaybook
beforeAll(async () => {
  loaded = await loadBuiltinPlaybook('volume-create-fail')
})

async function diagnose(dir: string, target: string) {
  const root = path.resolve(dir)
  const source = await withLogReplay(await openCaptureReplay(root, LAB_NODES), root)
  return runPlaybook(loaded.playbook, source, {target})
}

describe('volume-create-fail on real lab captures', () => {
  it('names cinder-volume on controller-0 when it was stopped, from the service list and the scheduler log of this create', async () => {
    const d = await diagnose('fixtures/reference/scenarios/cinder_volume_down', 'vol-no-backend')
    expect(d.suspects[0]).toMatchObject({component: 'cinder-volume', node: 'controller-0'})
    expect(d.suspects[0]?.checks).toEqual(
      expect.arrayContaining(['cinder-volume-down', 'scheduler-saw-backend-down']),
    )
    expect(d.suspects[0]?.evidence.map((e) => e.source)).toContain(
      'tail -n 3000 /var/log/cinder/cinder-scheduler.log',
    )
    expect(d.ruledOut.map((r) => r.check)).toEqual(
      expect.arrayContaining(['rabbitmq-unreachable', 'backend-out-of-capacity', 'volume-on-retired-host']),
    )
    expect(d.scope.level).toBe('control-plane')
  })
})

describe('volume-create-fail on the project lab (fixtures/lab/<fault>)', () => {
  it('names the backend on controller-0 when a 20 GiB volume does not fit its 10 GiB pool, from the collect bundle', async () => {
    const source = await openOfflineInput(path.resolve('fixtures/lab/cinder-out-of-capacity/bundle'))
    const d = await runPlaybook(loaded.playbook, source, {target: 'vol-huge-1'}).finally(() => source.close())
    expect(d.suspects[0]).toMatchObject({component: 'cinder-backend', node: 'controller-0'})
    expect(d.suspects[0]?.summary).toContain('Insufficient free space')
  })

  it('names the same backend from the raw captures and logs of that fault', async () => {
    const d = await diagnose('fixtures/lab/cinder-out-of-capacity', 'vol-huge-1')
    expect(d.suspects[0]).toMatchObject({component: 'cinder-backend', node: 'controller-0'})
    expect(d.ruledOut.map((r) => r.check)).toEqual(
      expect.arrayContaining(['cinder-volume-down', 'rabbitmq-unreachable']),
    )
  })
})
