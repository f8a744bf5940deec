import {stripVTControlCharacters} from 'node:util'

import {Args, Command} from '@oclif/core'
import chalk from 'chalk'
import {Marked} from 'marked'
import {markedTerminal} from 'marked-terminal'

import {ensureIndex, KnowledgeIndex, type IndexedPage} from '../../kb/search-index.js'
import {EXIT} from '../../model/errors.js'

export default class KbShow extends Command {
  static override args = {
    id: Args.string({
      description: 'A page id: a component (nova-compute), a signature, or a playbook guide (vm-ssh-fail).',
      required: true,
    }),
  }

  static override description =
    'Show one knowledge-base page, rendered for the terminal (plain markdown with --json).'

  static override enableJsonFlag = true

  static override examples = [
    '<%= config.bin %> kb show nova-conductor',
    '<%= config.bin %> kb show vm-ssh-fail',
  ]

  static override summary = 'Show a knowledge-base page.'

  async run(): Promise<IndexedPage> {
    const {args} = await this.parse(KbShow)
    const index = new KnowledgeIndex((await ensureIndex()).file)
    let page: IndexedPage | undefined
    let similar: string[] = []
    try {
      page = index.page(args.id)
      if (!page) similar = index.similarIds(args.id)
    } finally {
      index.close()
    }
    if (!page) {
      this.error(`${args.id}: no such knowledge-base page`, {
        exit: EXIT.input,
        suggestions: [
          ...similar.map((id) => `cloudtriage kb show ${id}`),
          `cloudtriage kb search ${args.id}`,
        ],
      })
    }
    if (!this.jsonEnabled()) {
      const color = Boolean(process.stdout.isTTY) && chalk.level > 0
      const marked = new Marked(
        markedTerminal({
          width: Math.min(process.stdout.columns || 100, 120),
          reflowText: true,
          tab: 2,
        }) as Parameters<Marked['use']>[0],
      )
      const rendered = marked.parse(page.markdown, {async: false})
      this.log(color ? rendered : stripVTControlCharacters(rendered))
    }
    return page
  }
}
