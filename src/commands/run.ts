import {Args} from '@oclif/core'

import {PlaybookCommand} from '../cli/playbook-command.js'
import {loadPlaybookFile} from '../playbook/load.js'

export default class Run extends PlaybookCommand {
  static override args = {
    playbook: Args.string({description: 'Path to a playbook YAML file.', required: true}),
    target: Args.string({description: 'The target (server, volume…) if the playbook takes one.', required: false}),
  }

  static override description = 'Run a custom playbook file, with the same validation (schema, read-only commands, safe regexes) as the built-in ones.'

  static override examples = ['<%= config.bin %> run ./my-playbook.yaml web-1 --from ./bundle']

  static override summary = 'Run a playbook from a file.'

  async run(): Promise<Record<string, unknown>> {
    const {args, flags} = await this.parse(Run)
    const loaded = await loadPlaybookFile(args.playbook).catch((error: unknown) => this.fail(error, flags.debug))
    return this.diagnoseWith(loaded, args.target ?? null, flags)
  }
}
