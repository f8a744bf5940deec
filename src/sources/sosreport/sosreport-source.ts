/**
 * Evidence from sosreports: one per node, as directories or archives. Answers the same requests a live
 * node would, by finding where sos put the file or the command's output.
 */
import {readdir, stat} from 'node:fs/promises'
import {join} from 'node:path'

import {redactSecrets} from '../../collect/redact.js'
import {InputError} from '../../model/errors.js'
import {
  API_NODE,
  type CommandRequest,
  describeRequest,
  notGathered,
  type EvidenceRequest,
  type FileRequest,
  type Gathered,
} from '../../model/evidence.js'
import type {NodeRef} from '../../model/node.js'
import {contentRoot, type ExtractedArchive, extractArchive, looksLikeArchiveName} from '../../util/archive.js'
import type {EvidenceSource} from '../source.js'
import {findServer, portRowsOfServer} from './api-derivations.js'
import {withoutFormatOptions} from './command-variants.js'
import {
  alarmLinesOfReport,
  isAlarmsRequest,
  listQueuesColumns,
  queuesOfReport,
  type ReportPick,
} from './rabbitmq-report.js'
import {hasApiOutput, whyCommandIsMissing, whyFileIsMissing, whySosNeverAsked} from './sos-coverage.js'
import {
  isDanglingLink,
  isSosReportDir,
  loadSosReport,
  locateCommand,
  locateSystemJournal,
  locateUnitJournal,
  readReportText,
  type SosReport,
} from './sos-report.js'

/** Per-item output cap, as for live sources: enough for a day of a busy service log's tail. */
export const SOS_OUTPUT_CAP_BYTES = 16 * 1024 * 1024

interface Opened {
  readonly reports: ReadonlyMap<string, SosReport>
  readonly extracted: readonly ExtractedArchive[]
}

/**
 * Open `path`: a sosreport directory or archive, or a directory holding several (one per node, archives
 * or extracted directories). Throws InputError when nothing there is a sosreport.
 */
export async function openSosreports(path: string): Promise<EvidenceSource> {
  const extracted: ExtractedArchive[] = []
  try {
    const roots = await findReportRoots(path, extracted)
    if (roots.length === 0) {
      throw new InputError(
        path,
        'no sosreport found: expected a sosreport directory or archive (with sos_commands/ or version.txt and sos_reports/), or a directory of them',
      )
    }
    const reports = new Map<string, SosReport>()
    for (const root of roots) {
      const report = await loadSosReport(root)
      reports.set(uniqueName(report.hostname, reports), report)
    }
    return new SosreportSource(path, {reports, extracted})
  } catch (error) {
    await Promise.all(extracted.map((archive) => archive.cleanup()))
    throw error
  }
}

async function findReportRoots(path: string, extracted: ExtractedArchive[]): Promise<string[]> {
  const info = await stat(path).catch(() => null)
  if (info === null) throw new InputError(path, 'no such file or directory')
  if (info.isFile()) {
    const root = await reportInArchive(path, extracted)
    if (root === null)
      throw new InputError(
        path,
        'this archive holds no sosreport (no sos_commands/, or version.txt and sos_reports/)',
      )
    return [root]
  }
  if (await isSosReportDir(path)) return [path]
  const wrapped = await contentRoot(path)
  if (wrapped !== path && (await isSosReportDir(wrapped))) return [wrapped]

  // A case directory: every child that is a sosreport, extracted or not.
  const roots: string[] = []
  for (const entry of (await readdir(path, {withFileTypes: true})).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const child = join(path, entry.name)
    if (entry.isDirectory()) {
      if (await isSosReportDir(child)) roots.push(child)
      else if (await isSosReportDir(await contentRoot(child))) roots.push(await contentRoot(child))
    } else if (entry.isFile() && looksLikeArchiveName(entry.name)) {
      const root = await reportInArchive(child, extracted)
      if (root !== null) roots.push(root)
    }
  }
  return roots
}

async function reportInArchive(archive: string, extracted: ExtractedArchive[]): Promise<string | null> {
  const unpacked = await extractArchive(archive)
  extracted.push(unpacked)
  const root = await contentRoot(unpacked.dir)
  return (await isSosReportDir(root)) ? root : null
}

/** Two reports from the same host (before and after a fix): keep both, the second as host#2. */
function uniqueName(hostname: string, taken: ReadonlyMap<string, unknown>): string {
  if (!taken.has(hostname)) return hostname
  let n = 2
  while (taken.has(`${hostname}#${n}`)) n++
  return `${hostname}#${n}`
}

class SosreportSource implements EvidenceSource {
  readonly kind = 'sosreport' as const
  readonly description: string

  constructor(
    private readonly path: string,
    private readonly opened: Opened,
  ) {
    const names = [...opened.reports.keys()]
    this.description =
      names.length === 1
        ? `sosreport: 1 node (${names[0] ?? ''}) from ${path}`
        : `sosreports: ${names.length} nodes from ${path}`
  }

  nodes(): Promise<readonly NodeRef[]> {
    return Promise.resolve([...this.opened.reports].map(([name, report]) => ({name, roles: report.roles})))
  }

  async gather(node: string, request: EvidenceRequest): Promise<Gathered> {
    if (node === API_NODE && !this.opened.reports.has(API_NODE)) return this.gatherApi(request)
    const report = this.opened.reports.get(node)
    if (!report) {
      return notCollected(
        node,
        request,
        `no sosreport for node ${node} in ${this.path}; reports cover: ${[...this.opened.reports.keys()].join(', ')}`,
      )
    }
    return request.kind === 'file' ? gatherFile(node, report, request) : gatherCommand(node, report, request)
  }

  /** `openstack …` output exists only in reports whose operator had OS_* set: use whichever has it. */
  private async gatherApi(request: EvidenceRequest): Promise<Gathered> {
    if (request.kind === 'command') {
      for (const [name, report] of this.opened.reports) {
        const gathered = await gatherCommand(API_NODE, report, request, name)
        if (gathered.status !== 'not-collected') return gathered
      }
      const derived = await this.deriveApi(request)
      if (derived) return derived
    }
    return notCollected(API_NODE, request, this.whyNoApi(request))
  }

  /**
   * Questions sos never asked in this form but whose answer its outputs hold: a server show asked by
   * name (sos saved it by ID), and the ports of one server (rows of sos's full port list).
   */
  private async deriveApi(request: CommandRequest): Promise<Gathered | null> {
    const argv = withoutFormatOptions(request.argv)
    const [program, noun, verb, ...rest] = argv
    if (program !== 'openstack') return null
    if (noun === 'server' && verb === 'show' && rest.length === 1 && !rest[0]?.startsWith('-'))
      return this.serverShowByName(request, rest[0] ?? '')
    const serverFlag = rest.indexOf('--server')
    const others = rest.filter((arg, i) => i !== serverFlag && i !== serverFlag + 1 && arg !== '--long')
    if (noun === 'port' && verb === 'list' && serverFlag !== -1 && others.length === 0)
      return this.portsOfServer(request, rest[serverFlag + 1] ?? '', rest.includes('--long'))
    return null
  }

  private async serverShowByName(request: CommandRequest, nameOrId: string): Promise<Gathered | null> {
    const list = await this.readApi(['openstack', 'server', 'list', '--all-projects'])
    if (!list) return null
    const found = findServer(list.text, nameOrId)
    if (!found.ok) return notCollected(API_NODE, request, `${found.reason} (${list.where})`)
    const id = found.value.id ?? ''
    const show = await this.readApi(['openstack', 'server', 'show', id], `instance-${id}.log`)
    if (!show) {
      return notCollected(
        API_NODE,
        request,
        `sos saved no \`openstack server show\` for ${nameOrId} (${id}, listed in ${list.where}): ${
          this.timeouts() ??
          'sos 4.0 shows only the servers of the project its OS_* credentials name (it lists them without --all-projects)'
        }; run \`${describeRequest(request)}\` against the cloud`,
      )
    }
    const resolved = id === nameOrId ? '' : `; ${nameOrId} is ${id} in ${list.rel}`
    return ok(
      API_NODE,
      request,
      show.report,
      show.text,
      `${show.rel} (openstack server show ${id}${resolved})`,
      show.truncated,
      0,
      0,
    )
  }

  private async portsOfServer(
    request: CommandRequest,
    nameOrId: string,
    long: boolean,
  ): Promise<Gathered | null> {
    const ports = await this.readApi(['openstack', 'port', 'list'])
    const list = await this.readApi(['openstack', 'server', 'list', '--all-projects'])
    const networks = await this.readApi(['openstack', 'network', 'list'])
    if (!ports || !list || !networks) return null
    const server = findServer(list.text, nameOrId)
    if (!server.ok) return notCollected(API_NODE, request, `${server.reason} (${list.where})`)
    const rows = portRowsOfServer(ports.text, networks.text, server.value)
    if (!rows.ok) {
      return notCollected(
        API_NODE,
        request,
        `sos has no \`openstack port list --server\`, and the server's ports cannot be derived from its port list: ${rows.reason}`,
      )
    }
    const lost = long ? '; without --long: no Security Groups, Device Owner, Tags columns' : ''
    return ok(
      API_NODE,
      request,
      ports.report,
      rows.value.text,
      `${ports.rel} (derived: the ${rows.value.ports} row(s) holding the addresses ${list.rel} gives server ${server.value.id ?? nameOrId}, on subnets of its networks in ${networks.rel}; sos has no port list --server${lost})`,
      ports.truncated,
      0,
      0,
    )
  }

  /** The first report holding sos's output of `argv` (or a file named `fileName`) that ran cleanly. */
  private async readApi(
    argv: readonly string[],
    fileName?: string,
  ): Promise<{report: SosReport; text: string; rel: string; where: string; truncated: boolean} | null> {
    for (const [name, report] of this.opened.reports) {
      const location = locateCommand(report, argv)
      const rel = location.found
        ? location.returnCode === 0 || location.returnCode === null
          ? location.relPath
          : null
        : fileName
          ? (report.commandFiles.get(fileName)?.[0] ?? null)
          : null
      if (!rel) continue
      const read = await readReportText(report, rel, SOS_OUTPUT_CAP_BYTES)
      if (read)
        return {report, text: read.text, rel, where: `sosreport ${name}:${rel}`, truncated: read.truncated}
    }
    return null
  }

  /** Why no sosreport answers an API request, as precisely as the reports allow. */
  private whyNoApi(request: EvidenceRequest): string {
    const what = `\`${describeRequest(request)}\``
    const withApi = [...this.opened.reports]
      .filter(([, report]) => hasApiOutput(report.commandFiles.keys()))
      .map(([name]) => name)
    if (withApi.length === 0) {
      return `none of the sosreports contains ${what}; sos only runs openstack commands when OS_* credentials are set, so run it against the cloud`
    }
    const only40 = withApi.every(
      (name) => this.opened.reports.get(name)?.sosVersion?.startsWith('4.0') ?? false,
    )
    const never =
      request.kind === 'command' && only40 ? whySosNeverAsked(withoutFormatOptions(request.argv)) : null
    const ran = `sos ran with OS_* credentials on ${withApi.join(', ')}`
    if (never) return `not in the sosreports (${ran}): ${never}; run ${what} against the cloud`
    const cut = this.timeouts()
    return `not in the sosreports (${ran}, yet none of them contains ${what}${cut ? `: ${cut}` : ''}); run it against the cloud`
  }

  /** "sos's openstack_nova plugin on controller-0 hit --plugin-timeout …", or null. */
  private timeouts(): string | null {
    const cut = [...this.opened.reports].flatMap(([name, report]) =>
      [...report.timedOutPlugins]
        .filter((plugin) => plugin.startsWith('openstack_'))
        .map((plugin) => `${plugin} on ${name}`),
    )
    return cut.length === 0
      ? null
      : `sos stopped ${cut.join(', ')} at its --plugin-timeout, so the commands it had not run yet are absent`
  }

  async close(): Promise<void> {
    await Promise.all(this.opened.extracted.map((archive) => archive.cleanup()))
  }
}

async function gatherFile(node: string, report: SosReport, request: FileRequest): Promise<Gathered> {
  const rel = request.path.replace(/^\/+/, '')
  const read = await readReportText(report, rel, SOS_OUTPUT_CAP_BYTES, request.tailLines)
  if (read === null) {
    const why =
      whyFileIsMissing(request.path, report.plugins) ?? (await whyLogIsMissing(report, request.path, rel))
    return notCollected(
      node,
      request,
      why
        ? `not in the sosreport for ${node}: ${why}`
        : `the sosreport for ${node} does not contain ${request.path}`,
    )
  }
  return ok(
    node,
    request,
    report,
    read.text,
    read.realRel === rel ? rel : `${rel} -> ${read.realRel}`,
    read.truncated,
    0,
    0,
  )
}

async function gatherCommand(
  node: string,
  report: SosReport,
  request: CommandRequest,
  reportName = node,
): Promise<Gathered> {
  const argv = request.argv
  const program = (argv[0] ?? '').replace(/^.*\//, '')

  // `cat /proc/meminfo` and friends: sos copied the file itself.
  if (program === 'cat' && argv.length === 2 && argv[1]?.startsWith('/')) {
    const file = await gatherFile(node, report, {kind: 'file', path: argv[1]})
    return {...file, request}
  }
  // `tail -n N /var/log/x.log`: the copied file's last lines.
  const tailed = tailRequest(argv)
  if (tailed) {
    const file = await gatherFile(node, report, tailed)
    return {...file, request}
  }
  if (program === 'journalctl') {
    const journal = await gatherJournal(node, report, request)
    if (journal) return journal
  }
  const fromRabbitReport = rabbitReportStandIn(argv)
  if (fromRabbitReport) {
    const gathered = await gatherFromRabbitReport(node, report, request, reportName, fromRabbitReport)
    if (gathered) return gathered
  }

  const location = locateCommand(report, argv)
  if (!location.found) {
    const why = node === API_NODE ? null : whyCommandIsMissing(argv, report.plugins)
    return notCollected(
      node,
      request,
      why
        ? `not in the sosreport for ${reportName}: ${why}`
        : `the sosreport for ${reportName} does not contain \`${describeRequest(request)}\` (looked for ${location.lookedFor.join(', ')})`,
    )
  }
  const {relPath, returnCode} = location
  const failure = failureOf(returnCode, request, reportName)
  const read = relPath === null ? null : await readReportText(report, relPath, SOS_OUTPUT_CAP_BYTES)
  if (failure) {
    return {
      ...ok(
        node,
        request,
        report,
        read?.text ?? '',
        relPath ?? 'sos_reports/manifest.json',
        read?.truncated ?? false,
        returnCode,
        0,
      ),
      status: failure.status,
      error: failure.error,
    }
  }
  if (read === null) {
    return notCollected(
      node,
      request,
      `the sosreport for ${reportName} lists \`${describeRequest(request)}\` but its output file ${relPath ?? ''} is missing`,
    )
  }
  const where = relPath ?? read.realRel
  return ok(
    node,
    request,
    report,
    read.text,
    location.note ? `${where} (${location.note})` : where,
    read.truncated || location.runTruncated,
    returnCode,
    0,
  )
}

/** What of `rabbitmqctl report` answers a RabbitMQ request sos never ran (rabbitmq-report.ts), or null. */
function rabbitReportStandIn(
  argv: readonly string[],
): {readonly pick: (reportText: string) => ReportPick; readonly what: string} | null {
  if (isAlarmsRequest(argv)) return {pick: alarmLinesOfReport, what: 'the Alarms sections'}
  const columns = listQueuesColumns(argv)
  if (columns)
    return {
      pick: (text) => queuesOfReport(text, columns),
      what: `the ${columns.join(', ')} columns of the vhost / queue listing`,
    }
  return null
}

/**
 * A RabbitMQ question sos never asks, answered with a piece of the `rabbitmqctl report` it saved. Null
 * when the report saved the command itself or holds no report, so the caller looks it up or says why.
 */
async function gatherFromRabbitReport(
  node: string,
  report: SosReport,
  request: CommandRequest,
  reportName: string,
  standIn: {readonly pick: (reportText: string) => ReportPick; readonly what: string},
): Promise<Gathered | null> {
  if (locateCommand(report, request.argv).found) return null // a later sos saved the command itself
  const reportRequest: CommandRequest = {kind: 'command', argv: ['rabbitmqctl', 'report']}
  const location = locateCommand(report, reportRequest.argv)
  if (!location.found || location.relPath === null) return null
  const {relPath, returnCode} = location
  const read = await readReportText(report, relPath, SOS_OUTPUT_CAP_BYTES)
  if (read === null) return null
  const failure = failureOf(returnCode, reportRequest, reportName)
  if (failure) {
    return {
      ...ok(node, request, report, read.text, relPath, read.truncated, returnCode, 0),
      status: failure.status,
      error: failure.error,
    }
  }
  if (returnCode !== null && returnCode !== 0) {
    // The broker did not answer sos; the command asked would have failed the same way.
    const where = `${relPath} (sos saved \`rabbitmqctl report\`, which exited ${returnCode})`
    return ok(node, request, report, read.text, where, read.truncated, returnCode, 0)
  }
  const picked = standIn.pick(read.text)
  if (!picked.ok) {
    return notCollected(
      node,
      request,
      `not in the sosreport for ${reportName}: sos saved \`rabbitmqctl report\` (${relPath}), but ${picked.reason}`,
    )
  }
  const where = `${relPath} (derived: ${standIn.what} of the \`rabbitmqctl report\` sos saved; sos never runs \`${describeRequest(request)}\`)`
  return ok(node, request, report, picked.text, where, read.truncated, 0, 0)
}

/** A log sos meant to copy but did not: skipped over --log-size, or its tail never written. */
async function whyLogIsMissing(report: SosReport, path: string, rel: string): Promise<string | null> {
  const plugin = report.skippedForSize.get(path)
  if (plugin) {
    return `sos's ${plugin} plugin skipped ${path}: its --log-size${report.logSizeMb === null ? '' : ` (${report.logSizeMb} MiB)`} was used up by newer logs of the same kind (sos_logs/sos.log)`
  }
  if (await isDanglingLink(report, rel)) {
    const cut = [...report.timedOutPlugins]
    return `sos left ${rel} as a link to a tail it never wrote${cut.length > 0 ? ` (it stopped ${cut.join(', ')} at --plugin-timeout)` : ''}`
  }
  return null
}

/** sos's own exit codes: 124 timeout, 126/127 could not run. Other codes are the command's answer. */
function failureOf(
  code: number | null,
  request: CommandRequest,
  node: string,
): {status: 'failed' | 'timeout'; error: string} | null {
  const what = `\`${describeRequest(request)}\``
  if (code === 124) return {status: 'timeout', error: `${what} timed out when sos ran it on ${node}`}
  if (code === 127)
    return {status: 'failed', error: `${what} was not found on ${node} when sos ran (exit 127)`}
  if (code === 126)
    return {status: 'failed', error: `${what} could not be executed on ${node} when sos ran (exit 126)`}
  return null
}

/** `journalctl -u UNIT [-n N] …` → the unit's journal sos saved, else that unit's lines of the system journal. */
async function gatherJournal(
  node: string,
  report: SosReport,
  request: CommandRequest,
): Promise<Gathered | null> {
  const unit = optionValue(request.argv, ['-u', '--unit'])
  if (unit === null) return null
  const lines = Number(optionValue(request.argv, ['-n', '--lines']) ?? Number.NaN)
  const tailLines = Number.isInteger(lines) && lines > 0 ? lines : undefined
  const unitFile = locateUnitJournal(report, unit)
  if (unitFile) {
    const read = await readReportText(report, unitFile, SOS_OUTPUT_CAP_BYTES, tailLines)
    if (read) return ok(node, request, report, read.text, unitFile, read.truncated, 0, 0)
  }
  const system = locateSystemJournal(report)
  const read = system ? await readReportText(report, system, SOS_OUTPUT_CAP_BYTES) : null
  if (!system || !read) {
    return notCollected(
      node,
      request,
      `the sosreport for ${node} has no journal for ${unit} (no journalctl_--no-pager_--unit_${unit} and no logs plugin journal)`,
    )
  }
  const identifier = unit.replace(/\.service$/, '')
  const own = read.text.split('\n').filter((line) => journalLineIdentifier(line) === identifier)
  const kept = tailLines === undefined ? own : own.slice(-tailLines)
  return ok(
    node,
    request,
    report,
    kept.join('\n') + (kept.length > 0 ? '\n' : ''),
    `${system} (lines from ${identifier})`,
    read.truncated,
    0,
    0,
  )
}

/** "Nov 22 04:21:53 host nova-compute[123]: msg" → "nova-compute". */
function journalLineIdentifier(line: string): string | null {
  return /^\S+\s+\d+\s+[\d:]+\s+\S+\s+([^\s[:]+)(?:\[\d+\])?:/.exec(line)?.[1] ?? null
}

/** `tail -n N /abs/path` or `tail -N /abs/path` as a file request; null for any other shape. */
export function tailRequest(argv: readonly string[]): FileRequest | null {
  if ((argv[0] ?? '').replace(/^.*\//, '') !== 'tail') return null
  const path = argv.at(-1) ?? ''
  if (!path.startsWith('/')) return null
  const options = argv.slice(1, -1)
  const count =
    options.length === 2 && (options[0] === '-n' || options[0] === '--lines')
      ? options[1]
      : options.length === 1
        ? /^(?:-n|--lines=|-)(\d+)$/.exec(options[0] ?? '')?.[1]
        : undefined
  const lines = Number(count)
  return count !== undefined && Number.isInteger(lines) && lines > 0
    ? {kind: 'file', path, tailLines: lines}
    : null
}

/** Value of `-u X`, `-uX`, `--unit X` or `--unit=X`. */
export function optionValue(argv: readonly string[], names: readonly string[]): string | null {
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    for (const name of names) {
      if (arg === name) return argv[i + 1] ?? null
      if (name.startsWith('--') && arg.startsWith(`${name}=`)) return arg.slice(name.length + 1)
      if (!name.startsWith('--') && arg.startsWith(name) && arg.length > name.length)
        return arg.slice(name.length)
    }
  }
  return null
}

function ok(
  node: string,
  request: EvidenceRequest,
  report: SosReport,
  text: string,
  rel: string,
  truncated: boolean,
  exitCode: number | null,
  durationMs: number,
): Gathered {
  return {
    node,
    request,
    status: 'ok',
    exitCode: request.kind === 'file' ? 0 : exitCode,
    stdout: redactSecrets(text),
    stderr: '',
    durationMs,
    truncated,
    origin: `sosreport ${report.hostname}:${rel}`,
    ...(report.capturedAt ? {capturedAt: report.capturedAt} : {}),
  }
}

function notCollected(node: string, request: EvidenceRequest, error: string): Gathered {
  return notGathered(node, request, 'not-collected', 'sosreport', redactSecrets(error))
}
