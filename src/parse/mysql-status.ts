import {ParseError} from './parse-error.js'

/** MariaDB/MySQL server status (or variables), with the fields the DB playbooks reason about. */
export interface MysqlStatus {
  /** Every name -> value, as printed. */
  values: Record<string, string>
  /** wsrep_cluster_size: how many nodes this node sees in its component (null without Galera). */
  clusterSize: number | null
  /** wsrep_cluster_status: Primary, non-Primary or Disconnected. */
  clusterStatus: string | null
  /** wsrep_local_state_comment: Synced, Donor/Desynced, Joining, Initialized… */
  localState: string | null
  /** wsrep_ready: ON when the node accepts queries. */
  ready: string | null
  /** wsrep_incoming_addresses split on commas; "AUTO" marks a node whose client address is unknown. */
  incomingAddresses: string[]
  threadsConnected: number | null
  maxUsedConnections: number | null
  /** Connections refused because max_connections was reached. */
  connectionErrorsMaxConnections: number | null
  abortedConnects: number | null
  /** Fraction of time replication was paused by flow control (a slow node throttles the cluster). */
  flowControlPaused: number | null
  recvQueueAvg: number | null
  /** Present when the text was `mysqladmin variables`. */
  maxConnections: number | null
  bindAddress: string | null
  /** wsrep_node_address: the address this Galera node gives its peers (variables). */
  nodeAddress: string | null
}

// `| name | value |` (mysqladmin, mysql -t) or `name<TAB>value` (mysql -B -N).
const TABLE_ROW = /^\|\s*([A-Za-z_][\w]*)\s*\|\s?(.*?)\s*\|$/
const TAB_ROW = /^([A-Za-z_][\w]*)\t(.*)$/

/**
 * Parses `mysqladmin extended-status` / `mysqladmin variables` (the boxed table) or
 * `mysql -B -N -e "SHOW GLOBAL STATUS"` (tab-separated). Throws ParseError on anything else, e.g. the
 * `mysqladmin: connect to server at 'localhost' failed` message of a server that is down.
 */
export function parseMysqlStatus(text: string): MysqlStatus {
  const values: Record<string, string> = {}
  for (const raw of text.replace(/\r\n/g, '\n').split('\n')) {
    const m = TABLE_ROW.exec(raw.trimEnd()) ?? TAB_ROW.exec(raw)
    if (!m) continue
    const [, name = '', value = ''] = m
    if (name === 'Variable_name') continue
    values[name] = value
  }
  if (Object.keys(values).length === 0) {
    throw new ParseError('mysql status', firstLine(text) || 'no "| name | value |" rows', null)
  }
  const num = (name: string): number | null => {
    const v = values[name]
    return v !== undefined && /^-?\d+(\.\d+)?(e-?\d+)?$/i.test(v) ? Number(v) : null
  }
  const str = (name: string): string | null => values[name] ?? null
  const incoming = str('wsrep_incoming_addresses')
  return {
    values,
    clusterSize: num('wsrep_cluster_size'),
    clusterStatus: str('wsrep_cluster_status'),
    localState: str('wsrep_local_state_comment'),
    ready: str('wsrep_ready'),
    incomingAddresses: incoming ? incoming.split(',').filter((a) => a !== '') : [],
    threadsConnected: num('Threads_connected'),
    maxUsedConnections: num('Max_used_connections'),
    connectionErrorsMaxConnections: num('Connection_errors_max_connections'),
    abortedConnects: num('Aborted_connects'),
    flowControlPaused: num('wsrep_flow_control_paused'),
    recvQueueAvg: num('wsrep_local_recv_queue_avg'),
    maxConnections: num('max_connections'),
    bindAddress: str('bind_address'),
    nodeAddress: str('wsrep_node_address'),
  }
}

function firstLine(text: string): string {
  return (text.split('\n').find((l) => l.trim() !== '') ?? '').trim().slice(0, 200)
}
