import {notGathered, type EvidenceRequest, type Gathered} from '../model/evidence.js'

/**
 * The read-only guard: the one place that decides whether cloudtriage may send a command to a node.
 *
 * It is an allowlist of read-only command *shapes* (program + verb + flags), enforced in code rather than
 * by convention. Playbooks are checked when loaded (with their literal arguments) and every request is
 * checked again just before a source runs it. Values substituted from the cloud or the user (server
 * names, ids) are never interpreted here: they are data, and sources always quote them.
 */

export type Verdict = {readonly ok: true} | {readonly ok: false; readonly reason: string}

const OK: Verdict = {ok: true}
const no = (reason: string): Verdict => ({ok: false, reason})

/** Files we may read: logs, kernel state, configuration (redacted on the way in), runtime state. */
const READABLE_ROOTS = [
  '/var/log/',
  '/proc/',
  '/sys/',
  '/etc/',
  '/run/',
  '/var/run/',
  '/var/lib/nova/instances/',
]

/** Shell syntax that has no business in a literal argument written in a playbook. */
const SHELL_SYNTAX = /[;&|`<>\n\r\0]|\$\(|\$\{/

export function checkRequest(request: EvidenceRequest): Verdict {
  if (request.kind === 'file') return checkReadablePath(request.path)
  return checkArgv(request.argv)
}

/**
 * The execution-time re-check every executing source runs, right before it runs anything: the request as
 * asked (a file request's path) and the exact argv that will run (`cat`/`tail` for a file). Returns the
 * refused evidence to hand back, or undefined when the command may run.
 */
export function refuseUnlessReadOnly(
  node: string,
  request: EvidenceRequest,
  argv: readonly string[],
  origin: string,
  capturedAt?: string,
): Gathered | undefined {
  const asked = checkRequest(request)
  const verdict = asked.ok ? checkArgv(argv) : asked
  if (verdict.ok) return undefined
  return notGathered(
    node,
    request,
    'refused',
    origin,
    `refused by the read-only guard: ${verdict.reason}`,
    capturedAt ? {capturedAt} : {},
  )
}

/**
 * Check a playbook's command as written, before any substitution: the shape must be read-only and the
 * literal words must not carry shell syntax. Template slots (`{{ … }}`) stand for quoted data.
 */
export function checkPlaybookCommand(argv: readonly string[]): Verdict {
  for (const arg of argv) {
    const literal = arg.replaceAll(/\{\{.*?\}\}/g, 'x')
    if (SHELL_SYNTAX.test(literal) && !isPatternArgument(argv, arg)) {
      return no(
        `argument ${JSON.stringify(arg)} contains shell syntax; commands are argv lists, not shell lines`,
      )
    }
  }
  return checkArgv(argv.map((arg) => arg.replaceAll(/\{\{.*?\}\}/g, 'x')))
}

/** grep/journalctl patterns may contain `|` alternations; they are always sent quoted. */
function isPatternArgument(argv: readonly string[], arg: string): boolean {
  const program = basename(argv[0] ?? '')
  if (!['grep', 'zgrep', 'egrep', 'journalctl'].includes(program)) return false
  return !/[;&`<>\n\r\0]|\$\(|\$\{/.test(arg)
}

export function checkArgv(argv: readonly string[]): Verdict {
  if (argv.length === 0) return no('empty command')
  if (argv.some((arg) => arg.includes('\0'))) return no('an argument contains a NUL byte')
  const program = argv[0] ?? ''
  if (
    program.includes('/') &&
    !program.startsWith('/usr/') &&
    !program.startsWith('/bin/') &&
    !program.startsWith('/sbin/')
  ) {
    return no(`program ${program} is not a system binary`)
  }
  const rule = RULES[basename(program)]
  if (!rule) return no(`${basename(program)} is not on the read-only allowlist`)
  return rule(argv.slice(1))
}

export function checkReadablePath(path: string): Verdict {
  if (!path.startsWith('/')) return no(`path ${path} is not absolute`)
  if (path.split('/').includes('..')) return no(`path ${path} climbs out with ..`)
  if (!READABLE_ROOTS.some((root) => path.startsWith(root)))
    return no(`path ${path} is outside the readable roots`)
  if (/\/environ$|\/(shadow|gshadow)$|\/ssh\/ssh_host_.*key$|\.pem$|\/private\//.test(path))
    return no(`path ${path} holds secrets`)
  return OK
}

type Rule = (args: readonly string[]) => Verdict

const positional = (args: readonly string[]): string[] => args.filter((a) => !a.startsWith('-'))

/** `openstack <resource words…> list|show …`, plus the few other read-only verbs. */
const openstack: Rule = (args) => {
  const words: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? ''
    if (arg.startsWith('-')) {
      // Options that take a value: skip the value so it is not read as a resource word.
      if (!arg.includes('=') && OPENSTACK_VALUE_OPTIONS.has(arg)) i++
      continue
    }
    words.push(arg)
    const joined = words.join(' ')
    if (OPENSTACK_READ_VERBS.has(arg) && words.length >= 2) return OK
    if (OPENSTACK_READ_COMMANDS.has(joined)) return OK
    if (!/^[a-z][a-z0-9-]*$/.test(arg))
      return no(`openstack: "${arg}" is not a resource word before list/show`)
    if (OPENSTACK_MUTATING.has(arg)) return no(`openstack ${joined} changes the cloud`)
  }
  return no(`openstack ${words.join(' ')}: only list/show and read-only verbs are allowed`)
}
const OPENSTACK_READ_VERBS = new Set(['list', 'show'])
const OPENSTACK_READ_COMMANDS = new Set([
  'versions show',
  'module list',
  'limits show',
  'console log show',
  'console url show',
])
const OPENSTACK_MUTATING = new Set([
  'create',
  'delete',
  'set',
  'unset',
  'add',
  'remove',
  'reboot',
  'rebuild',
  'start',
  'stop',
  'pause',
  'unpause',
  'suspend',
  'resume',
  'migrate',
  'evacuate',
  'resize',
  'lock',
  'unlock',
  'rescue',
  'unrescue',
  'shelve',
  'unshelve',
  'restore',
  'save',
  'issue',
  'revoke',
  'purge',
  'cleanup',
  'abort',
  'confirm',
  'revert',
  'import',
  'export',
  'upload',
  'download',
  'attach',
  'detach',
  'extend',
  'retype',
  'transfer',
  'failover',
  'adopt',
  // Verbs that run something or change state without being named like it; `server ssh list` must not pass.
  'ssh',
  'execute',
  'run',
  'trigger',
  'apply',
  'recover',
  'reset',
  'enable',
  'disable',
  'cancel',
  'clear',
  'update',
  'manage',
  'unmanage',
  'abandon',
  'kill',
  'power',
  'deploy',
  'undeploy',
  'provide',
  'inspect',
  'clean',
  'force',
  'sync',
  'rotate',
  'scale',
  'promote',
  'demote',
  'shrink',
  'reconcile',
  'accept',
  'reject',
])
const OPENSTACK_VALUE_OPTIONS = new Set([
  '-f',
  '--format',
  '-c',
  '--column',
  '--os-cloud',
  '--os-region-name',
  '--os-compute-api-version',
  '--os-volume-api-version',
  '--os-network-api-version',
  '--os-interface',
  '--host',
  '--server',
  '--device-id',
  '--network',
  '--project',
  '--lines',
  '--sort-column',
  '--limit',
  '--marker',
  '--status',
  '--name',
  '--port',
  '--router',
  '--agent-type',
  '--service',
  '--binary',
  '--resource-provider',
  '--ingress',
  '--egress',
  '--protocol',
  '--user',
  '--since',
  '--changes-since',
  '--fixed-ip-address',
  '--floating-ip-address',
  '--mac-address',
  '--security-group',
  '--subnet',
  '--zone',
  '--type',
  '--long-help',
  '--max-width',
  '--fit-width',
])

/** ovs-vsctl read verbs. `--` would chain a second (maybe mutating) command, so it is refused. */
const ovsVsctl: Rule = (args) => {
  if (args.includes('--')) return no('ovs-vsctl: "--" chains commands; only one read verb is allowed')
  const verbs = positional(stripOptionValues(args, ['-t', '--timeout', '--db']))
  const verb = verbs[0]
  if (!verb) return no('ovs-vsctl: no verb')
  const allowed = [
    'show',
    'list',
    'get',
    'find',
    'list-br',
    'list-ports',
    'list-ifaces',
    'iface-to-br',
    'port-to-br',
    'br-to-vlan',
    'br-to-parent',
    'br-exists',
    'get-manager',
    'get-controller',
    'get-fail-mode',
  ]
  return allowed.includes(verb) ? OK : no(`ovs-vsctl ${verb} is not a read verb`)
}

const ovsOfctl: Rule = (args) => {
  const verb = positional(stripOptionValues(args, ['-O', '--protocols', '-t', '--timeout']))[0]
  const allowed = [
    'show',
    'dump-flows',
    'dump-aggregate',
    'dump-ports',
    'dump-ports-desc',
    'dump-tables',
    'dump-table-features',
    'dump-groups',
    'dump-group-stats',
    'dump-group-features',
    'dump-meters',
    'meter-stats',
    'queue-stats',
    'queue-get-config',
    'dump-tlv-map',
    'get-frags',
  ]
  return verb && allowed.includes(verb) ? OK : no(`ovs-ofctl ${verb ?? ''} is not a read verb`)
}

const ovsAppctl: Rule = (args) => {
  const verb = positional(stripOptionValues(args, ['-t', '--target', '-T', '--timeout']))[0]
  const allowed =
    /^(version|list-commands|coverage\/show|memory\/show|upcall\/show|dpif\/show|dpif\/dump-dps|dpif\/dump-flows|dpctl\/(show|dump-dps|dump-flows|dump-conntrack|ct-stats-show|ct-get-maxconns|ct-get-limits)|bond\/(list|show)|lacp\/(show|show-stats)|fdb\/(show|stats-show)|mdb\/show|ofproto\/(list|trace|list-tunnels)|ovs\/route\/show|tnl\/(arp\/show|ports\/show|neigh\/show)|bfd\/show|cfm\/show|dpif-netdev\/(pmd-stats-show|pmd-rxq-show|pmd-perf-show)|cluster\/status|connection-status|status|debug\/chassis-features-list)$/
  return verb && allowed.test(verb) ? OK : no(`ovs-appctl ${verb ?? ''} is not a read verb`)
}

const journalctl: Rule = (args) => {
  const bad = args.find(
    (a) =>
      /^(-f|--follow|--vacuum-|--rotate|--flush|--sync|--relinquish-var|--smart-relinquish-var|--setup-keys|--update-catalog|--new-id128|--cursor-file)/.test(
        a,
      ) || /^-[a-zA-Z]*f[a-zA-Z]*$/.test(a),
  )
  return bad ? no(`journalctl ${bad} is not read-only or never ends`) : OK
}

/**
 * Programs that read files: every operand is a path, and it must be absolute and readable. A relative
 * operand would resolve against the login directory (`cat .ssh/id_rsa` as root), so it is refused.
 */
const fileReader =
  (name: string, forbidden: RegExp = /^$/, valued: readonly string[] = []): Rule =>
  (args) => {
    const bad = args.find((a) => a.startsWith('-') && forbidden.test(a))
    if (bad) return no(`${name} ${bad} is not allowed (it would never end or would write)`)
    for (const path of positional(stripOptionValues(args, valued))) {
      const verdict = checkReadablePath(path)
      if (!verdict.ok) return verdict
    }
    return OK
  }

/** grep options that take a value (`-e PATTERN`, `-m 5`); `-f FILE` is a file and is checked as one. */
const GREP_VALUE_OPTIONS = [
  '-e',
  '--regexp',
  '-m',
  '--max-count',
  '-A',
  '-B',
  '-C',
  '--after-context',
  '--before-context',
  '--context',
  '--label',
  '--color',
  '--colour',
]

/**
 * grep: the pattern is data; every file operand must be absolute and readable. Recursion is refused:
 * `grep -r '' /etc/` would print /etc/shadow and host keys that a path check on `/etc/` cannot see.
 */
const grep: Rule = (args) => {
  let patternGiven = false
  const operands: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? ''
    if (arg === '-f' || arg === '--file') {
      operands.push(args[++i] ?? '')
      patternGiven = true
    } else if (arg.startsWith('--file=')) {
      operands.push(arg.slice('--file='.length))
      patternGiven = true
    } else if ((arg === '-d' && args[i + 1] === 'recurse') || arg === '-drecurse') {
      return no('grep -d recurse reads directories recursively, past the secret-file check')
    } else if (GREP_VALUE_OPTIONS.includes(arg)) {
      if (arg === '-e' || arg === '--regexp') patternGiven = true
      i++
    } else if (arg.startsWith('-')) {
      if (
        /^(-[a-zA-Z]*[rR]|--(recursive|dereference-recursive|directories=recurse|directories)$)/.test(arg) &&
        !/^-[a-zA-Z]*e/.test(arg.slice(0, arg.search(/[rR]/)))
      ) {
        return no(`grep ${arg} reads directories recursively, past the secret-file check`)
      }
      if (/^(-[a-zA-Z]*e.|--regexp=)/.test(arg)) patternGiven = true
    } else if (!patternGiven) {
      patternGiven = true
    } else {
      operands.push(arg)
    }
  }
  for (const path of operands) {
    const verdict = checkReadablePath(path)
    if (!verdict.ok) return verdict
  }
  return OK
}

/** `ip [opts] <object> [show|list|…]`; `ip netns exec <ns> <cmd>` recurses into <cmd>. */
const ip: Rule = (args) => {
  // -batch runs commands from a file; -force keeps going after errors in one.
  const batch = args.find((a) => /^-(b|ba|bat|batc|batch|force)$/.test(a))
  if (batch) return no(`ip ${batch} runs commands from a file`)
  const words = positional(args)
  const object = words[0]
  if (!object) return no('ip: no object')
  if (object === 'netns') {
    const verb = words[1]
    if (verb === undefined || verb === 'list' || verb === 'show' || verb === 'identify' || verb === 'pids')
      return OK
    if (verb === 'exec') {
      const at = args.indexOf('exec')
      const inner = args.slice(at + 2)
      return inner.length > 0 ? checkArgv(inner) : no('ip netns exec: no command')
    }
    return no(`ip netns ${verb} changes namespaces`)
  }
  if (
    !/^(link|l|addr|address|a|route|r|ro|neigh|neighbor|n|rule|ru|maddr|tunnel|-?br|tuntap|xfrm|monitor)$/.test(
      object,
    )
  ) {
    return no(`ip ${object} is not a read object`)
  }
  const verb = words[1]
  if (object === 'monitor') return no('ip monitor never ends')
  if (
    verb === undefined ||
    verb === 'show' ||
    verb === 'list' ||
    verb === 'ls' ||
    verb === 'get' ||
    verb === 'lst'
  )
    return OK
  if (['dev', 'table', 'to', 'type', 'scope'].includes(verb)) return OK
  return no(`ip ${object} ${verb} is not a read verb`)
}

const mysql: Rule = (args) => {
  const statements: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? ''
    if (arg === '-e' || arg === '--execute') statements.push(args[++i] ?? '')
    else if (arg.startsWith('--execute=')) statements.push(arg.slice('--execute='.length))
    else if (arg.startsWith('-e') && arg.length > 2) statements.push(arg.slice(2))
    else if (
      /^(--(init-command|init_command|plugin-dir|load-data-local-dir|local-infile|tee|pager|system-command)|-T$)/.test(
        arg,
      )
    )
      return no(`mysql ${arg} is not allowed`)
  }
  if (statements.length !== 1) return no('mysql needs exactly one -e "SHOW …" statement')
  const sql = statements[0] ?? ''
  return /^\s*SHOW\s+(GLOBAL\s+|SESSION\s+)?(STATUS|VARIABLES|PROCESSLIST|FULL\s+PROCESSLIST|DATABASES|ENGINE\s+INNODB\s+STATUS|SLAVE\s+STATUS|REPLICA\s+STATUS|MASTER\s+STATUS)(\s+(LIKE|WHERE)\s+[^;]*)?;?\s*$/i.test(
    sql,
  )
    ? OK
    : no(`mysql statement ${JSON.stringify(sql.slice(0, 60))} is not a SHOW statement`)
}

const rabbitmqctl: Rule = (args) => {
  const verb = positional(stripOptionValues(args, ['-n', '--node', '-p', '--vhost', '-t', '--timeout']))[0]
  if (!verb) return no('rabbitmqctl: no verb')
  return /^(list_[a-z_]+|cluster_status|status|report|node_health_check)$/.test(verb)
    ? OK
    : no(`rabbitmqctl ${verb} is not a read verb`)
}

const rabbitmqDiagnostics: Rule = (args) => {
  const verb = positional(stripOptionValues(args, ['-n', '--node', '-t', '--timeout']))[0]
  return verb &&
    /^(alarms|status|cluster_status|memory_breakdown|listeners|ping|check_[a-z_]+|list_network_interfaces|erlang_version|server_version|maybe_stuck|log_tail)$/.test(
      verb,
    )
    ? OK
    : no(`rabbitmq-diagnostics ${verb ?? ''} is not a read verb`)
}

const systemctl: Rule = (args) => {
  const verb = positional(args)[0]
  return verb &&
    [
      'status',
      'is-active',
      'is-enabled',
      'is-failed',
      'list-units',
      'list-unit-files',
      'show',
      'list-timers',
      'cat',
      'list-dependencies',
    ].includes(verb)
    ? OK
    : no(`systemctl ${verb ?? ''} is not a read verb`)
}

const virsh: Rule = (args) => {
  const verb = positional(stripOptionValues(args, ['-c', '--connect']))[0]
  return verb &&
    [
      'list',
      'dominfo',
      'domstate',
      'domiflist',
      'domifstat',
      'domblklist',
      'domblkstat',
      'dumpxml',
      'capabilities',
      'nodeinfo',
      'version',
      'net-list',
      'pool-list',
      'vol-list',
      'domstats',
      'nodememstats',
      'nodecpustats',
    ].includes(verb)
    ? OK
    : no(`virsh ${verb ?? ''} is not a read verb`)
}

const ping: Rule = (args) => {
  const count = args.indexOf('-c')
  const n = Number(args[count + 1])
  return count >= 0 && Number.isInteger(n) && n >= 1 && n <= 10
    ? OK
    : no('ping needs -c with a count from 1 to 10')
}

const withForbidden =
  (name: string, forbidden: RegExp): Rule =>
  (args) => {
    const bad = args.find((a) => forbidden.test(a))
    return bad ? no(`${name} ${bad} is not read-only`) : OK
  }

const anyArgs: Rule = () => OK

const RULES: Record<string, Rule> = {
  openstack,
  'nova-manage': (args) =>
    /^cell_v2 (list_cells|list_hosts)$|^db version$|^api_db version$/.test(
      positional(args).slice(0, 2).join(' '),
    )
      ? OK
      : no('nova-manage: only cell_v2 list_cells/list_hosts and db version'),
  'nova-status': (args) =>
    positional(args).join(' ') === 'upgrade check' ? OK : no('nova-status: only upgrade check'),
  'cinder-manage': (args) =>
    positional(args).slice(0, 2).join(' ') === 'service list' ? OK : no('cinder-manage: only service list'),
  'ovs-vsctl': ovsVsctl,
  'ovs-ofctl': ovsOfctl,
  'ovs-appctl': ovsAppctl,
  'ovn-appctl': ovsAppctl,
  'ovs-dpctl': (args) =>
    /^(show|dump-flows|dump-dps)$/.test(positional(args)[0] ?? '')
      ? OK
      : no('ovs-dpctl: only show/dump-flows/dump-dps'),
  'ovn-nbctl': (args) =>
    /^(show|list|get|find|ls-list|lr-list|lsp-list|lrp-list|acl-list)$/.test(
      positional(stripOptionValues(args, ['--db', '-t', '--timeout']))[0] ?? '',
    ) && !args.includes('--')
      ? OK
      : no('ovn-nbctl: only read verbs'),
  'ovn-sbctl': (args) =>
    /^(show|list|get|find|lflow-list|dump-flows)$/.test(
      positional(stripOptionValues(args, ['--db', '-t', '--timeout']))[0] ?? '',
    ) && !args.includes('--')
      ? OK
      : no('ovn-sbctl: only read verbs'),
  journalctl,
  cat: fileReader('cat'),
  head: fileReader('head', /^$/, ['-n', '-c', '--lines', '--bytes']),
  tail: fileReader('tail', /^(-f|-F|--follow|--retry|-s|--sleep-interval|--pid)|^-[0-9]*f$/, [
    '-n',
    '-c',
    '--lines',
    '--bytes',
  ]),
  zcat: fileReader('zcat'),
  xzcat: fileReader('xzcat'),
  wc: fileReader('wc'),
  stat: fileReader('stat', /^$/, ['-c', '--format', '--printf']),
  ls: fileReader('ls'),
  grep,
  zgrep: grep,
  egrep: grep,
  ip,
  // ss -K closes the sockets it lists.
  ss: withForbidden('ss', /^(-K|--kill|-[a-zA-Z]*K[a-zA-Z]*)$/),
  netstat: anyArgs,
  ps: anyArgs,
  df: anyArgs,
  free: anyArgs,
  uptime: anyArgs,
  hostname: (args) => (positional(args).length === 0 ? OK : no('hostname with an argument sets the name')),
  uname: anyArgs,
  date: (args) =>
    args.every((a) => a.startsWith('+') || /^(-u|--utc|-R|-I\w*|--iso-8601(=\w+)?|--rfc-3339=\w+)$/.test(a))
      ? OK
      : no('date: only display options'),
  nproc: anyArgs,
  lscpu: anyArgs,
  lsblk: anyArgs,
  vmstat: anyArgs,
  iostat: anyArgs,
  mpstat: anyArgs,
  pidstat: anyArgs,
  sar: withForbidden('sar', /^-o$/),
  chronyc: (args) =>
    /^(tracking|sources|sourcestats|activity)$/.test(positional(args)[0] ?? '')
      ? OK
      : no('chronyc: only tracking/sources/sourcestats/activity'),
  timedatectl: (args) =>
    positional(args).length === 0 || ['status', 'show', 'timesync-status'].includes(positional(args)[0] ?? '')
      ? OK
      : no('timedatectl: only status/show'),
  dmesg: withForbidden(
    'dmesg',
    /^(-c|-C|--clear|--read-clear|-n|--console-level|-D|--console-off|-E|--console-on|-w|--follow|-W|--follow-new)$/,
  ),
  ethtool: (args) =>
    args.length === 1 ||
    (args.length === 2 &&
      /^(-S|--statistics|-i|--driver|-k|--show-features|-g|--show-ring|-a|--show-pause|-c|--show-coalesce|-l|--show-channels|-m|--module-info|-T|--show-time-stamping)$/.test(
        args[0] ?? '',
      ))
      ? OK
      : no('ethtool: only show options'),
  mysql,
  mariadb: mysql,
  mysqladmin: (args) =>
    /^(status|extended-status|processlist|variables|version|ping)$/.test(positional(args)[0] ?? '')
      ? OK
      : no('mysqladmin: only status/extended-status/processlist/variables/version/ping'),
  rabbitmqctl,
  'rabbitmq-diagnostics': rabbitmqDiagnostics,
  systemctl,
  virsh,
  ping,
}

function stripOptionValues(args: readonly string[], valued: readonly string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? ''
    if (valued.includes(arg)) {
      i++
      continue
    }
    out.push(arg)
  }
  return out
}

function basename(program: string): string {
  return program.slice(program.lastIndexOf('/') + 1)
}

/** Every program name the guard knows, for docs and tests. */
export const ALLOWED_PROGRAMS: readonly string[] = Object.keys(RULES)
