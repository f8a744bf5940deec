import {existsSync} from 'node:fs'

import {InputError} from '../model/errors.js'
import {API_NODE} from '../model/evidence.js'
import {discoverNodes} from '../inventory/discover.js'
import {inventoryFromNodes, loadInventory, resolveInventoryPath} from '../inventory/load-inventory.js'
import {openOfflineInput} from '../sources/detect-input.js'
import {gatherLocally} from '../sources/local/local-exec.js'
import {createLiveSource} from '../sources/live-source.js'
import type {EvidenceSource} from '../sources/source.js'

export interface SourceChoice {
  readonly from?: string
  readonly inventory?: string
  readonly acceptNewHostKeys: boolean
  readonly commandTimeoutMs: number
  readonly concurrency: number
}

/**
 * Offline when --from is given; live otherwise, with nodes from the inventory (flag, env, default file)
 * or, failing all of those, discovered from the cloud's own service and agent lists.
 */
export async function openSource(choice: SourceChoice): Promise<EvidenceSource> {
  if (choice.from) {
    if (!existsSync(choice.from)) throw new InputError(choice.from, 'no such file or directory')
    return openOfflineInput(choice.from)
  }
  const path = resolveInventoryPath(choice.inventory)
  let inventory
  const notes: string[] = []
  if (choice.inventory || existsSync(path)) {
    inventory = loadInventory(path)
  } else {
    const discovery = await discoverNodes((argv) =>
      gatherLocally(API_NODE, {kind: 'command', argv, timeoutMs: choice.commandTimeoutMs}),
    )
    inventory = inventoryFromNodes(
      discovery.nodes,
      'discovered from openstack compute service/network agent/hypervisor list',
    )
    notes.push(
      `No inventory file was found, so the nodes were discovered from the cloud (${discovery.nodes.length} found).`,
      ...discovery.problems.map(
        (problem) =>
          `Discovery could not use ${problem}; nodes it would have named may be missing from this run.`,
      ),
    )
  }
  return createLiveSource(inventory, {
    acceptNewHostKeys: choice.acceptNewHostKeys,
    commandTimeoutMs: choice.commandTimeoutMs,
    apiCommandTimeoutMs: Math.max(choice.commandTimeoutMs, 60_000),
    nodeParallelism: choice.concurrency,
    notes,
  })
}
