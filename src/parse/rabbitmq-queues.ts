import {ParseError} from './parse-error.js'

/** One queue as `rabbitmqctl list_queues` prints it; a column not asked for is null. */
export interface RabbitQueue {
  name: string
  /** Ready plus unacknowledged messages. */
  messages: number | null
  consumers: number | null
  /** Delivered to a consumer and not yet acknowledged: a consumer that takes work and never finishes it. */
  unacked: number | null
}

export interface RabbitQueues {
  /** The columns in the order the header named them. */
  columns: string[]
  queues: RabbitQueue[]
}

const KNOWN = new Set(['messages', 'consumers', 'messages_unacknowledged'])

/**
 * Parses `rabbitmqctl [-q] list_queues name messages consumers messages_unacknowledged` (any subset and order
 * of those columns, `name` first): tab-separated rows under a header row. Without -q the client first prints
 * "Timeout: …" and "Listing queues for vhost / …", which are skipped. Throws ParseError on anything else,
 * e.g. "Error: unable to perform an operation on node" when the broker is down.
 */
export function parseRabbitQueues(text: string): RabbitQueues {
  const lines = text.replace(/\r\n/g, '\n').split('\n')
  const headerAt = lines.findIndex((l) => /^name(\t|$)/.test(l))
  if (headerAt < 0) {
    const first = lines.find((l) => l.trim() !== '')?.trim().slice(0, 200) ?? '(empty)'
    throw new ParseError('rabbitmqctl list_queues', `no "name<TAB>…" header: ${first}`, null)
  }
  const columns = (lines[headerAt] ?? '').split('\t')
  const at = (column: string): number => columns.indexOf(column)
  const queues: RabbitQueue[] = []
  lines.slice(headerAt + 1).forEach((line, i) => {
    if (line.trim() === '') return
    const cells = line.split('\t')
    if (cells.length !== columns.length) {
      throw new ParseError('rabbitmqctl list_queues', `expected ${columns.length} columns, got: ${line.slice(0, 120)}`, headerAt + i + 2)
    }
    const num = (column: string): number | null => {
      const cell = KNOWN.has(column) && at(column) >= 0 ? cells[at(column)] : undefined
      return cell !== undefined && /^\d+$/.test(cell) ? Number(cell) : null
    }
    queues.push({
      name: cells[0] ?? '',
      messages: num('messages'),
      consumers: num('consumers'),
      unacked: num('messages_unacknowledged'),
    })
  })
  return {columns, queues}
}
