/**
 * The same question, asked the way sos asks it. Playbooks ask for `ovs-vsctl show` or
 * `openstack server list -f json`; sos ran `ovs-vsctl -t 5 show` and `openstack server list --all-projects`
 * (table format). This is the small, documented table of those differences.
 */

/** Options that only change how the openstack client prints: sos always captured its default table. */
const OPENSTACK_FORMAT_OPTIONS_WITH_VALUE = new Set([
  '-f',
  '--format',
  '-c',
  '--column',
  '--sort-column',
  '--sort-ascending',
  '--max-width',
])
const OPENSTACK_FORMAT_FLAGS = new Set(['--noindent', '--fit-width', '--print-empty', '--quote'])

/**
 * `openstack …` commands that sos runs with extra options (sos/report/plugins/openstack_*.py).
 * Key: the subcommand words after `openstack`; value: what sos appends.
 */
const SOS_OPENSTACK_EXTRAS: ReadonlyMap<string, readonly string[]> = new Map([
  ['server list', ['--all-projects']], // openstack_nova (sos >= 4.1)
  ['flavor list', ['--long']], // openstack_nova
  ['image list', ['--long']], // openstack_glance
  ['baremetal node list', ['--long']], // openstack_ironic
])

/**
 * sos 4.0 (Debian bookworm's sosreport 4.0-2) asked nova through the legacy `nova` client, not `openstack`:
 * openstack_nova.py runs `nova service-list`, `nova list --all-tenants`, `nova hypervisor-list`.
 * Key: the subcommand words after `openstack`, with --all-projects/--long removed.
 */
const SOS_NOVA_CLIENT: ReadonlyMap<string, {argv: readonly string[]; note: string}> = new Map([
  [
    'server list',
    {
      argv: ['nova', 'list', '--all-tenants'],
      note: 'sos 4.0 saved `nova list --all-tenants` instead: all projects, columns ID, Name, Tenant ID, Status, Task State, Power State, Networks (no Host)',
    },
  ],
  [
    'compute service list',
    {
      argv: ['nova', 'service-list'],
      note: "sos 4.0 saved `nova service-list` instead: the same services, nova's column names",
    },
  ],
  [
    'hypervisor list',
    {
      argv: ['nova', 'hypervisor-list'],
      note: "sos 4.0 saved `nova hypervisor-list` instead: the same hypervisors, nova's column names",
    },
  ],
])

/** Columns `--long` adds to a list, per subcommand (python-openstackclient 6): what a variant without it lacks. */
const LONG_ONLY_COLUMNS: ReadonlyMap<string, string> = new Map([
  ['server list', 'Host, Task State, Power State, Availability Zone, Image ID, Flavor ID, Properties'],
  ['port list', 'Security Groups, Device Owner, Tags'],
  ['floating ip list', 'Router, Status, Description, Tags'],
  ['security group rule list', 'Direction, Ethertype'],
  ['network list', 'Status, Project, State, Shared, Network Type, Router Type, Availability Zones, Tags'],
])

/** One way sos may have spelled a request, and what that spelling loses (null: nothing). */
export interface SosSpelling {
  readonly argv: readonly string[]
  readonly note: string | null
}

/** Candidate argvs to look for, best first. The request itself always comes first. */
export function sosVariants(argv: readonly string[]): readonly (readonly string[])[] {
  return sosSpellings(argv).map((spelling) => spelling.argv)
}

/**
 * Candidate spellings, best first, each with a note saying how the output differs from what was asked
 * (fewer columns, another client). Format options are never noted: the parsers read tables and JSON alike.
 */
export function sosSpellings(argv: readonly string[]): readonly SosSpelling[] {
  const program = basename(argv[0] ?? '')
  const normalized = [program, ...argv.slice(1)]
  const out: SosSpelling[] = [{argv: normalized, note: null}]
  if (program === 'ovs-vsctl' && !argv.includes('-t') && !argv.some((arg) => arg.startsWith('--timeout'))) {
    // openvswitch plugin: every ovs-vsctl call carries "-t 5".
    out.push({argv: ['ovs-vsctl', '-t', '5', ...argv.slice(1)], note: null})
  }
  const listed = ovsVsctlListAsSosRanIt(argv)
  if (program === 'ovs-vsctl' && listed) {
    out.push({
      argv: listed,
      note: "sos saved the whole table in ovs-vsctl's text format (every column); it is read the same way",
    })
  }
  if (program === 'rabbitmqctl' && argv.length === 2 && argv[1] === 'status') {
    // rabbitmq plugin: `rabbitmqctl report` runs `status` first and prints it verbatim, then more sections.
    out.push({
      argv: ['rabbitmqctl', 'report'],
      note: 'sos saved `rabbitmqctl report`, which opens with this status and goes on with cluster, queue and connection sections',
    })
  }
  const df = dfAsSosRanIt(argv)
  if (program === 'df' && df) out.push(df)
  if (program === 'openstack') {
    const table = withoutFormatOptions(normalized)
    out.push({argv: table, note: null})
    const subcommand = table
      .slice(1)
      .filter((arg) => !arg.startsWith('-'))
      .join(' ')
    const long = table.includes('--long')
    const plain = table.filter((arg) => arg !== '--long')
    const lost = long ? LONG_ONLY_COLUMNS.get(subcommand) : undefined
    const withoutLong = long
      ? `sos ran it without --long${lost ? ` (no ${lost} columns)` : ' (fewer columns)'}`
      : null
    if (long) out.push({argv: plain, note: withoutLong})
    const extras = SOS_OPENSTACK_EXTRAS.get(plain.slice(1).join(' ')) ?? SOS_OPENSTACK_EXTRAS.get(subcommand)
    if (extras && onlyListScopeOptions(plain)) {
      const bare = plain.filter((arg) => !extras.includes(arg))
      out.push({argv: [...bare, ...extras], note: withoutLong})
    }
    const nova = SOS_NOVA_CLIENT.get(subcommand)
    if (nova && onlyListScopeOptions(plain)) out.push({argv: nova.argv, note: nova.note})
  }
  return dedupe(out)
}

/** `--all-projects` and `--long` only widen a list; any other option (a filter) changes which rows it has. */
function onlyListScopeOptions(argv: readonly string[]): boolean {
  return argv.slice(1).every((arg) => !arg.startsWith('-') || arg === '--all-projects' || arg === '--long')
}

/** Drop `-f json`, `--format=json`, `-c Name` and the like. */
export function withoutFormatOptions(argv: readonly string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    const flag = arg.split('=')[0] ?? arg
    if (OPENSTACK_FORMAT_OPTIONS_WITH_VALUE.has(flag)) {
      if (!arg.includes('=')) i++
      continue
    }
    if (/^-[fc]\S+$/.test(arg) && !arg.startsWith('--')) continue // -fjson, -cID
    if (OPENSTACK_FORMAT_FLAGS.has(flag)) continue
    out.push(arg)
  }
  return out
}

function basename(program: string): string {
  return program.replace(/^\/(?:usr\/)?s?bin\//, '')
}

function dedupe(spellings: SosSpelling[]): SosSpelling[] {
  const seen = new Set<string>()
  return spellings.filter((spelling) => {
    const key = JSON.stringify(spelling.argv)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/**
 * `ovs-vsctl --format=json --columns=… list Interface` as the openvswitch plugin ran it: `ovs-vsctl -t 5 list
 * interface` — default text format, every column, the table name in lower case. Null for anything else.
 */
function ovsVsctlListAsSosRanIt(argv: readonly string[]): string[] | null {
  const words = argv
    .slice(1)
    .filter((arg) => !/^--(format|columns)=/.test(arg) && !/^(-t|--timeout=)/.test(arg))
  if (words.length !== 2 || words[0] !== 'list' || !/^[A-Za-z_]+$/.test(words[1] ?? '')) return null
  if (words.length === argv.length - 1) return null // nothing to drop: the plain spellings already cover it
  return ['ovs-vsctl', '-t', '5', 'list', (words[1] ?? '').toLowerCase()]
}

/** df options that only pick the POSIX layout, 1K blocks or inodes: what sos's two df runs can answer. */
const DF_LAYOUT_OPTIONS = /^-(?:[Pki]+)$|^--(?:portability|inodes)$/

/**
 * `df -P` (or `df -Pi`) as the filesys plugin ran it: `df -al -x autofs` (`df -ali -x autofs`). The same
 * six columns in the same order, so a reader of df -P reads it alike; null for other df options (-h, -T,
 * a path) whose output sos has no equivalent of.
 */
function dfAsSosRanIt(argv: readonly string[]): SosSpelling | null {
  const options = argv.slice(1)
  if (!options.every((arg) => DF_LAYOUT_OPTIONS.test(arg))) return null
  const inodes = options.some((arg) => arg === '--inodes' || (!arg.startsWith('--') && arg.includes('i')))
  return inodes
    ? {
        argv: ['df', '-ali', '-x', 'autofs'],
        note: 'sos saved `df -ali -x autofs`: every mount (pseudo and bind-mounted ones too), headers Inodes and IUse%',
      }
    : {
        argv: ['df', '-al', '-x', 'autofs'],
        note: 'sos saved `df -al -x autofs`: every mount (pseudo and bind-mounted ones too), headers 1K-blocks and Use%',
      }
}
