import {Command, Flags} from '@oclif/core'

import {syncGuides} from '../../kb/knowledge-tasks.js'
import {EXIT} from '../../model/errors.js'

export default class KbGuides extends Command {
  static override description =
    'Generate the guide page of every playbook (knowledge/guides/<playbook>.md) from its YAML. Without --write, only reports which guides are out of date (exit 2 if any).'

  static override enableJsonFlag = true

  static override examples = ['<%= config.bin %> kb guides --write']

  static override flags = {
    write: Flags.boolean({description: 'Write the regenerated guides.', default: false}),
  }

  static override summary = 'Regenerate playbook guides.'

  async run(): Promise<{changed: string[]; unchanged: string[]}> {
    const {flags} = await this.parse(KbGuides)
    const {changed, unchanged, problems} = await syncGuides({write: flags.write})
    if (!this.jsonEnabled()) {
      for (const p of problems) this.logToStderr(`${p.where}: ${p.message}`)
      for (const file of changed) this.log(`${flags.write ? 'wrote' : 'out of date'}: ${file}`)
      this.log(`${unchanged.length} guide(s) up to date`)
    }
    if (problems.length > 0 || (!flags.write && changed.length > 0)) this.exit(EXIT.input)
    return {changed, unchanged}
  }
}
