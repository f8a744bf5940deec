/** One target of a manager or controller, and whether OVS says it is connected. */
export interface OvsTarget {
  target: string
  /** null when `is_connected` is not printed (OVS omits it when the target is passive/unknown). */
  connected: boolean | null
}

export interface OvsInterface {
  name: string
  /** "" for a plain system interface (OVS prints no type line then). */
  type: string
  options: Record<string, string>
  /** e.g. `could not open network device tapX (No such device)`: the tap is gone. */
  error: string | null
}

export interface OvsPort {
  name: string
  /** Local VLAN tag; neutron's OVS agent tags every VM port it has wired (4095 = dead VLAN). */
  tag: number | null
  interfaces: OvsInterface[]
}

export interface OvsBridge {
  name: string
  controllers: OvsTarget[]
  failMode: string | null
  datapathType: string | null
  ports: OvsPort[]
}

/** `ovs-vsctl show` as a record. */
export interface OvsShow {
  uuid: string | null
  managers: OvsTarget[]
  bridges: OvsBridge[]
  ovsVersion: string | null
}

/** Parses `ovs-vsctl show`. Unknown lines are ignored; empty or error text gives an empty record. */
export function parseOvsVsctlShow(text: string): OvsShow {
  const show: OvsShow = {uuid: null, managers: [], bridges: [], ovsVersion: null}
  let target: OvsTarget | null = null
  let bridge: OvsBridge | null = null
  let port: OvsPort | null = null
  let iface: OvsInterface | null = null
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    const m = /^(\S+?):? (.*)$/.exec(line)
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(line)) {
      show.uuid = line
      continue
    }
    if (!m) continue
    const key = m[1] ?? ''
    const value = m[2] ?? ''
    switch (key) {
      case 'Manager':
        target = {target: unquote(value), connected: null}
        show.managers.push(target)
        break
      case 'Bridge':
        bridge = {name: unquote(value), controllers: [], failMode: null, datapathType: null, ports: []}
        show.bridges.push(bridge)
        target = port = iface = null
        break
      case 'Controller':
        target = {target: unquote(value), connected: null}
        bridge?.controllers.push(target)
        break
      case 'is_connected':
        if (target) target.connected = value === 'true' ? true : value === 'false' ? false : null
        break
      case 'fail_mode':
        if (bridge) bridge.failMode = value
        break
      case 'datapath_type':
        if (bridge) bridge.datapathType = value
        break
      case 'Port':
        port = {name: unquote(value), tag: null, interfaces: []}
        bridge?.ports.push(port)
        target = iface = null
        break
      case 'tag':
        if (port) port.tag = /^\d+$/.test(value) ? Number(value) : null
        break
      case 'Interface':
        iface = {name: unquote(value), type: '', options: {}, error: null}
        port?.interfaces.push(iface)
        break
      case 'type':
        if (iface) iface.type = value
        break
      case 'options':
        if (iface) iface.options = parseOptions(value)
        break
      case 'error':
        if (iface) iface.error = unquote(value)
        break
      case 'ovs_version':
        show.ovsVersion = unquote(value)
        break
    }
  }
  return show
}

function unquote(value: string): string {
  const v = value.trim()
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v
}

/** `{df_default="true", in_key=flow, remote_ip="127.0.0.1"}` -> a string map. */
function parseOptions(value: string): Record<string, string> {
  const out: Record<string, string> = {}
  const body = value.trim().replace(/^\{/, '').replace(/\}$/, '')
  for (const m of body.matchAll(/([\w:-]+)=("(?:[^"\\]|\\.)*"|[^,]*)/g)) out[m[1] ?? ''] = unquote(m[2] ?? '')
  return out
}
