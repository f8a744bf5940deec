import {readFileSync} from 'node:fs'
import {homedir, userInfo} from 'node:os'
import SSHConfig from 'ssh-config'

/**
 * What the operator's ~/.ssh/config says about a host, so an inventory can name nodes the way `ssh` does
 * (`- name: compute-3` with HostName, User, Port, IdentityFile and ProxyJump coming from ssh config).
 *
 * `Match exec` is never evaluated (it would run commands from a config file). `Include` is not followed;
 * tokens are expanded for the few directives we use.
 */
export interface SshConfigView {
  readonly hostName?: string
  readonly user?: string
  readonly port?: number
  readonly identityFiles: readonly string[]
  readonly proxyJump?: string
}

export function defaultSshConfigPath(home: string = homedir()): string {
  return `${home}/.ssh/config`
}

/** Parse the ssh config, or undefined when the operator has none. Other read errors propagate. */
export function readSshConfig(path: string): SSHConfig | undefined {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  return SSHConfig.parse(text)
}

export function lookupSshConfig(
  config: SSHConfig | undefined,
  name: string,
  home: string = homedir(),
): SshConfigView {
  if (!config) return {identityFiles: []}
  const computed = config.compute(name, {matchExec: false, ignoreCase: true})
  const first = (key: string): string | undefined => {
    const value = computed[key]
    return Array.isArray(value) ? value[0] : value
  }
  const all = (key: string): string[] => {
    const value = computed[key]
    return value === undefined ? [] : Array.isArray(value) ? value : [value]
  }
  const hostName = first('hostname')
  const user = first('user')
  const port = Number(first('port'))
  const proxyJump = first('proxyjump')
  const tokens = {
    name,
    host: hostName ? expandSshTokens(hostName, {name, host: name, user: user ?? ''}) : name,
    user: user ?? userInfo().username,
  }
  return {
    ...(hostName ? {hostName: tokens.host} : {}),
    ...(user ? {user} : {}),
    ...(Number.isInteger(port) && port > 0 ? {port} : {}),
    identityFiles: all('identityfile').map((file) => expandSshTokens(file, tokens, home)),
    ...(proxyJump && proxyJump.toLowerCase() !== 'none' ? {proxyJump} : {}),
  }
}

/** ssh_config(5) TOKENS we support: %% %d %h %n %r %u, and a leading ~. */
export function expandSshTokens(
  value: string,
  tokens: {name: string; host: string; user: string},
  home: string = homedir(),
): string {
  const expanded = value.replaceAll(/%([%dhnru])/g, (_match, token: string) => {
    switch (token) {
      case '%':
        return '%'
      case 'd':
        return home
      case 'h':
        return tokens.host
      case 'n':
        return tokens.name
      case 'r':
        return tokens.user
      default:
        return userInfo().username
    }
  })
  return expanded === '~' ? home : expanded.startsWith('~/') ? `${home}/${expanded.slice(2)}` : expanded
}
