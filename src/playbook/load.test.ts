import {readdirSync} from 'node:fs'
import path from 'node:path'

import {describe, expect, it} from 'vitest'

import {InputError} from '../model/errors.js'
import {loadPlaybookFile, parsePlaybook} from './load.js'

/**
 * The smallest playbook the schema accepts, with one gather and one check, so each test below breaks
 * exactly one thing in it and can say where the loader must point.
 */
const TINY = `id: tiny
title: Tiny
summary: A playbook small enough to read in one go.
target: {kind: server, required: live, description: a server}
components:
  - {id: instance-state, role: the instance}
phases:
  - id: macro
    title: Macro
    purpose: What the cloud says.
    gather:
      - id: server
        on: api
        command: [openstack, server, show, "{{ $target }}", -f, json]
        parse: openstack-server
    checks:
      - id: not-running
        component: instance-state
        level: instance
        when: "$server.status = 'SHUTOFF'"
        weight: 0.9
        says: "{{ $server.name }} is off"
  - {id: roles, title: Roles, purpose: Who takes part.}
  - {id: blast-radius, title: Blast radius, purpose: How wide.}
  - {id: resources, title: Resources, purpose: Is the host starved.}
scope:
  - {level: instance, when: "true", says: one VM}
`

/** TINY with one exact piece of text replaced; fails loudly if the piece is not there. */
function tinyWith(find: string, replace: string): string {
  if (!TINY.includes(find)) throw new Error(`test bug: ${JSON.stringify(find)} is not in the tiny playbook`)
  return TINY.replace(find, replace)
}

/** `tiny.yaml:line:col` of the first occurrence of `needle` (1-based, as editors count). */
function at(text: string, needle: string, occurrence = 1): string {
  let index = -1
  for (let i = 0; i < occurrence; i++) index = text.indexOf(needle, index + 1)
  if (index < 0) throw new Error(`test bug: ${JSON.stringify(needle)} is not in the text`)
  const before = text.slice(0, index).split('\n')
  return `tiny.yaml:${before.length}:${(before.at(-1) ?? '').length + 1}`
}

function rejection(text: string): InputError {
  try {
    parsePlaybook(text, 'tiny.yaml')
  } catch (error) {
    if (error instanceof InputError) return error
    throw error
  }
  throw new Error('the playbook was accepted')
}

describe('parsePlaybook', () => {
  it('accepts the tiny playbook the other tests break', () => {
    expect(parsePlaybook(TINY, 'tiny.yaml').phases.map((p) => p.id)).toEqual([
      'macro',
      'roles',
      'blast-radius',
      'resources',
    ])
  })

  it('rejects a YAML syntax error at the line and column where the parser gave up', () => {
    const text = tinyWith('says: "{{ $server.name }} is off"', 'says: "{{ $server.name }} is off')
    const error = rejection(text)
    expect(error.detail).toMatch(/^YAML syntax: /)
    // The yaml parser reports the unterminated string on its own line (at the line's end).
    expect(error.where.replace(/:\d+$/, '')).toBe(at(text, '"{{ $server.name }} is off').replace(/:\d+$/, ''))
  })

  it('rejects a key written twice as a YAML error naming the second one', () => {
    const text = tinyWith('title: Tiny\n', 'title: Tiny\ntitle: Twice\n')
    const error = rejection(text)
    expect(error.detail).toMatch(/unique/)
    expect(error.where).toBe(at(text, 'title: Twice'))
  })

  it('points at an unknown key itself, not at the gather that holds it', () => {
    const text = tinyWith(
      '        parse: openstack-server\n',
      '        parse: openstack-server\n        colour: red\n',
    )
    const error = rejection(text)
    expect(error.detail).toContain('Unrecognized key: "colour"')
    expect(error.where).toBe(at(text, 'colour'))
  })

  it('rejects a playbook with a phase missing, pointing at the phase list', () => {
    const text = tinyWith('  - {id: resources, title: Resources, purpose: Is the host starved.}\n', '')
    const error = rejection(text)
    expect(error.detail).toMatch(/^phases: .*4/)
    expect(error.where).toBe(at(text, '- id: macro'))
  })

  it('rejects a fifth phase, pointing at it', () => {
    const fifth = '  - {id: resources, title: Again, purpose: Twice.}\n'
    const text = tinyWith('scope:\n', `${fifth}scope:\n`)
    const error = rejection(text)
    expect(error.detail).toMatch(/^phases: .*4/)
    expect(error.where).toBe(at(text, '{id: resources, title: Again'))
  })

  it('rejects the four phases in the wrong order', () => {
    const text = tinyWith(
      '  - {id: blast-radius, title: Blast radius, purpose: How wide.}\n  - {id: resources, title: Resources, purpose: Is the host starved.}\n',
      '  - {id: resources, title: Resources, purpose: Is the host starved.}\n  - {id: blast-radius, title: Blast radius, purpose: How wide.}\n',
    )
    expect(rejection(text).detail).toContain('macro, roles, blast-radius, resources')
  })

  it('rejects a gather with both a command and a file', () => {
    const text = tinyWith(
      '        parse: openstack-server\n',
      '        parse: openstack-server\n        file: /etc/hosts\n',
    )
    const error = rejection(text)
    expect(error.detail).toContain('exactly one of command or file')
    expect(error.where).toBe(at(text, 'id: server'))
  })

  it('refuses a mutating openstack command at load, naming its line', () => {
    const text = tinyWith(
      '[openstack, server, show, "{{ $target }}", -f, json]',
      '[openstack, server, delete, x]',
    )
    const error = rejection(text)
    expect(error.detail).toMatch(/^not read-only: .*delete/)
    expect(error.where).toBe(at(text, '[openstack, server, delete, x]'))
  })

  it('refuses a shell, whatever the command it would run', () => {
    const text = tinyWith(
      '[openstack, server, show, "{{ $target }}", -f, json]',
      '[sh, -c, "openstack server list"]',
    )
    const error = rejection(text)
    expect(error.detail).toMatch(/^not read-only: .*\bsh\b/)
    expect(error.where).toBe(at(text, '[sh, -c'))
  })

  it('refuses a file path that is not on the readable list', () => {
    const text = tinyWith(
      '        command: [openstack, server, show, "{{ $target }}", -f, json]\n',
      '        file: /etc/shadow\n',
    )
    const error = rejection(text)
    expect(error.detail).toMatch(/^not readable: /)
    expect(error.where).toBe(at(text, '/etc/shadow'))
  })

  it('refuses a signature regex that can backtrack catastrophically', () => {
    const text = tinyWith(
      'scope:\n',
      'signatures:\n  - {id: loop, in: [server], hint: aaa, pattern: "(aaa+)+$", component: instance-state, level: instance, weight: 0.1, says: x}\nscope:\n',
    )
    const error = rejection(text)
    expect(error.detail).toContain('backtrack catastrophically')
    expect(error.where).toBe(at(text, '"(aaa+)+$"'))
  })

  it('refuses the textbook ReDoS pattern (a+)+$ as well', () => {
    const text = tinyWith(
      'scope:\n',
      'signatures:\n  - {id: loop, in: [server], hint: aaa, pattern: "aaa(a+)+$", component: instance-state, level: instance, weight: 0.1, says: x}\nscope:\n',
    )
    expect(rejection(text).detail).toContain('backtrack catastrophically')
  })

  it('accepts the same signature once its regex is linear', () => {
    const text = tinyWith(
      'scope:\n',
      'signatures:\n  - {id: loop, in: [server], hint: aaa, pattern: "aaa+$", component: instance-state, level: instance, weight: 0.1, says: x}\nscope:\n',
    )
    expect(parsePlaybook(text, 'tiny.yaml').signatures).toHaveLength(1)
  })

  it('rejects a check whose JSONata does not compile, with the character where it breaks', () => {
    const text = tinyWith(`when: "$server.status = 'SHUTOFF'"`, `when: "$server.status = = 'SHUTOFF'"`)
    const error = rejection(text)
    expect(error.detail).toMatch(/^expression does not compile: .*\(at character \d+\)/)
    expect(error.where).toBe(at(text, `"$server.status = = 'SHUTOFF'"`))
  })

  it('rejects a template slot that does not compile inside a command', () => {
    const text = tinyWith('"{{ $target }}"', '"{{ $target[ }}"')
    const error = rejection(text)
    expect(error.detail).toMatch(/^expression does not compile/)
    expect(error.where).toBe(at(text, '"{{ $target[ }}"'))
  })

  it('rejects a parser name that does not exist', () => {
    const text = tinyWith('parse: openstack-server\n', 'parse: openstack-sever\n')
    const error = rejection(text)
    expect(error.detail).toBe('unknown parser "openstack-sever"')
    expect(error.where).toBe(at(text, 'openstack-sever'))
  })

  it('rejects a check citing a component id that is not one of the stable ids', () => {
    const text = tinyWith('component: instance-state\n        level', 'component: nova-teapot\n        level')
    const error = rejection(text)
    expect(error.detail).toMatch(/^phases\.0\.checks\.0\.component: /)
    expect(error.where).toBe(at(text, 'nova-teapot'))
  })

  it('rejects two checks with the same id at the second', () => {
    const check = `      - id: not-running
        component: instance-state
        level: instance
        when: "true"
        weight: 0.1
        says: again
`
    const text = tinyWith(
      '  - {id: roles, title: Roles, purpose: Who takes part.}\n',
      `  - id: roles\n    title: Roles\n    purpose: Who.\n    checks:\n${check}`,
    )
    const error = rejection(text)
    expect(error.detail).toBe('check id "not-running" is used twice')
    expect(error.where).toBe(at(text, 'not-running', 2))
  })

  it('rejects a fact name that shadows a reserved variable', () => {
    const text = tinyWith('      - id: server\n', '      - id: target\n')
    expect(rejection(text).detail).toBe('fact name "target" is used twice or is reserved')
  })
})

describe('loadPlaybookFile', () => {
  const dir = path.resolve('playbooks')
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))

  it('finds the built-in playbooks to check', () => {
    expect(files).toContain('vm-ssh-fail.yaml')
  })

  it.each(files)('loads playbooks/%s, whose id is its file name', async (file) => {
    const {playbook} = await loadPlaybookFile(path.join(dir, file))
    expect(playbook.id).toBe(file.replace(/\.ya?ml$/, ''))
  })

  it('names the file when it cannot be read', async () => {
    await expect(loadPlaybookFile(path.join(dir, 'no-such-playbook.yaml'))).rejects.toThrow(
      /no-such-playbook\.yaml: cannot read playbook: ENOENT/,
    )
  })
})
