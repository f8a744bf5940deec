import {Flags} from '@oclif/core'

import {loadBuiltinPlaybook} from '../app/playbook-catalog.js'
import {PlaybookCommand} from '../cli/playbook-command.js'

export default class DbConnError extends PlaybookCommand {
  static override description = `Why does a service sometimes fail to reach its database? Follows the call from the service's log (MySQL error numbers) through HAProxy's health checks to each Galera node's state, listeners and connection count, then the DB nodes' load, and ends with ranked suspects naming the node and the hop.

Read-only: it runs only allowlisted read commands (log tails, mysqladmin extended-status, ss -ltn, /proc samples) and never changes the cloud.`

  static override examples = [
    '<%= config.bin %> db-conn-error --service nova-conductor',
    '<%= config.bin %> db-conn-error --inventory ~/cloud/inventory.yaml -o case-1234.md',
    '<%= config.bin %> db-conn-error --service placement-api --from ./sosreports/ --json',
  ]

  static override flags = {
    service: Flags.string({
      description:
        'The service whose log shows the DB errors; its log is read at /var/log/<project>/<service>.log on the controllers. Default: the common API services.',
      helpValue: 'NAME',
    }),
  }

  static override summary = 'Diagnose a service that sometimes cannot connect to the database (Galera behind HAProxy).'

  async run(): Promise<Record<string, unknown>> {
    const {flags} = await this.parse(DbConnError)
    const loaded = await loadBuiltinPlaybook('db-conn-error').catch((error: unknown) => this.fail(error, flags.debug))
    return this.diagnoseWith(loaded, flags.service ?? null, flags)
  }
}
