/** A server changing state in HAProxy's log: "Server galera/db-0 is DOWN, reason: Layer7 timeout, …". */
export interface HaproxyTransition {
  /** 1-based line. */
  line: number
  /** ISO timestamp of the log line when it has one (log … format iso / rfc5424), else null. */
  timestamp: string | null
  proxy: string
  server: string
  state: 'UP' | 'DOWN' | 'MAINT'
  /** "Layer7 timeout", "Layer4 connection problem", "Layer7 wrong status"… */
  reason: string | null
  /** What the check saw, e.g. `#08004Too many connections`. */
  info: string | null
  /**
   * Seconds between this change and the newest timestamped line of the log (null without timestamps):
   * lets a reader tell today's flapping from a backend that went down and came back an hour ago.
   */
  secondsBeforeEnd: number | null
  /** The timestamp as epoch milliseconds (null without one), to compare with the node's clock. */
  epochMs: number | null
}

/** One proxied TCP session (option tcplog): which server served it and how it ended. */
export interface HaproxySession {
  line: number
  timestamp: string | null
  proxy: string
  server: string
  /** Two-letter termination state; "--" is a normal end, anything else an abort or error. */
  termination: string
}

/** Per backend server: how often it went down/up and how its sessions ended. */
export interface HaproxyServerSummary {
  proxy: string
  server: string
  downs: number
  ups: number
  lastState: 'UP' | 'DOWN' | 'MAINT' | null
  lastReason: string | null
  lastInfo: string | null
  lastChange: string | null
  sessions: number
  /** Sessions that did not end normally (termination state other than "--"). */
  badSessions: number
}

export interface HaproxyLog {
  transitions: HaproxyTransition[]
  sessions: HaproxySession[]
  servers: HaproxyServerSummary[]
}

const ISO = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)\s/
const TRANSITION = /Server ([^/\s]+)\/(\S+) is (UP|DOWN|going DOWN for maintenance)(?:, reason: ([^,]+))?(?:, code: \d+)?(?:, info: "([^"]*)")?/
// tcplog: client [accept date] frontend backend/server Tw/Tc/Tt bytes termination_state ...
const SESSION = /\[\d{2}\/\w{3}\/\d{4}:[\d:.]+\] (\S+) ([^/\s]+)\/(\S+) [-\d]+\/[-\d]+\/\+?[-\d]+ \+?\d+ (\S\S)/

/**
 * Parses HAProxy's log (as written to a file by syslog or by `log stderr`). HAProxy in foreground mode also
 * prints each state change on stderr as `[WARNING] (pid) : Server …`; when both copies land in the same
 * file, the repeat is dropped (a server cannot go DOWN twice in a row).
 */
export function parseHaproxyLog(text: string): HaproxyLog {
  const transitions: HaproxyTransition[] = []
  const sessions: HaproxySession[] = []
  const lines = text.replace(/\r\n/g, '\n').split('\n')
  lines.forEach((raw, i) => {
    const timestamp = ISO.exec(raw)?.[1] ?? null
    const t = TRANSITION.exec(raw)
    if (t) {
      const [, proxy = '', server = '', what = '', reason, info] = t
      const state = what === 'UP' ? 'UP' : what === 'DOWN' ? 'DOWN' : 'MAINT'
      const previous = transitions.findLast((x) => x.proxy === proxy && x.server === server)
      if (previous && previous.state === state) {
        // The same change printed twice (stderr + log): keep one, with the timestamp when either has it.
        previous.timestamp ??= timestamp
        return
      }
      transitions.push({line: i + 1, timestamp, proxy, server, state, reason: reason?.trim() ?? null, info: info ?? null, secondsBeforeEnd: null, epochMs: null})
      return
    }
    const s = SESSION.exec(raw)
    if (s) {
      const [, , proxy = '', server = '', termination = ''] = s
      sessions.push({line: i + 1, timestamp, proxy, server, termination})
    }
  })
  const end = Math.max(...lines.map((l) => Date.parse(ISO.exec(l)?.[1] ?? '')).filter((t) => Number.isFinite(t)))
  for (const t of transitions) {
    const at = Date.parse(t.timestamp ?? '')
    if (!Number.isFinite(at)) continue
    t.epochMs = at
    if (Number.isFinite(end)) t.secondsBeforeEnd = Math.round((end - at) / 100) / 10
  }
  const keys = [...new Set([...transitions, ...sessions].map((x) => `${x.proxy}/${x.server}`))]
  const servers = keys
    .filter((k) => !k.endsWith('/<NOSRV>'))
    .map((key): HaproxyServerSummary => {
      const [proxy = '', server = ''] = key.split('/')
      const own = transitions.filter((x) => x.proxy === proxy && x.server === server)
      const last = own.at(-1)
      const mine = sessions.filter((x) => x.proxy === proxy && x.server === server)
      return {
        proxy,
        server,
        downs: own.filter((x) => x.state !== 'UP').length,
        ups: own.filter((x) => x.state === 'UP').length,
        lastState: last?.state ?? null,
        lastReason: last?.reason ?? null,
        lastInfo: last?.info ?? null,
        lastChange: last?.timestamp ?? null,
        sessions: mine.length,
        badSessions: mine.filter((x) => x.termination !== '--').length,
      }
    })
  return {transitions, sessions, servers}
}
