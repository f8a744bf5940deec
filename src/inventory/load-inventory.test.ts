import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {InputError} from '../model/errors.js'
import {inventoryFromNodes, loadInventory, parseInventory, resolveInventoryPath} from './load-inventory.js'

const home = '/home/operator'
const dir = mkdtempSync(join(tmpdir(), 'cloudtriage-inventory-'))
const noSshConfig = {home, sshConfigPath: join(dir, 'no-such-ssh-config')}
afterAll(() => rmSync(dir, {recursive: true, force: true}))

/** The InputError message thrown for this text, or a failure if it parses. */
function errorFor(text: string, options = noSshConfig): string {
  try {
    parseInventory(text, 'inv.yaml', options)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as InputError).message
  }
  throw new Error('expected the inventory to be rejected')
}

describe('loadInventory', () => {
  it('reads the lab inventory with defaults applied and ~ expanded', () => {
    const inventory = loadInventory('fixtures/inventory/lab-inventory.yaml', noSshConfig)
    expect(inventory.origin).toBe('fixtures/inventory/lab-inventory.yaml')
    expect(inventory.nodes).toEqual([
      {
        name: 'controller-0',
        roles: ['controller', 'network', 'database', 'messaging'],
        host: '127.0.1.10',
        port: 22,
        user: 'root',
        identityFiles: [`${home}/.ssh/id_ed25519`],
        knownHostsPath: `${home}/.ssh/known_hosts`,
        jump: null,
      },
      {
        name: 'compute-0',
        roles: ['compute'],
        host: '127.0.1.11',
        port: 22,
        user: 'root',
        identityFiles: [`${home}/.ssh/id_ed25519`],
        knownHostsPath: `${home}/.ssh/known_hosts`,
        jump: null,
      },
      {
        name: 'compute-1',
        roles: ['compute'],
        host: '127.0.1.12',
        port: 22,
        user: 'root',
        identityFiles: [`${home}/.ssh/id_ed25519`],
        knownHostsPath: `${home}/.ssh/known_hosts`,
        jump: null,
      },
    ])
  })

  it('lets a node override the defaults, and resolves relative paths against the inventory file', () => {
    const text = [
      'defaults: {user: root, port: 22}',
      'nodes:',
      '  - name: bastion',
      '    host: 127.0.1.1',
      '  - name: compute-7',
      '    host: 127.0.1.17',
      '    user: heat-admin',
      '    port: 2222',
      '    identity_file: [keys/a, /abs/b]',
      '    known_hosts: ./kh',
      '    jump: bastion',
      '    roles: [compute, storage]',
    ].join('\n')
    const [bastion, compute] = parseInventory(text, '/etc/cloudtriage/inv.yaml', noSshConfig).nodes
    expect(bastion).toMatchObject({name: 'bastion', roles: [], identityFiles: [], jump: null})
    expect(compute).toEqual({
      name: 'compute-7',
      roles: ['compute', 'storage'],
      host: '127.0.1.17',
      port: 2222,
      user: 'heat-admin',
      identityFiles: ['/etc/cloudtriage/keys/a', '/abs/b'],
      knownHostsPath: '/etc/cloudtriage/kh',
      jump: {kind: 'node', name: 'bastion'},
    })
  })

  it('reads a jump written like ssh -J as a host of its own', () => {
    const text = 'defaults: {user: root, jump: "admin@[::1]:2200"}\nnodes:\n  - name: c0\n'
    expect(parseInventory(text, 'inv.yaml', noSshConfig).nodes[0]?.jump).toEqual({
      kind: 'host',
      endpoint: {name: 'admin@[::1]:2200', host: '::1', port: 2200, user: 'admin', identityFiles: []},
    })
  })

  it('points at an unknown key by file:line:col', () => {
    expect(errorFor('nodes:\n  - name: c0\n    hots: 127.0.1.10\n')).toMatch(
      /^inv\.yaml:3:5: nodes\.0: unknown key hots/,
    )
  })

  it('points at a value of the wrong type', () => {
    expect(errorFor('nodes:\n  - name: c0\n    port: "22"\n')).toMatch(
      /^inv\.yaml:3:11: nodes\.0\.port: .*number/,
    )
  })

  it('points at a role that does not exist and names the valid ones', () => {
    expect(errorFor('nodes:\n  - name: c0\n    roles: [compute, hypervisor]\n')).toMatch(
      /^inv\.yaml:3:22: nodes\.0\.roles\.1: .*"controller"/,
    )
  })

  it('reports every schema error, not just the first', () => {
    const message = errorFor('defaults: {prot: 22}\nnodes:\n  - name: c0\n    port: 0\n')
    expect(message).toMatch(
      /^inv\.yaml:1:12: defaults: unknown key prot; also inv\.yaml:4:11 nodes\.0\.port: /,
    )
  })

  it('points at a YAML syntax error', () => {
    expect(errorFor('nodes:\n  - name: c0\n    roles: [compute\n')).toMatch(
      /^inv\.yaml:\d+:\d+: YAML syntax: /,
    )
  })

  it('refuses an empty node list, a duplicate name and the reserved name api', () => {
    expect(errorFor('nodes: []\n')).toMatch(/^inv\.yaml:1:8: nodes: an inventory lists at least one node/)
    expect(errorFor('nodes:\n  - name: c0\n  - name: c0\n')).toMatch(
      /^inv\.yaml:3:11: node c0 is listed twice/,
    )
    expect(errorFor('nodes:\n  - name: api\n')).toMatch(/^inv\.yaml:2:11: "api" is reserved/)
  })

  it('refuses a jump loop, showing the loop', () => {
    expect(errorFor('nodes:\n  - name: a\n    jump: b\n  - name: b\n    jump: a\n')).toMatch(
      /^inv\.yaml:3:11: jump loop: a -> b -> a/,
    )
  })

  it('says when the file is missing and what to do instead', () => {
    expect(() => loadInventory(join(dir, 'absent.yaml'))).toThrow(/absent\.yaml: inventory file not found/)
  })

  it('takes host, user, port, identity file and jump from ~/.ssh/config for nodes given only by name, never running Match exec', () => {
    const canary = join(dir, 'MATCH_EXEC_RAN')
    const sshConfigPath = join(dir, 'ssh_config')
    writeFileSync(
      sshConfigPath,
      [
        `Match exec "touch ${canary}"`,
        '  User evil',
        'Host compute-*',
        '  HostName %h.lab.example',
        '  User heat-admin',
        '  Port 2022',
        '  IdentityFile ~/.ssh/lab_%r',
        '  ProxyJump jumpbox',
        'Host jumpbox',
        '  HostName 127.0.1.1',
        '  User jumper',
        '',
      ].join('\n'),
    )
    const inventory = parseInventory(
      'defaults: {user: root}\nnodes:\n  - name: compute-3\n    roles: [compute]\n',
      'inv.yaml',
      {home, sshConfigPath},
    )
    expect(inventory.nodes[0]).toEqual({
      name: 'compute-3',
      roles: ['compute'],
      host: 'compute-3.lab.example',
      port: 2022,
      user: 'heat-admin',
      identityFiles: [`${home}/.ssh/lab_heat-admin`],
      knownHostsPath: `${home}/.ssh/known_hosts`,
      jump: {
        kind: 'host',
        endpoint: {name: 'jumpbox', host: '127.0.1.1', port: 22, user: 'jumper', identityFiles: []},
      },
    })
    expect(existsSync(canary)).toBe(false)
  })
})

describe('resolveInventoryPath', () => {
  it('prefers the flag, then $CLOUDTRIAGE_INVENTORY, then ~/.config/cloudtriage/inventory.yaml', () => {
    expect(resolveInventoryPath('/x.yaml', {CLOUDTRIAGE_INVENTORY: '/y.yaml'}, home)).toBe('/x.yaml')
    expect(resolveInventoryPath(undefined, {CLOUDTRIAGE_INVENTORY: '/y.yaml'}, home)).toBe('/y.yaml')
    expect(resolveInventoryPath(undefined, {}, home)).toBe(`${home}/.config/cloudtriage/inventory.yaml`)
  })
})

describe('inventoryFromNodes', () => {
  it('turns discovered nodes into SSH targets named after the node, through ~/.ssh/config', () => {
    const sshConfigPath = join(dir, 'ssh_config_lab')
    writeFileSync(sshConfigPath, 'Host compute-0\n  HostName 127.0.1.11\n')
    const inventory = inventoryFromNodes(
      [
        {name: 'compute-0', roles: ['compute']},
        {name: 'controller-0', roles: ['controller']},
      ],
      'discovered from the openstack client',
      {user: 'root'},
      {home, sshConfigPath},
    )
    expect(inventory.origin).toBe('discovered from the openstack client')
    expect(inventory.nodes.map((n) => [n.name, n.host, n.user, n.port, n.roles])).toEqual([
      ['compute-0', '127.0.1.11', 'root', 22, ['compute']],
      ['controller-0', 'controller-0', 'root', 22, ['controller']],
    ])
  })
})
