import {Command} from '@oclif/core'

import {lintKnowledgeDir} from '../../kb/knowledge-tasks.js'
import type {KnowledgeProblem} from '../../kb/parse-page.js'
import {EXIT} from '../../model/errors.js'

export default class KbLint extends Command {
  static override description =
    "Check the knowledge base against itself and the playbooks: page schemas, links, every signature's match and near-miss examples, a page for every component a playbook uses, and guides that say what their playbook says. Exits 2 on any problem, each named file:line."

  static override enableJsonFlag = true

  static override examples = ['<%= config.bin %> kb lint']

  static override summary = 'Check the knowledge base for drift.'

  async run(): Promise<{problems: KnowledgeProblem[]}> {
    const problems = await lintKnowledgeDir()
    if (!this.jsonEnabled()) {
      for (const p of problems) this.logToStderr(`${p.where}: ${p.message}`)
      this.log(problems.length === 0 ? 'knowledge base: ok' : `knowledge base: ${problems.length} problem(s)`)
    }
    if (problems.length > 0) this.exit(EXIT.input)
    return {problems}
  }
}
