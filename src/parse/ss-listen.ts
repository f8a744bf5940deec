import {ParseError} from './parse-error.js'

/** One listening socket from `ss -ltn` / `ss -Hltn`. */
export interface ListeningSocket {
  /** 1-based line in the output. */
  line: number
  state: string
  /** Address without brackets: "127.0.0.1", "0.0.0.0", "::", "*". */
  address: string
  port: number
  /** True for 127.0.0.0/8, ::1 and localhost: reachable from this host only. */
  loopback: boolean
  /** True for 0.0.0.0, ::, *: every address of the host. */
  wildcard: boolean
}

export interface ListeningSockets {
  sockets: ListeningSocket[]
}

const ROW = /^(LISTEN|UNCONN)\s+\d+\s+\d+\s+(\S+):(\d+|\*)\s+\S+/

/** Parses `ss -ltn` (with or without the header line, -H). Throws ParseError when no row is a socket. */
export function parseSsListen(text: string): ListeningSockets {
  const sockets: ListeningSocket[] = []
  const lines = text.replace(/\r\n/g, '\n').split('\n')
  lines.forEach((raw, i) => {
    const m = ROW.exec(raw.trim())
    if (!m) return
    const [, state = '', rawAddress = '', port = ''] = m
    const address = rawAddress.replace(/^\[|\]$/g, '').replace(/%\S+$/, '')
    sockets.push({
      line: i + 1,
      state,
      address,
      port: port === '*' ? 0 : Number(port),
      loopback: /^127\./.test(address) || address === '::1' || address === 'localhost' || address === '::ffff:127.0.0.1',
      wildcard: address === '0.0.0.0' || address === '::' || address === '*',
    })
  })
  const meaningful = lines.filter((l) => l.trim() !== '' && !/^(State|Netid)\s/.test(l.trim()))
  if (sockets.length === 0 && meaningful.length > 0) {
    throw new ParseError('ss -ltn output', meaningful[0]?.trim().slice(0, 200) ?? '', null)
  }
  return {sockets}
}
