/**
 * Answers to API questions that sos never asked in that form but whose answer its captured outputs hold
 * exactly: which server a name means (from sos's server list), and which ports a server has (the rows of
 * sos's `openstack port list` that carry one of the server's addresses on a subnet of the server's
 * network). Pure: text of the captured outputs in, the selected captured lines (never new ones) out.
 */
import {parseOpenstackOutput} from '../../parse/openstack-output.js'
import {normalizePortList} from '../../parse/openstack-port.js'
import {normalizeServerList, type ServerListEntry} from '../../parse/openstack-server.js'

export type Derivation<T> =
  {readonly ok: true; readonly value: T} | {readonly ok: false; readonly reason: string}

/** The one server `nameOrId` names in a server list sos saved (`nova list --all-tenants` or `openstack server list`). */
export function findServer(serverListText: string, nameOrId: string): Derivation<ServerListEntry> {
  const servers = safeRows(() => normalizeServerList(parseOpenstackOutput(serverListText)))
  if (servers === null) return {ok: false, reason: 'the server list sos saved could not be read'}
  const byId = servers.find((server) => server.id === nameOrId)
  if (byId) return {ok: true, value: byId}
  const named = servers.filter((server) => server.name === nameOrId)
  if (named.length === 1 && named[0]) return {ok: true, value: named[0]}
  if (named.length > 1)
    return {
      ok: false,
      reason: `${named.length} servers are named ${nameOrId} (${named.map((s) => s.id).join(', ')}); ask for one by ID`,
    }
  return {ok: false, reason: `no server named ${nameOrId} in the server list sos saved`}
}

/**
 * The rows of `openstack port list` (as sos saved it) that are the server's ports: for each address the
 * server list shows (`private=10.0.0.5`), the port holding that IP on a subnet of a network with that
 * name. A subnet never has two ports with the same IP, so the match is exact; if a name is shared by
 * several networks and the IP repeats across them, the answer is ambiguous and refused.
 */
export function portRowsOfServer(
  portListText: string,
  networkListText: string,
  server: Pick<ServerListEntry, 'id' | 'networks'>,
): Derivation<{readonly text: string; readonly ports: number}> {
  const ports = safeRows(() => normalizePortList(parseOpenstackOutput(portListText)))
  if (ports === null) return {ok: false, reason: 'the port list sos saved could not be read'}
  const networks = safeRows(() => rowsOf(parseOpenstackOutput(networkListText)))
  if (networks === null) return {ok: false, reason: 'the network list sos saved could not be read'}
  const keep = new Set<string>()
  const unheld: (typeof server.networks)[number][] = []
  const heldOn = new Set<string>()
  for (const address of server.networks) {
    const subnets = new Set(
      networks
        .filter((network) => network['Name'] === address.network)
        .flatMap((network) => cellText(network['Subnets']).split(/[\s,]+/))
        .filter((id) => id !== ''),
    )
    const holders = ports.filter((port) =>
      port.fixedIps.some(
        (fixed) => fixed.ip === address.ip && fixed.subnetId !== null && subnets.has(fixed.subnetId),
      ),
    )
    if (holders.length === 0) {
      unheld.push(address)
      continue
    }
    if (holders.length > 1)
      return {
        ok: false,
        reason: `${holders.length} ports hold ${address.ip} on networks named ${address.network}; which one is the server's cannot be told`,
      }
    keep.add(holders[0]?.id ?? '')
    heldOn.add(address.network)
  }
  // Nova lists a floating IP among the addresses of the network it is NATed to ("private=198.18.10.51,
  // 198.18.20.12"); no port on that network holds it. Such an address is skipped when another address of
  // the same network was found; an address alone on its network with no port is a real gap.
  const lost = unheld.find((address) => !heldOn.has(address.network))
  if (lost)
    return {ok: false, reason: `no port in sos's port list holds ${lost.ip} on a subnet of network ${lost.network}`}
  const text = keepTableRows(portListText, (row) => keep.has(cellText(row['ID'] ?? row['id'])))
  if (text === null) return {ok: false, reason: 'the port list sos saved is not a table'}
  return {ok: true, value: {text, ports: keep.size}}
}

/**
 * The table with only the rows `keep` accepts, each row with its continuation lines, verbatim. Lines
 * before the table (client deprecation warnings) are dropped. Null when the text is not one table.
 */
export function keepTableRows(
  text: string,
  keep: (row: Readonly<Record<string, unknown>>) => boolean,
): string | null {
  const lines = text.replace(/\r\n/g, '\n').split('\n')
  const start = lines.findIndex((line) => line.startsWith('+-'))
  if (start === -1) return null
  const border = lines[start] ?? ''
  const cuts = [...border].flatMap((ch, i) => (ch === '+' ? [i] : []))
  const header = lines[start + 1] ?? ''
  if (!header.startsWith('|') || lines[start + 2] !== border) return null
  const columns = cells(header, cuts)
  const blocks: string[][] = []
  for (let i = start + 3; i < lines.length; i++) {
    const line = lines[i] ?? ''
    if (line === border || !line.startsWith('|')) break
    if (cells(line, cuts)[0] === '' && blocks.length > 0) blocks.at(-1)?.push(line)
    else blocks.push([line])
  }
  const kept = blocks.filter((block) => {
    const first = cells(block[0] ?? '', cuts)
    return keep(Object.fromEntries(columns.map((name, c) => [name, first[c] ?? ''])))
  })
  if (kept.length === 0) return ''
  return [border, header, border, ...kept.flat(), border, ''].join('\n')
}

/** A cell as text: a table's string, or a JSON list of strings joined by spaces; anything else is no text. */
function cellText(value: unknown): string {
  if (typeof value === 'string') return value
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === 'string').join(' ')
    : ''
}

function cells(line: string, cuts: readonly number[]): string[] {
  return cuts.slice(0, -1).map((position, c) => line.slice(position + 1, cuts[c + 1]).trim())
}

function rowsOf(output: ReturnType<typeof parseOpenstackOutput>): Array<Record<string, unknown>> {
  return Array.isArray(output) ? output : []
}

function safeRows<T>(read: () => T): T | null {
  try {
    return read()
  } catch {
    return null
  }
}
