/** One OpenFlow flow as `ovs-ofctl dump-flows` prints it. */
export interface OvsFlow {
  cookie: string
  table: number
  /** 32768 when not printed (OpenFlow's default priority, which ovs-ofctl omits). */
  priority: number
  nPackets: number
  nBytes: number
  durationS: number
  /** The match as written, without `priority=`; "" matches everything. */
  match: string
  /** The match split into fields; bare protocol words (`ip`, `arp`) map to "". */
  matchFields: Record<string, string>
  actions: string
}

export interface OvsFlows {
  flows: OvsFlow[]
  /** What ovs-ofctl said instead of flows, e.g. `ovs-ofctl: br-int is not a bridge or a socket`. */
  error: string | null
}

// Fields ovs-ofctl prints before the match, separated by ", ".
const STATS = new Set([
  'cookie',
  'duration',
  'table',
  'n_packets',
  'n_bytes',
  'idle_age',
  'hard_age',
  'idle_timeout',
  'hard_timeout',
  'importance',
  'send_flow_rem',
  'reset_counts',
  'no_packet_counts',
  'no_byte_counts',
  'check_overlap',
])

/** Parses `ovs-ofctl dump-flows <bridge>` output (any OpenFlow version's reply header). */
export function parseOvsOfctlFlows(text: string): OvsFlows {
  const flows: OvsFlow[] = []
  let error: string | null = null
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line === '') continue
    if (line.startsWith('cookie=')) {
      const flow = parseFlow(line)
      if (flow) flows.push(flow)
    } else if (/^(NXST|OFPST)_FLOW reply/.test(line)) {
      continue
    } else if (error === null && (line.startsWith('ovs-ofctl:') || flows.length === 0)) {
      error = line
    }
  }
  return {flows, error}
}

function parseFlow(line: string): OvsFlow | null {
  const at = line.indexOf(' actions=')
  if (at === -1) return null // cut off before its actions
  const stats: Record<string, string> = {}
  const matchParts: string[] = []
  for (const part of line.slice(0, at).split(', ')) {
    const eq = part.indexOf('=')
    const key = eq === -1 ? part : part.slice(0, eq)
    if (STATS.has(key) && matchParts.length === 0) stats[key] = eq === -1 ? '' : part.slice(eq + 1)
    else matchParts.push(part)
  }
  const matchFields: Record<string, string> = {}
  let priority = 32768
  const kept: string[] = []
  for (const field of splitMatch(matchParts.join(', '))) {
    const eq = field.indexOf('=')
    const key = eq === -1 ? field : field.slice(0, eq)
    const value = eq === -1 ? '' : field.slice(eq + 1)
    if (key === 'priority') priority = Number(value)
    else {
      matchFields[key] = value
      kept.push(field)
    }
  }
  return {
    cookie: stats.cookie ?? '0x0',
    table: Number(stats.table ?? 0),
    priority,
    nPackets: Number(stats.n_packets ?? 0),
    nBytes: Number(stats.n_bytes ?? 0),
    durationS: Number.parseFloat(stats.duration ?? '0'),
    match: kept.join(','),
    matchFields,
    actions: line.slice(at + ' actions='.length),
  }
}

/** Splits a match on commas that are not inside parentheses or braces. */
function splitMatch(match: string): string[] {
  const out: string[] = []
  let depth = 0
  let current = ''
  for (const ch of match) {
    if (ch === '(' || ch === '{') depth++
    if (ch === ')' || ch === '}') depth--
    if (ch === ',' && depth === 0) {
      if (current.trim() !== '') out.push(current.trim())
      current = ''
    } else current += ch
  }
  if (current.trim() !== '') out.push(current.trim())
  return out
}
