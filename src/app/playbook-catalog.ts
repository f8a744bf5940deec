import {readdir} from 'node:fs/promises'
import {fileURLToPath} from 'node:url'
import path from 'node:path'

import {InputError} from '../model/errors.js'
import {loadPlaybookFile, type LoadedPlaybook} from '../playbook/load.js'

/** The playbooks shipped with cloudtriage, from both src/ (tests) and dist/ (built CLI): two levels up. */
export const PLAYBOOK_DIR = fileURLToPath(new URL('../../playbooks/', import.meta.url))

export async function listPlaybookFiles(dir = PLAYBOOK_DIR): Promise<string[]> {
  const entries = await readdir(dir)
  return entries.filter((f) => f.endsWith('.yaml')).sort().map((f) => path.join(dir, f))
}

export async function loadBuiltinPlaybook(id: string, dir = PLAYBOOK_DIR): Promise<LoadedPlaybook> {
  const file = path.join(dir, `${id}.yaml`)
  const known = (await listPlaybookFiles(dir)).map((f) => path.basename(f, '.yaml'))
  if (!known.includes(id)) throw new InputError(id, `no such playbook; known: ${known.join(', ')}`)
  return loadPlaybookFile(file)
}
