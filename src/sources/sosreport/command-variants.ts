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

/** Candidate argvs to look for, best first. The request itself always comes first. */
export function sosVariants(argv: readonly string[]): readonly (readonly string[])[] {
  const program = basename(argv[0] ?? '')
  const normalized = [program, ...argv.slice(1)]
  const out: string[][] = [normalized]
  if (program === 'ovs-vsctl' && !argv.includes('-t') && !argv.some((arg) => arg.startsWith('--timeout'))) {
    // openvswitch plugin: every ovs-vsctl call carries "-t 5".
    out.push(['ovs-vsctl', '-t', '5', ...argv.slice(1)])
  }
  if (program === 'openstack') {
    const table = withoutFormatOptions(normalized)
    out.push(table)
    const extras = SOS_OPENSTACK_EXTRAS.get(table.slice(1).join(' '))
    if (extras) out.push([...table, ...extras])
  }
  return dedupe(out)
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

function dedupe(argvs: string[][]): string[][] {
  const seen = new Set<string>()
  return argvs.filter((argv) => {
    const key = JSON.stringify(argv)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
