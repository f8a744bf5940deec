import {Command} from '@oclif/core'

import {ensureIndex, type IndexInfo} from '../../kb/search-index.js'

export default class KbBuildIndex extends Command {
  static override description =
    'Build the knowledge-base search index (SQLite FTS5) if the knowledge files changed since it was built. Run at build time; search, show and list also do it on demand.'

  static override enableJsonFlag = true

  static override examples = ['<%= config.bin %> kb build-index']

  static override summary = 'Build the knowledge-base index.'

  async run(): Promise<IndexInfo> {
    await this.parse(KbBuildIndex)
    const info = await ensureIndex()
    if (!this.jsonEnabled()) {
      this.log(
        `${info.file}: ${info.pages} page(s), ${info.rebuilt ? `rebuilt in ${info.buildMs} ms` : 'up to date'}`,
      )
      if (info.problems > 0)
        this.log(`${info.problems} file(s) are not valid pages and were left out; run: cloudtriage kb lint`)
    }
    return info
  }
}
