import {Args, Command, Flags} from '@oclif/core'
import chalk from 'chalk'

import {ensureIndex, KnowledgeIndex, type SearchResult} from '../../kb/search-index.js'
import {PAGE_TYPES, type PageType} from '../../kb/page-schema.js'

// The index marks matches with these control characters, which cannot occur in knowledge text.
const MARK_OPEN = '\u0002'
const MARK_CLOSE = '\u0003'

function highlight(part: string): string {
  const end = part.indexOf(MARK_CLOSE)
  return end < 0 ? part : chalk.bold.yellow(part.slice(0, end)) + part.slice(end + 1)
}

export default class KbSearch extends Command {
  static override args = {
    words: Args.string({description: 'Words, identifiers or a pasted error message.', required: true}),
  }

  static override description =
    'Full-text search over components, known-issue signatures and playbook guides. Identifiers such as ovs_idl or rpc_response_timeout and pasted error messages work as typed; results are ranked, with the matching words highlighted.'

  static override enableJsonFlag = true

  static override examples = [
    '<%= config.bin %> kb search MessagingTimeout',
    `<%= config.bin %> kb search "(2013, 'Lost connection to MySQL server"`,
    '<%= config.bin %> kb search ovs_idl --type signature',
  ]

  static override flags = {
    type: Flags.string({description: 'Only pages of this type.', options: [...PAGE_TYPES]}),
    limit: Flags.integer({description: 'At most this many results.', default: 10, min: 1, max: 100}),
  }

  static override strict = false

  static override summary = 'Search the knowledge base.'

  async run(): Promise<{query: string; ignored: string[]; results: SearchResult['hits']}> {
    const {argv, flags} = await this.parse(KbSearch)
    const words = argv.map(String)
    const info = await ensureIndex()
    const index = new KnowledgeIndex(info.file)
    const color = Boolean(process.stdout.isTTY) && chalk.level > 0
    let found: SearchResult
    try {
      found = index.query(words, {
        limit: flags.limit,
        type: flags.type as PageType | undefined,
        mark: this.jsonEnabled() || !color ? ['«', '»'] : undefined,
      })
    } finally {
      index.close()
    }
    const results = found.hits
    if (!this.jsonEnabled()) {
      // A host name or request id pasted with the error is in no page: say it was left out of the query.
      if (found.ignored.length > 0) this.log(chalk.dim(`Ignored (in no page): ${found.ignored.join(' ')}`))
      if (results.length === 0)
        this.log(
          `Nothing in the knowledge base matches ${words.join(' ')}. Try fewer words, or: cloudtriage kb list`,
        )
      for (const hit of results) {
        const snippet = color
          ? hit.snippet
              .split(MARK_OPEN)
              .map((part, i) => (i === 0 ? part : highlight(part)))
              .join('')
          : hit.snippet
        this.log(`${color ? chalk.bold(hit.id) : hit.id}  (${hit.type}) ${hit.title}`)
        this.log(`    ${snippet.replaceAll(/\s+/g, ' ')}`)
      }
      if (results.length > 0) this.log(`\nShow one: cloudtriage kb show ${results[0]?.id ?? ''}`)
    }
    return {query: words.join(' '), ignored: found.ignored, results}
  }
}
