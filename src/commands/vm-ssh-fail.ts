import {Args} from '@oclif/core'

import {loadBuiltinPlaybook} from '../app/playbook-catalog.js'
import {PlaybookCommand} from '../cli/playbook-command.js'

export default class VmSshFail extends PlaybookCommand {
  static override args = {
    server: Args.string({description: 'Server name or ID. Optional offline: the evidence then names the failing VM.', required: false}),
  }

  static override description = `Why can't I ssh into this VM? Walks macro view, component roles, blast radius and resource check, and ends with ranked suspects, each with its evidence.

Read-only: it runs only allowlisted read commands (openstack … list/show, ovs-vsctl show, ovs-ofctl dump-flows, journalctl, log tails, /proc samples) and never changes the cloud.`

  static override examples = [
    '<%= config.bin %> vm-ssh-fail web-1',
    '<%= config.bin %> vm-ssh-fail web-1 --inventory ~/cloud/inventory.yaml -o case-1234.md',
    '<%= config.bin %> vm-ssh-fail --from ./sosreports/',
    '<%= config.bin %> vm-ssh-fail web-1 --from fixtures/demo-cloud --json',
  ]

  static override summary = 'Diagnose a VM that does not answer ssh.'

  async run(): Promise<Record<string, unknown>> {
    const {args, flags} = await this.parse(VmSshFail)
    const loaded = await loadBuiltinPlaybook('vm-ssh-fail').catch((error: unknown) => this.fail(error, flags.debug))
    return this.diagnoseWith(loaded, args.server ?? null, flags)
  }
}
