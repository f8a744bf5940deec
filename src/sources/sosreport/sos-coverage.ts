/**
 * What sos collects and what it never does, so "not in the sosreport" can say why: the plugin that would
 * have it did not run, no plugin collects it, or sos asks the API a coarser question. Read from sos
 * 4.0's plugins (Debian bookworm's sosreport 4.0-2: sos/report/plugins/openstack_*.py, process.py,
 * memory.py, block.py, networking.py, powerpc.py). Pure.
 */

/** Files under /proc a playbook reads, and the sos plugin that copies each (null: none does). */
const PROC_FILE_PLUGINS: ReadonlyArray<readonly [RegExp, string | null, string]> = [
  [/^\/proc\/stat$/, 'process', 'one sample, so no CPU rates'],
  [/^\/proc\/meminfo$/, 'memory', ''],
  [/^\/proc\/diskstats$/, 'block', 'one sample, so no disk rates'],
  [/^\/proc\/net\//, 'networking', 'one sample, so no NIC rates'],
  [
    /^\/proc\/loadavg$/,
    null,
    'only its powerpc plugin copies it; the host plugin saves `uptime` (sos_commands/host/uptime), which shows the same load averages',
  ],
  [/^\/proc\/pressure\//, null, 'no sos plugin copies /proc/pressure/'],
]

/** Why a report lacks the file at `path`, given the plugins that ran in it. */
export function whyFileIsMissing(path: string, pluginsRun: ReadonlySet<string>): string | null {
  for (const [pattern, plugin, remark] of PROC_FILE_PLUGINS) {
    if (!pattern.test(path)) continue
    if (plugin === null) return `sos does not collect ${path} (${remark})`
    if (!pluginsRun.has(plugin))
      return `sos copies ${path} in its ${plugin} plugin, which did not run for this report (sos report -o … left it out)`
    return `sos's ${plugin} plugin ran but did not copy ${path}`
  }
  return null
}

/**
 * `openstack …` questions sos's OpenStack plugins never ask (sos 4.0), keyed by subcommand, with what
 * they save instead.
 */
const OPENSTACK_NEVER_ASKED: ReadonlyArray<readonly [string, string]> = [
  [
    'port show',
    'sos 4.0 saves `openstack port list` (ID, Name, MAC Address, Fixed IP Addresses, Status) but no `openstack port show`: no security groups, binding host or vif type',
  ],
  [
    'security group rule list',
    'sos 4.0 saves `openstack security group list` (names and projects) but never the rules',
  ],
  [
    'security group show',
    'sos 4.0 saves `openstack security group list` (names and projects) but never the rules',
  ],
  [
    'network show',
    'sos 4.0 saves `openstack network list` (ID, Name, Subnets) but no `openstack network show`: no MTU or segmentation',
  ],
  ['console log show', 'sos 4.0 never asks for an instance console log'],
  ['server event list', 'sos 4.0 never asks for server events'],
  ['floating ip show', 'sos 4.0 saves `openstack floating ip list` only'],
  [
    'volume',
    "sos 4.0's openstack_cinder plugin asks the API nothing (it saves `cinder-manage db version`, configs and logs)",
  ],
  ['resource provider', "sos 4.0's openstack_placement plugin asks the API nothing"],
]

/**
 * Why no report holds `argv` (an `openstack …` request), when sos 4.0 never asks that question; else null.
 * Later sos versions ask more (per-item shows), so callers use this only for 4.0 reports.
 */
export function whySosNeverAsked(argv: readonly string[]): string | null {
  if (argv[0] !== 'openstack') return null
  const subcommand = subcommandOf(argv).join(' ')
  for (const [prefix, reason] of OPENSTACK_NEVER_ASKED) {
    if (subcommand === prefix || subcommand.startsWith(`${prefix} `)) return reason
  }
  if (subcommand.startsWith('port list') && argv.includes('--host'))
    return 'sos 4.0 saves the whole `openstack port list` without a host column and no per-port show, so the ports bound to a host cannot be told'
  if (subcommand.startsWith('port list') && (argv.includes('--device-owner') || argv.includes('--network')))
    return 'sos 4.0 saves the whole `openstack port list` without device owner or network columns'
  return null
}

/**
 * Node commands a playbook runs that sos 4.0 runs differently or not at all: the program, and the reason
 * (with `{plugin}` naming the plugin whose output is the nearest, and whether it ran).
 */
const NODE_COMMANDS: ReadonlyArray<readonly [string, string, string]> = [
  [
    'date',
    'date',
    'sos saves `date` and `date --utc` as each node was reported; reports taken at different moments cannot show clock skew between nodes',
  ],
  [
    'df',
    'filesys',
    'sos saves only `df -al -x autofs` and `df -ali -x autofs`, which stand in for `df -P` and `df -Pi`',
  ],
  ['ss', 'networking', 'sos saves `ss -peaonmi` and `netstat -W -neopa`, not other ss options'],
  [
    'rabbitmq-diagnostics',
    'rabbitmq',
    'sos saves only `rabbitmqctl report`, whose Alarms sections stand in for `rabbitmq-diagnostics alarms`',
  ],
  [
    'nova-manage',
    'openstack_nova',
    'sos runs only `nova-manage db version`, `fixed list` and `floating list`',
  ],
  ['mysqladmin', 'mysql', 'sos runs no mysqladmin (it copies MariaDB configs, logs and grastate.dat)'],
]

/** Why a report lacks the output of node command `argv`, or null when this table knows nothing of it. */
export function whyCommandIsMissing(argv: readonly string[], pluginsRun: ReadonlySet<string>): string | null {
  const program = (argv[0] ?? '').replace(/^.*\//, '')
  const entry = NODE_COMMANDS.find(([name]) => name === program)
  if (!entry) return null
  const [, plugin, reason] = entry
  return pluginsRun.has(plugin) ? reason : `${reason} (its ${plugin} plugin did not run for this report)`
}

/** A report holds `openstack`/`nova` client output only if sos ran with OS_* credentials set. */
export function hasApiOutput(commandFileNames: Iterable<string>): boolean {
  for (const name of commandFileNames) {
    if (/^(?:openstack|nova|neutron|cinder)_/.test(name) && !/_db_version$/.test(name)) return true
    if (/^instance-[0-9a-f-]{36}\.log$/.test(name)) return true
  }
  return false
}

/** The command words after `openstack`, without options or the values of global `--os-*` options. */
function subcommandOf(argv: readonly string[]): string[] {
  const words: string[] = []
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    if (arg.startsWith('--os-') && !arg.includes('=')) i++
    else if (!arg.startsWith('-')) words.push(arg)
  }
  return words
}
