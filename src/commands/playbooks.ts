import {Command} from '@oclif/core'

import {listPlaybookFiles} from '../app/playbook-catalog.js'
import {loadPlaybookFile} from '../playbook/load.js'

export default class Playbooks extends Command {
  static override description = 'List the built-in playbooks, each validated as it is listed.'

  static override enableJsonFlag = true

  static override summary = 'List playbooks.'

  async run(): Promise<{playbooks: {id: string; title: string; summary: string; target: string}[]}> {
    await this.parse(Playbooks)
    const playbooks = []
    for (const file of await listPlaybookFiles()) {
      const {playbook} = await loadPlaybookFile(file)
      playbooks.push({id: playbook.id, title: playbook.title, summary: playbook.summary, target: playbook.target.kind})
    }
    if (!this.jsonEnabled()) {
      for (const p of playbooks) this.log(`${p.id.padEnd(20)} ${p.title}`)
    }
    return {playbooks}
  }
}
