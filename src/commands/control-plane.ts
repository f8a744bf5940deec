import {loadBuiltinPlaybook} from '../app/playbook-catalog.js'
import {PlaybookCommand} from '../cli/playbook-command.js'

export default class ControlPlane extends PlaybookCommand {
  static override description = `Everything is slow or broken? Sweeps nova, neutron and cinder service heartbeats, RabbitMQ (running, alarms, clients cut off or blocked), clocks across nodes, and each node's memory, CPU and disk, then ranks the few causes that explain most symptoms: a dead RabbitMQ is one suspect with its blast radius, not twenty services.

Read-only: it runs only allowlisted read commands (openstack … list, rabbitmqctl status, rabbitmq-diagnostics alarms, date, df, log tails, /proc samples) and never changes the cloud.`

  static override examples = [
    '<%= config.bin %> control-plane',
    '<%= config.bin %> control-plane --inventory ~/cloud/inventory.yaml -o case-1234.md',
    '<%= config.bin %> control-plane --from ./sosreports/ --json',
  ]

  static override summary = 'Sweep the control plane and rank the shared causes first.'

  async run(): Promise<Record<string, unknown>> {
    const {flags} = await this.parse(ControlPlane)
    const loaded = await loadBuiltinPlaybook('control-plane').catch((error: unknown) =>
      this.fail(error, flags.debug),
    )
    return this.diagnoseWith(loaded, null, flags)
  }
}
