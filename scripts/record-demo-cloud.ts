/**
 * Builds fixtures/demo-cloud: runs vm-ssh-fail over the lab probe's real `ovs_agent_down` captures and
 * records, through the same recording source `cloudtriage collect` uses, exactly the evidence the playbook
 * asked for. Every byte in the bundle was printed by real OpenStack/OVS; nothing is written by hand.
 *
 *   node --import tsx scripts/record-demo-cloud.ts
 */
import {rm} from 'node:fs/promises'
import path from 'node:path'

import {loadBuiltinPlaybook} from '../src/app/playbook-catalog.js'
import {runPlaybook} from '../src/playbook/run-playbook.js'
import {createBundleWriter} from '../src/sources/bundle/bundle-writer.js'
import {recordingSource} from '../src/sources/bundle/recording-source.js'
import {LAB_NODES, openCaptureReplay} from '../test/support/capture-replay-source.js'

const out = path.resolve('fixtures/demo-cloud')
await rm(out, {recursive: true, force: true})
const {playbook} = await loadBuiltinPlaybook('vm-ssh-fail')
const writer = await createBundleWriter(out, {
  tool: {name: 'cloudtriage', version: '0.1.0'},
  playbook: 'vm-ssh-fail',
  target: 'vm-healthy-1',
  nodes: LAB_NODES,
})
const replay = await openCaptureReplay(path.resolve('fixtures/golden/vm-ssh-fail/ovs_agent_down'), LAB_NODES)
const d = await runPlaybook(playbook, recordingSource(replay, writer), {target: 'vm-healthy-1'})
// The capture did not hold everything a live run gathers: the bundle says so.
await writer.finish({complete: false, reason: 'recorded from lab-probe captures, which hold only part of what a live run gathers'})
console.log(`demo cloud written to ${out}: top suspect ${d.suspects[0]?.component} on ${d.suspects[0]?.node}`)
