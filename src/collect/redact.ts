/**
 * Secret redaction. Runs on every piece of gathered text before it is kept anywhere (facts, bundle,
 * report, cache), live or offline: sosreports are scrubbed by sos, but not always, and not of everything.
 *
 * Each rule keeps the shape of the line (key names, hosts, ports, usernames) and replaces only the secret,
 * so an operator can still see *which* credential a service uses without seeing it.
 */

export const REDACTED = '***'

/**
 * Option names that mention a secret but hold a setting about it (an algorithm, a lifetime, a count, a
 * path, an id). Their values are what an operator needs to see; the secret itself never sits in them.
 */
const SETTING_NOT_SECRET =
  /(_hash_algorithm|_hash_rounds|_regex|_regex_description|_expiration|_expires_days|_count|_age|_upon_first_use|_cache_time|_time|_roles_required|_required|_keys|_uuid|_id|_file|_path|_dir|_repository|_strategy|_provider|_type|_length|_interval|_timeout|_ttl)$/i

interface Rule {
  readonly name: string
  readonly pattern: RegExp
  readonly replace: (match: string, ...groups: string[]) => string
}

const RULES: readonly Rule[] = [
  {
    // -----BEGIN ... PRIVATE KEY----- blocks, whole.
    name: 'private-key',
    pattern: /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g,
    replace: (_m, kind) => `-----BEGIN ${kind}PRIVATE KEY----- ${REDACTED} -----END ${kind}PRIVATE KEY-----`,
  },
  {
    // scheme://user:password@host — transport_url, connection, memcache, any basic-auth URL.
    name: 'url-credentials',
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@'"]*):([^\s@'"]+)@/gi,
    replace: (_m, scheme, user) => `${scheme}${user}:${REDACTED}@`,
  },
  {
    // Multi-host rabbit URLs: rabbit://u:p@h1:5672,u:p@h2:5672/
    name: 'url-extra-hosts',
    pattern: /(,)([^\s:/@,'"]+):([^\s@,'"]+)@/g,
    replace: (_m, comma, user) => `${comma}${user}:${REDACTED}@`,
  },
  {
    // INI / env / YAML assignments whose key names a secret: password = x, OS_PASSWORD=x, admin_token: x,
    // default_pass (rabbitmq.conf), wsrep_sst_auth (galera), `key = ` (ceph keyrings). Keys that only
    // configure a secret (password_hash_algorithm, token_expiration, rbd_secret_uuid) are left alone.
    name: 'secret-assignment',
    pattern:
      /^(\s*(?:export\s+)?([A-Za-z0-9_.-]*(?:password|passwd|passphrase|secret|token|_key|apikey|api_key|credential|auth_key|fernet|_pass|sst_auth)[A-Za-z0-9_.-]*|key)\s*[=:]\s*)(?!\*\*\*)(\S.*?)[ \t]*$/gim,
    replace: (match, head, key) => (SETTING_NOT_SECRET.test(key) ? match : `${head}${REDACTED}`),
  },
  {
    // The same assignment in the middle of a line (an error message, an oslo.config dump after the log
    // prefix, a JSON-less debug line): the value runs to the next whitespace.
    name: 'inline-secret-assignment',
    pattern:
      /(?<=[\s,;([{])(([A-Za-z0-9_.-]*(?:password|passwd|passphrase|secret|_key|apikey|api_key|credential|auth_key|_pass|sst_auth)[A-Za-z0-9_.-]*)\s?[=:]\s?)(?!\*\*\*)([^\s,;)\]}]+)/gi,
    replace: (match, head, key) => (SETTING_NOT_SECRET.test(key) ? match : `${head}${REDACTED}`),
  },
  {
    // HTTP headers carrying tokens: X-Auth-Token, X-Subject-Token, X-Service-Token, Authorization.
    name: 'token-header',
    pattern:
      /((?:X-Auth-Token|X-Subject-Token|X-Service-Token|Authorization)["']?\s*[:=]\s*["']?(?:Bearer |Basic )?)([^\s"',}]+)/gi,
    replace: (_m, head) => `${head}${REDACTED}`,
  },
  {
    // Keystone fernet tokens (gAAAAA…) appearing bare in logs or CLI output.
    name: 'fernet-token',
    pattern: /\bgAAAAA[A-Za-z0-9_-]{40,}={0,2}/g,
    replace: () => REDACTED,
  },
  {
    // CLI flags: --os-password x, --password=x, mysql -pSECRET
    name: 'password-flag',
    pattern: /(--(?:os-)?(?:password|token|secret)(?:=|\s+))(\S+)/gi,
    replace: (_m, head) => `${head}${REDACTED}`,
  },
  {
    name: 'mysql-inline-password',
    pattern: /(\bmysql(?:admin|dump)?\b[^\n]*?\s-p)(?!\s)(\S+)/g,
    replace: (_m, head) => `${head}${REDACTED}`,
  },
  {
    // JSON bodies in debug logs: "password": "x", "token": {"id": "x"} is covered by the header rule's
    // neighbour below; keep both quoted forms.
    name: 'json-secret',
    pattern:
      /("(?:password|secret|token|admin_password|auth_token|api_key|passwd)"\s*:\s*")((?:[^"\\]|\\.)*)"/gi,
    replace: (_m, head) => `${head}${REDACTED}"`,
  },
]

/** Redact every known secret form in `text`. Idempotent. */
export function redactSecrets(text: string): string {
  let out = text
  for (const rule of RULES) {
    out = out.replace(rule.pattern, rule.replace)
  }
  return out
}

/** Names of the rules, for SAFETY.md and tests. */
export const REDACTION_RULES: readonly string[] = RULES.map((rule) => rule.name)
