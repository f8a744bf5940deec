import {Command, Flags} from '@oclif/core'

import {PAGE_FOLDERS, PAGE_TYPES, type PageType} from '../../kb/page-schema.js'
import {ensureIndex, KnowledgeIndex} from '../../kb/search-index.js'

const BY_FOLDER = Object.fromEntries(PAGE_TYPES.map((t) => [PAGE_FOLDERS[t], t])) as Record<string, PageType>

export default class KbList extends Command {
  static override description =
    'List the knowledge-base pages: components, known-issue signatures and playbook guides.'

  static override enableJsonFlag = true

  static override examples = ['<%= config.bin %> kb list --type signatures']

  static override flags = {
    type: Flags.string({description: 'Only this kind of page.', options: Object.keys(BY_FOLDER)}),
  }

  static override summary = 'List knowledge-base pages.'

  async run(): Promise<{pages: {id: string; type: string; title: string; summary: string}[]}> {
    const {flags} = await this.parse(KbList)
    const index = new KnowledgeIndex((await ensureIndex()).file)
    let pages
    try {
      pages = index
        .list(flags.type ? BY_FOLDER[flags.type] : undefined)
        .map(({id, type, title, summary}) => ({id, type, title, summary}))
    } finally {
      index.close()
    }
    if (!this.jsonEnabled()) {
      const width = Math.max(10, ...pages.map((p) => p.id.length)) + 2
      for (const p of pages) this.log(`${p.id.padEnd(width)}${p.type.padEnd(11)}${p.summary}`)
      this.log(`\n${pages.length} page(s). Show one: cloudtriage kb show <id>`)
    }
    return {pages}
  }
}
