import {Args} from '@oclif/core'

import {loadBuiltinPlaybook} from '../app/playbook-catalog.js'
import {PlaybookCommand} from '../cli/playbook-command.js'

export default class VmBootFail extends PlaybookCommand {
  static override args = {
    server: Args.string({
      description:
        'Server name or ID. Optional offline: the evidence then names the instance in ERROR or stuck in BUILD.',
      required: false,
    }),
  }

  static override description = `Why did this instance not boot (ERROR, or stuck in BUILD)? Reads nova's fault and the instance actions, follows the boot's request id through nova-api, conductor, scheduler and compute logs, names the scheduler filter that removed the hosts or the RPC hop that timed out, and ends with ranked suspects, each with its evidence.

Read-only: it runs only allowlisted read commands (openstack … list/show, nova-manage cell_v2 list_hosts, rabbitmqctl status, log tails, /proc samples) and never changes the cloud.`

  static override examples = [
    '<%= config.bin %> vm-boot-fail web-2',
    '<%= config.bin %> vm-boot-fail web-2 --inventory ~/cloud/inventory.yaml -o case-1234.md',
    '<%= config.bin %> vm-boot-fail --from ./sosreports/',
  ]

  static override summary = 'Diagnose an instance that does not boot.'

  async run(): Promise<Record<string, unknown>> {
    const {args, flags} = await this.parse(VmBootFail)
    const loaded = await loadBuiltinPlaybook('vm-boot-fail').catch((error: unknown) =>
      this.fail(error, flags.debug),
    )
    return this.diagnoseWith(loaded, args.server ?? null, flags)
  }
}
