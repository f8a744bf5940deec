/**
 * RabbitMQ questions sos never asks, answered from the `rabbitmqctl report` its rabbitmq plugin saves (sos
 * 4.0 runs nothing else). The report prints `rabbitmqctl status` and `cluster_status` in full, then lists
 * connections, channels, queues, exchanges… per vhost with every column. What is taken from it is captured
 * lines or cells, never new values. Pure.
 *
 * - `rabbitmq-diagnostics alarms`: since RabbitMQ 3.8 status and cluster status each have an "Alarms"
 *   section made by the same rabbitmq-cli function as the `alarms` command's output (`alarm_lines`:
 *   "Memory alarm on node rabbit@x", "Free disk space alarm on node rabbit@x", …), or "(none)".
 * - `rabbitmqctl list_queues <columns>`: the report's "Listing queues for vhost / ..." table holds every
 *   queue info item; the asked columns are picked out of it, under the same tab-separated header.
 */

/** CSI sequences such as ESC[1m … ESC[0m, which rabbitmqctl prints around section titles. */
const ANSI_ESCAPE = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g')

/** Options of rabbitmq-diagnostics that change only how much it prints. */
const QUIET_OPTIONS = new Set(['-q', '--quiet', '-s', '--silent'])

/** `rabbitmq-diagnostics [-q] alarms`: the one question the report's Alarms sections answer. */
export function isAlarmsRequest(argv: readonly string[]): boolean {
  const program = (argv[0] ?? '').replace(/^.*\//, '')
  if (program !== 'rabbitmq-diagnostics') return false
  const rest = argv.slice(1).filter((arg) => !QUIET_OPTIONS.has(arg))
  return rest.length === 1 && rest[0] === 'alarms'
}

/** Text picked out of the report, or why it cannot be. */
export type ReportPick =
  {readonly ok: true; readonly text: string} | {readonly ok: false; readonly reason: string}

/**
 * The alarm lines of every "Alarms" section of a `rabbitmqctl report` (status: this node's; cluster
 * status: the cluster's), each line once, without the terminal's bold escapes. "(none)" only when no
 * section lists an alarm.
 */
export function alarmLinesOfReport(reportText: string): ReportPick {
  const lines = reportText.replaceAll(ANSI_ESCAPE, '').replace(/\r\n/g, '\n').split('\n')
  const sections: string[][] = []
  lines.forEach((line, i) => {
    if (line.trim() !== 'Alarms') return
    let at = i + 1
    while (at < lines.length && (lines[at] ?? '').trim() === '') at++
    const body: string[] = []
    for (; at < lines.length && (lines[at] ?? '').trim() !== ''; at++) body.push((lines[at] ?? '').trim())
    sections.push(body)
  })
  if (sections.length === 0) {
    return {
      ok: false,
      reason:
        'it has no Alarms section (RabbitMQ before 3.8 prints its report as Erlang terms, which this does not read)',
    }
  }
  const alarms = [...new Set(sections.flat().filter((line) => line !== '(none)'))]
  return {ok: true, text: `${alarms.length > 0 ? alarms.join('\n') : '(none)'}\n`}
}

/** A list_queues info item: name, messages, consumers, messages_unacknowledged, … */
const LIST_QUEUES_COLUMN = /^[a-z_]+$/

/**
 * The columns `rabbitmqctl [-q] list_queues [column…]` asks for (rabbitmqctl's default: name, messages),
 * or null for any other command or option (another vhost, --local, --offline…), which the report cannot
 * answer the same way.
 */
export function listQueuesColumns(argv: readonly string[]): string[] | null {
  const program = (argv[0] ?? '').replace(/^.*\//, '')
  if (program !== 'rabbitmqctl') return null
  const rest = argv.slice(1).filter((arg) => !QUIET_OPTIONS.has(arg))
  if (rest[0] !== 'list_queues') return null
  const columns = rest.slice(1)
  if (!columns.every((column) => LIST_QUEUES_COLUMN.test(column))) return null
  return columns.length > 0 ? columns : ['name', 'messages']
}

/**
 * The queues of vhost "/" from a `rabbitmqctl report`, as `list_queues` prints them with `columns`: a
 * header row, then one tab-separated row per queue, each cell copied from the report's full table.
 */
export function queuesOfReport(reportText: string, columns: readonly string[]): ReportPick {
  const lines = reportText.replace(/\r\n/g, '\n').split('\n')
  const start = lines.findIndex((line) => line.trim() === 'Listing queues for vhost / ...')
  if (start === -1)
    return {ok: false, reason: 'it lists no queues of vhost / ("Listing queues for vhost / ..." is absent)'}
  const header = (lines[start + 1] ?? '').split('\t')
  const missing = columns.filter((column) => !header.includes(column))
  if (missing.length > 0) return {ok: false, reason: `its queue listing has no ${missing.join(', ')} column`}
  const picks = columns.map((column) => header.indexOf(column))
  const rows: string[] = [columns.join('\t')]
  for (const line of lines.slice(start + 2)) {
    if (line.trim() === '') break
    const cells = line.split('\t')
    if (cells.length !== header.length)
      return {
        ok: false,
        reason: `a row of its queue listing has ${cells.length} cells, not ${header.length}: ${line.slice(0, 120)}`,
      }
    rows.push(picks.map((at) => cells[at] ?? '').join('\t'))
  }
  return {ok: true, text: `${rows.join('\n')}\n`}
}
