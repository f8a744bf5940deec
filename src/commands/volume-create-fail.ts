import {Args} from '@oclif/core'

import {loadBuiltinPlaybook} from '../app/playbook-catalog.js'
import {PlaybookCommand} from '../cli/playbook-command.js'

export default class VolumeCreateFail extends PlaybookCommand {
  static override args = {
    volume: Args.string({
      description:
        'Volume name or ID. Optional offline: the evidence then names the volume in error or stuck creating.',
      required: false,
    }),
  }

  static override description = `Why was this volume not created (error, or stuck in creating with only "timeout" in the logs)? Reads the volume and cinder's user messages, follows the create's request id through cinder-api, cinder-scheduler and cinder-volume logs, checks the backends' services, capacity and RabbitMQ, and the load on the nodes during the create, and ends with ranked suspects, each with its evidence.

Read-only: it runs only allowlisted read commands (openstack … list/show, rabbitmqctl status, log tails, /proc samples) and never changes the cloud.`

  static override examples = [
    '<%= config.bin %> volume-create-fail vol-data-1',
    '<%= config.bin %> volume-create-fail vol-data-1 --inventory ~/cloud/inventory.yaml -o case-1234.md',
    '<%= config.bin %> volume-create-fail --from ./sosreports/',
  ]

  static override summary = 'Diagnose a volume that is not created.'

  async run(): Promise<Record<string, unknown>> {
    const {args, flags} = await this.parse(VolumeCreateFail)
    const loaded = await loadBuiltinPlaybook('volume-create-fail').catch((error: unknown) =>
      this.fail(error, flags.debug),
    )
    return this.diagnoseWith(loaded, args.volume ?? null, flags)
  }
}
