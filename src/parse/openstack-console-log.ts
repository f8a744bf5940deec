/** A line of the console log that shows the guest failing to reach the metadata service. */
export interface MetadataFailure {
  /** 1-based line number in the console log. */
  line: number
  text: string
}

/** What `openstack console log show` tells us about the guest's first boot. */
export interface ConsoleLog {
  lines: number
  cloudInit: {
    metadataFailures: MetadataFailure[]
    /** The guest got no SSH key from the cloud (no keypair, or metadata never answered). */
    noKeys: boolean
    /** cloud-init printed the authorized keys it installed. */
    keysInjected: boolean
    /** The datasource the guest used, as printed (e.g. "DataSourceOpenStack [net,ver=2]", "ec2, net"). */
    dataSource: string | null
    /** cloud-init reached its final stage, or cirros reached its login prompt. */
    finished: boolean
  }
}

const METADATA = String.raw`(?:169\.254\.169\.254|\[fe80::a9fe:a9fe\])`
// cloud-init: url_helper.py[WARNING]: Calling 'http://169.254.169.254/...' failed [0/120s]: ...
const CLOUD_INIT_CALL_FAILED = new RegExp(String.raw`Calling '[a-z]+://${METADATA}[^']*' failed`)
// cirros: "checking http://169.254.169.254/2009-04-04/instance-id" then "failed 1/20: up 1.13. request failed"
const CIRROS_CHECKING = new RegExp(String.raw`checking [a-z]+://${METADATA}`)
const CIRROS_ATTEMPT_FAILED = /^\s*failed \d+\/\d+: up [\d.]+\. request failed/
const CIRROS_GAVE_UP = /failed to read iid from metadata/
// cirros: "failed to get http://169.254.169.254/2009-04-04/meta-data/public-keys" is how it says the
// instance has no keypair or user-data: those keys 404 while metadata itself works.
const CIRROS_GET_FAILED = new RegExp(String.raw`failed to get [a-z]+://${METADATA}(\S*)`)
const OPTIONAL_METADATA = /\/(public-keys|user-data)\/?$/

/** Reads a guest console log for the first-boot signs a "cannot SSH to my VM" playbook needs. */
export function parseConsoleLog(text: string): ConsoleLog {
  const lines = text.replace(/\r\n?/g, '\n').split('\n')
  if (lines.at(-1) === '') lines.pop()
  const metadataFailures: MetadataFailure[] = []
  let noKeys = false
  let keysInjected = false
  let dataSource: string | null = null
  let finished = false
  let cirrosChecking = false
  lines.forEach((raw, i) => {
    const line = raw.trim()
    const failure = (): void => void metadataFailures.push({line: i + 1, text: line})
    if (CIRROS_CHECKING.test(line)) cirrosChecking = true
    if (CLOUD_INIT_CALL_FAILED.test(line) || CIRROS_GAVE_UP.test(line)) failure()
    else if (cirrosChecking && CIRROS_ATTEMPT_FAILED.test(line)) failure()
    else {
      const get = CIRROS_GET_FAILED.exec(line)
      if (get && !OPTIONAL_METADATA.test(get[1] ?? '')) failure()
    }
    if (
      /no authorized ssh keys fingerprints found for user/i.test(line) ||
      /no ec2 metadata for public-keys/.test(line)
    )
      noKeys = true
    if (/Authorized keys from \S+ for user/.test(line)) keysInjected = true
    const ds =
      /Datasource (DataSource\w+(?: \[[^\]]*\])?)/.exec(line) ?? /found datasource \(([^)]*)\)/.exec(line)
    if (ds) dataSource = ds[1] ?? null
    if (/Cloud-init v\. \S+ finished at/.test(line) || /login as '[^']+' user/.test(line)) finished = true
  })
  return {lines: lines.length, cloudInit: {metadataFailures, noKeys, keysInjected, dataSource, finished}}
}
