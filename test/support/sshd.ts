/**
 * A real OpenSSH sshd for tests: a child process on 127.0.0.1 with its own host key, config,
 * authorized_keys and known_hosts in a temp dir. Nothing here listens beyond loopback.
 *
 * Use `sshdAvailable` to skip (with a message) where /usr/sbin/sshd is not installed; CI installs it.
 */
import {execFileSync, spawn, type ChildProcess} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

export const SSHD_PATH = '/usr/sbin/sshd'
export const sshdAvailable = existsSync(SSHD_PATH)
export const SSHD_SKIP_REASON = `${SSHD_PATH} not found: install Debian openssh-server to run the real-sshd tests`

export interface KeyPair {
  /** Private key file (OpenSSH format, no passphrase). */
  readonly privatePath: string
  /** `ssh-ed25519 AAAA… comment` */
  readonly publicLine: string
  /** The raw SSH wire-format public key, as ssh2's hostVerifier receives it. */
  readonly blob: Buffer
}

export interface TestSshd {
  readonly host: '127.0.0.1'
  readonly port: number
  readonly dir: string
  readonly hostKey: KeyPair
  /** The listening sshd; each connection is served by a child of it. */
  readonly pid: number
  /** A known_hosts file that lists this server's real host key under `[127.0.0.1]:port`. */
  readonly knownHostsPath: string
  /** Everything sshd wrote to stderr (-e), for diagnosing a failed test. */
  log(): string
  stop(): Promise<void>
}

export interface SshdOptions {
  /** Public key lines allowed to log in. */
  readonly authorizedKeys: readonly string[]
  /** Reuse an existing host key (e.g. to restart on the same identity); generated when absent. */
  readonly hostKey?: KeyPair
  /** More host keys the server offers besides `hostKey` (e.g. an RSA one); not written to known_hosts. */
  readonly extraHostKeys?: readonly KeyPair[]
  /** sshd LogLevel; DEBUG1 shows forwarded (ProxyJump) connections. Default VERBOSE. */
  readonly logLevel?: 'VERBOSE' | 'DEBUG1'
}

/** Generate a key pair with the real ssh-keygen. */
export function generateKeyPair(
  dir: string,
  name: string,
  type: 'ed25519' | 'rsa' | 'ecdsa' = 'ed25519',
): KeyPair {
  const privatePath = join(dir, name)
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    type,
    '-N',
    '',
    '-C',
    `cloudtriage-test-${name}`,
    '-f',
    privatePath,
  ])
  const publicLine = readFileSync(`${privatePath}.pub`, 'utf8').trim()
  return {privatePath, publicLine, blob: Buffer.from(publicLine.split(' ')[1] ?? '', 'base64')}
}

export function makeTempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `cloudtriage-${prefix}-`))
}

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** Start sshd and resolve once it logs that it is listening. Retries on a port race. */
export async function startSshd(options: SshdOptions): Promise<TestSshd> {
  // sshd refuses to start without its privilege separation directory.
  mkdirSync('/run/sshd', {recursive: true, mode: 0o755})
  const dir = makeTempDir('sshd')
  const hostKey = options.hostKey ?? generateKeyPair(dir, 'ssh_host_ed25519_key')
  writeFileSync(join(dir, 'authorized_keys'), options.authorizedKeys.join('\n') + '\n', {mode: 0o600})

  let lastError: unknown
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freeLoopbackPort()
    try {
      return await launch(
        dir,
        port,
        [hostKey, ...(options.extraHostKeys ?? [])],
        options.logLevel ?? 'VERBOSE',
      )
    } catch (error) {
      lastError = error
    }
  }
  rmSync(dir, {recursive: true, force: true})
  throw lastError
}

async function launch(
  dir: string,
  port: number,
  hostKeys: readonly KeyPair[],
  logLevel: string,
): Promise<TestSshd> {
  const hostKey = hostKeys[0] as KeyPair
  const configPath = join(dir, 'sshd_config')
  writeFileSync(
    configPath,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      ...hostKeys.map((key) => `HostKey ${key.privatePath}`),
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'UsePAM no',
      'StrictModes no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'PermitRootLogin prohibit-password',
      'AllowTcpForwarding yes',
      'MaxSessions 10',
      `LogLevel ${logLevel}`,
      '',
    ].join('\n'),
  )
  const knownHostsPath = join(dir, 'known_hosts')
  writeFileSync(knownHostsPath, `[127.0.0.1]:${port} ${hostKey.publicLine}\n`)

  const child: ChildProcess = spawn(SSHD_PATH, ['-D', '-e', '-f', configPath], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let log = ''
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (chunk: string) => {
    log += chunk
  })

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sshd did not start within 10 s:\n${log}`)), 10_000)
    const onData = (): void => {
      if (log.includes('Server listening on')) {
        clearTimeout(timer)
        child.stderr?.off('data', onData)
        resolve()
      }
    }
    child.stderr?.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`sshd exited with ${code}:\n${log}`))
    })
  })

  return {
    host: '127.0.0.1',
    port,
    dir,
    hostKey,
    pid: child.pid ?? 0,
    knownHostsPath,
    log: () => log,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        await exited
      }
      rmSync(dir, {recursive: true, force: true})
    },
  }
}
