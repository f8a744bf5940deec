import {readFileSync} from 'node:fs'
import {homedir, userInfo} from 'node:os'
import {dirname, isAbsolute, resolve} from 'node:path'
import {LineCounter, parseDocument} from 'yaml'
import type {core} from 'zod'

import {API_NODE} from '../model/evidence.js'
import {InputError} from '../model/errors.js'
import type {NodeRef} from '../model/node.js'
import type {Inventory, InventoryNode, JumpTarget, SshAddress} from './inventory.js'
import {inventoryFileSchema, type InventoryFile} from './inventory-schema.js'
import {defaultSshConfigPath, lookupSshConfig, readSshConfig} from './ssh-client-config.js'
import {positionOf} from './yaml-position.js'

export interface LoadInventoryOptions {
  /** Defaults to ~/.ssh/config; a missing file is fine. */
  readonly sshConfigPath?: string
  readonly home?: string
}

/** Where the inventory is looked for: --inventory, else $CLOUDTRIAGE_INVENTORY, else ~/.config/cloudtriage/inventory.yaml. */
export function resolveInventoryPath(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): string {
  if (flag) return flag
  const fromEnv = env['CLOUDTRIAGE_INVENTORY']
  if (fromEnv) return fromEnv
  return `${home}/.config/cloudtriage/inventory.yaml`
}

/** Read and validate an inventory file. Every problem is an InputError located at `file:line:col`. */
export function loadInventory(path: string, options: LoadInventoryOptions = {}): Inventory {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') {
      throw new InputError(path, 'inventory file not found', [
        'write one (see docs/inventory.md), or run without an inventory to discover nodes with the openstack client',
      ])
    }
    throw new InputError(path, `cannot read the inventory (${code ?? (error as Error).message})`)
  }
  return parseInventory(text, path, options)
}

/** Parse inventory text; `file` is used in messages and to resolve relative key paths. */
export function parseInventory(text: string, file: string, options: LoadInventoryOptions = {}): Inventory {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, {lineCounter, prettyErrors: false, uniqueKeys: true})
  const syntax = doc.errors[0]
  if (syntax) {
    const at = lineCounter.linePos(syntax.pos[0])
    throw new InputError(
      `${file}:${at.line}:${at.col}`,
      `YAML syntax: ${syntax.message.split('\n')[0] ?? ''}`,
    )
  }

  const parsed = inventoryFileSchema.safeParse(doc.toJS())
  if (!parsed.success) {
    const located = parsed.error.issues.map((issue) => ({
      where: positionOf(file, doc, lineCounter, issue.path, unknownKey(issue)),
      what: describeIssue(issue),
    }))
    const [first, ...rest] = located
    const more = rest.length > 0 ? `; also ${rest.map((r) => `${r.where} ${r.what}`).join('; ')}` : ''
    throw new InputError(first?.where ?? file, `${first?.what ?? 'invalid inventory'}${more}`, [
      'see docs/inventory.md for the format',
    ])
  }

  const at = (path: readonly PropertyKey[], key?: string): string =>
    positionOf(file, doc, lineCounter, path, key)
  checkNames(parsed.data, at)
  const home = options.home ?? homedir()
  const sshConfig = readSshConfig(options.sshConfigPath ?? defaultSshConfigPath(home))
  const nodes = normalize(parsed.data, {baseDir: dirname(resolve(file)), home, sshConfig}, at)
  checkJumpCycles(nodes, at)
  return {origin: file, nodes}
}

/**
 * An inventory for nodes found by discovery (discover.ts): each SSH host is the node's name, resolved
 * through ~/.ssh/config like `ssh <name>`, with optional defaults (user, port, identity_file, …).
 */
export function inventoryFromNodes(
  nodes: readonly NodeRef[],
  origin: string,
  defaults: InventoryFile['defaults'] = {},
  options: LoadInventoryOptions = {},
): Inventory {
  const data: InventoryFile = {
    defaults,
    nodes: nodes.filter((n) => n.name !== API_NODE).map((n) => ({name: n.name, roles: [...n.roles]})),
  }
  const home = options.home ?? homedir()
  const sshConfig = readSshConfig(options.sshConfigPath ?? defaultSshConfigPath(home))
  const at = (): string => origin
  const built = normalize(data, {baseDir: process.cwd(), home, sshConfig}, at)
  checkJumpCycles(built, at)
  return {origin, nodes: built}
}

function unknownKey(issue: core.$ZodIssue): string | undefined {
  return issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined
}

function describeIssue(issue: core.$ZodIssue): string {
  const field = issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : ''
  if (issue.code === 'unrecognized_keys')
    return `${field}unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`
  return `${field}${issue.message}`
}

function checkNames(data: InventoryFile, at: (path: readonly PropertyKey[], key?: string) => string): void {
  const seen = new Set<string>()
  data.nodes.forEach((node, index) => {
    if (node.name === API_NODE) {
      throw new InputError(
        at(['nodes', index, 'name']),
        `"${API_NODE}" is reserved for the machine running the openstack client; rename this node`,
      )
    }
    if (seen.has(node.name))
      throw new InputError(at(['nodes', index, 'name']), `node ${node.name} is listed twice`)
    seen.add(node.name)
  })
}

interface NormalizeContext {
  readonly baseDir: string
  readonly home: string
  readonly sshConfig: ReturnType<typeof readSshConfig>
}

/** Apply precedence: the node's own fields, then ~/.ssh/config for its name, then inventory defaults, then ssh's built-ins. */
function normalize(
  data: InventoryFile,
  context: NormalizeContext,
  at: (path: readonly PropertyKey[], key?: string) => string,
): InventoryNode[] {
  const defaults = data.defaults ?? {}
  const names = new Set(data.nodes.map((n) => n.name))
  const path = (p: string): string => expandPath(p, context)
  const locatedJump = (text: string, where: readonly PropertyKey[]): JumpTarget => {
    try {
      return parseJump(text, names, defaults.user ?? userInfo().username, context)
    } catch (error) {
      if (error instanceof InputError) throw new InputError(at(where), error.detail)
      throw error
    }
  }
  return data.nodes.map((entry, index) => {
    const fromSsh = lookupSshConfig(context.sshConfig, entry.name, context.home)
    const user = entry.user ?? fromSsh.user ?? defaults.user ?? userInfo().username
    const identity =
      entry.identity_file ??
      (fromSsh.identityFiles.length > 0 ? fromSsh.identityFiles : undefined) ??
      defaults.identity_file
    const jumpText = entry.jump !== undefined ? entry.jump : (fromSsh.proxyJump ?? defaults.jump ?? null)
    return {
      name: entry.name,
      roles: entry.roles,
      host: entry.host ?? fromSsh.hostName ?? entry.name,
      port: entry.port ?? fromSsh.port ?? defaults.port ?? 22,
      user,
      identityFiles:
        identity === undefined ? [] : (Array.isArray(identity) ? identity : [identity]).map(path),
      knownHostsPath: path(entry.known_hosts ?? defaults.known_hosts ?? '~/.ssh/known_hosts'),
      jump:
        jumpText === null || jumpText === entry.name
          ? null
          : locatedJump(jumpText, entry.jump !== undefined ? ['nodes', index, 'jump'] : ['defaults', 'jump']),
    }
  })
}

/**
 * A jump is another node's name (its connection is shared), or `[user@]host[:port]` like ssh -J.
 * Multi-hop chains are written as nodes that each name their own jump.
 */
export function parseJump(
  text: string,
  nodeNames: ReadonlySet<string>,
  defaultUser: string,
  context?: NormalizeContext,
): JumpTarget {
  if (nodeNames.has(text)) return {kind: 'node', name: text}
  if (text.includes(','))
    throw new InputError(
      `jump ${text}`,
      'multi-hop jumps are written as inventory nodes that each name their own jump',
    )
  const match = /^(?:([^@\s]+)@)?(\[[^\]]+\]|[^:@\s]+)(?::(\d+))?$/.exec(text)
  if (!match) throw new InputError(`jump ${text}`, 'expected a node name or [user@]host[:port]')
  const [, user, rawHost = '', port] = match
  const host = rawHost.replace(/^\[(.*)\]$/, '$1')
  const fromSsh = lookupSshConfig(context?.sshConfig, host, context?.home)
  const endpoint: SshAddress = {
    name: text,
    host: fromSsh.hostName ?? host,
    port: port ? Number(port) : (fromSsh.port ?? 22),
    user: user ?? fromSsh.user ?? defaultUser,
    identityFiles: context ? fromSsh.identityFiles.map((f) => expandPath(f, context)) : [],
  }
  return {kind: 'host', endpoint}
}

function expandPath(path: string, context: NormalizeContext): string {
  if (path === '~') return context.home
  if (path.startsWith('~/')) return `${context.home}/${path.slice(2)}`
  return isAbsolute(path) ? path : resolve(context.baseDir, path)
}

function checkJumpCycles(
  nodes: readonly InventoryNode[],
  at: (path: readonly PropertyKey[], key?: string) => string,
): void {
  const byName = new Map(nodes.map((n) => [n.name, n]))
  nodes.forEach((start, index) => {
    const chain = [start.name]
    let current = start
    while (current.jump?.kind === 'node') {
      const next = byName.get(current.jump.name)
      if (!next) break
      if (chain.includes(next.name)) {
        throw new InputError(at(['nodes', index, 'jump']), `jump loop: ${[...chain, next.name].join(' -> ')}`)
      }
      chain.push(next.name)
      current = next
    }
  })
}
