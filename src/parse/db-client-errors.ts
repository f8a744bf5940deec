import {parseOsloLog} from './oslo-log.js'

/** One failed database call logged by an OpenStack service (oslo.db / PyMySQL). */
export interface DbClientError {
  /** 1-based line of the log record (its traceback follows). */
  line: number
  endLine: number
  timestamp: string
  /** MySQL client/server error number: 2003 can't connect, 2006 gone away, 2013 lost connection, 1040 too many connections, 1047 WSREP not ready… */
  code: number
  message: string
  /** oslo.db's class when named (DBConnectionError, DBDeadlock…), else the driver's (OperationalError…). */
  exception: string | null
}

export interface DbClientErrors {
  errors: DbClientError[]
  /** code -> number of failed calls. */
  byCode: Record<string, number>
  first: string | null
  last: string | null
  /** Records in the log at all: the denominator for "how often". */
  records: number
  firstRecord: string | null
  lastRecord: string | null
}

// (pymysql.err.OperationalError) (2013, 'Lost connection to MySQL server during query')
const CODE = /\((\d{4}), ["']([^"']*)["']\)/
// oslo.db's own class says most (DBConnectionError = could not talk to the server at all); the driver's is the fallback.
const OSLO_EXCEPTION = /oslo_db\.exception\.(DB\w+)/
const DRIVER_EXCEPTION = /(OperationalError|InternalError|InterfaceError)/

/**
 * The database errors in an oslo.log file, one per logged call: a traceback repeats the same error several
 * times (the driver's exception, SQLAlchemy's wrapper, oslo.db's), so each record counts once.
 */
export function parseDbClientErrors(text: string): DbClientErrors {
  const log = parseOsloLog(text)
  const errors: DbClientError[] = []
  for (const record of log.records) {
    if (record.level !== 'ERROR' && record.level !== 'WARNING' && record.level !== 'CRITICAL') continue
    const body = [record.message, ...record.traceback]
    const hit = body.map((l) => CODE.exec(l)).find((m) => m !== null)
    if (!hit) continue
    const exception =
      body.map((l) => OSLO_EXCEPTION.exec(l)?.[1]).find((e) => e !== undefined) ??
      body.map((l) => DRIVER_EXCEPTION.exec(l)?.[1]).find((e) => e !== undefined) ??
      null
    errors.push({
      line: record.line,
      endLine: record.endLine,
      timestamp: record.timestamp,
      code: Number(hit[1]),
      message: hit[2] ?? '',
      exception,
    })
  }
  const byCode: Record<string, number> = {}
  for (const e of errors) byCode[e.code] = (byCode[e.code] ?? 0) + 1
  return {
    errors,
    byCode,
    first: errors[0]?.timestamp ?? null,
    last: errors.at(-1)?.timestamp ?? null,
    records: log.records.length,
    firstRecord: log.records[0]?.timestamp ?? null,
    lastRecord: log.records.at(-1)?.timestamp ?? null,
  }
}
