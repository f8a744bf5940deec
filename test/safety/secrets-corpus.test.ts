/**
 * The secrets promise as a corpus. Each case is a real-format snippet (the lines OpenStack services,
 * sos, the openstack client and keystoneauth really write: the layouts follow the upstream sample
 * configuration files and the lab captures) with a secret placed where the real one goes. The secret
 * values are generated here (a seeded PRNG, and real PEM keys from node:crypto), not written by hand, so
 * they are not shaped to the redaction rules. Every secret must be gone after redaction; every look-alike
 * (ids, hosts, option names that merely mention "password" or "token") must survive untouched.
 */
import {generateKeyPairSync, randomUUID} from 'node:crypto'
import {describe, expect, it} from 'vitest'

import {REDACTED, redactSecrets} from '../../src/collect/redact.js'

const SEED = Number(process.env['CLOUDTRIAGE_FUZZ_SEED'] ?? 20261122)

/** mulberry32: a small seeded PRNG, so a failing case can be replayed with the seed it printed. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const random = prng(SEED)
const pick = (alphabet: string, min: number, max: number): string => {
  const length = min + Math.floor(random() * (max - min + 1))
  return Array.from({length}, () => alphabet[Math.floor(random() * alphabet.length)]).join('')
}
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
/** What operators and installers (kolla-genpwd, TripleO, pwgen -y) put in config files. */
const confPassword = (): string => pick(`${ALNUM}!#$%^&*()_+-=.,~[]{}`, 12, 40)
/** Passwords inside URLs are percent-encoded where needed; these are the characters left bare. */
const urlPassword = (): string => pick(`${ALNUM}-._~`, 12, 40)
const hex = (n: number): string => pick('0123456789abcdef', n, n)
const fernet = (): string => `gAAAAAB${pick(`${ALNUM}-_`, 176, 176)}`
const b64 = (n: number): string => pick(`${ALNUM}+/`, n, n)

interface SecretCase {
  readonly name: string
  readonly text: string
  /** Strings that must not survive redaction. */
  readonly secrets: readonly string[]
  /** Strings that must survive (the shape an operator needs to read the line). */
  readonly keeps: readonly string[]
}

function conf(
  name: string,
  make: (pw: string) => {text: string; keeps: string[]},
  secret = confPassword,
): SecretCase[] {
  return [0, 1, 2].map((i) => {
    const pw = secret()
    const {text, keeps} = make(pw)
    return {name: `${name} #${i + 1}`, text, secrets: [pw], keeps}
  })
}

const pemKeys = (): SecretCase[] => {
  const out: SecretCase[] = []
  const add = (name: string, pem: string): void => {
    const body = pem.split('\n').filter((l) => l && !l.startsWith('-----'))
    out.push({
      name,
      text: `# /etc/octavia/certs/private/cakey.pem\n${pem}\n# end of file\n`,
      secrets: body,
      keeps: ['# end of file'],
    })
  }
  const rsa = generateKeyPairSync('rsa', {modulusLength: 2048})
  add(
    'RSA key, PKCS#1 (BEGIN RSA PRIVATE KEY)',
    rsa.privateKey.export({type: 'pkcs1', format: 'pem'}) as string,
  )
  add('RSA key, PKCS#8 (BEGIN PRIVATE KEY)', rsa.privateKey.export({type: 'pkcs8', format: 'pem'}) as string)
  add(
    'RSA key, encrypted PKCS#8 (BEGIN ENCRYPTED PRIVATE KEY)',
    rsa.privateKey.export({type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x'}) as string,
  )
  const ec = generateKeyPairSync('ec', {namedCurve: 'prime256v1'})
  add('EC key, SEC1 (BEGIN EC PRIVATE KEY)', ec.privateKey.export({type: 'sec1', format: 'pem'}) as string)
  const ed = generateKeyPairSync('ed25519')
  add('Ed25519 key, PKCS#8', ed.privateKey.export({type: 'pkcs8', format: 'pem'}) as string)
  return out
}

const SECRETS: readonly SecretCase[] = [
  // nova.conf / neutron.conf / cinder.conf / keystone.conf
  ...conf(
    'nova.conf [database] connection',
    (pw) => ({
      text: `[database]\nconnection = mysql+pymysql://nova:${pw}@controller/nova\nmax_pool_size = 5\n`,
      keeps: ['mysql+pymysql://nova:', '@controller/nova', 'max_pool_size = 5'],
    }),
    urlPassword,
  ),
  ...conf(
    'nova.conf [api_database] connection with port and charset',
    (pw) => ({
      text: `[api_database]\nconnection = mysql+pymysql://nova_api:${pw}@controller-0.internalapi.localdomain:3306/nova_api?read_default_file=/etc/my.cnf.d/tripleo.cnf&read_default_group=tripleo\n`,
      keeps: ['@controller-0.internalapi.localdomain:3306/nova_api'],
    }),
    urlPassword,
  ),
  ...conf(
    'nova.conf transport_url',
    (pw) => ({
      text: `[DEFAULT]\nmy_ip = 10.0.0.31\ntransport_url = rabbit://openstack:${pw}@controller:5672/\n`,
      keeps: ['rabbit://openstack:', '@controller:5672/', 'my_ip = 10.0.0.31'],
    }),
    urlPassword,
  ),
  ...conf(
    'transport_url with three rabbit hosts',
    (pw) => ({
      text: `transport_url=rabbit://guest:${pw}@controller-0.internalapi.localdomain:5672,guest:${pw}@controller-1.internalapi.localdomain:5672,guest:${pw}@controller-2.internalapi.localdomain:5672/?ssl=0\n`,
      keeps: ['controller-2.internalapi.localdomain:5672'],
    }),
    urlPassword,
  ),
  ...conf('nova.conf [keystone_authtoken] password', (pw) => ({
    text: `[keystone_authtoken]\nwww_authenticate_uri = http://controller:5000/\nauth_url = http://controller:5000/\nmemcached_servers = controller:11211\nauth_type = password\nproject_domain_name = Default\nuser_domain_name = Default\nproject_name = service\nusername = nova\npassword = ${pw}\n`,
    keeps: ['auth_type = password', 'username = nova', 'password = '],
  })),
  ...conf('nova.conf [neutron] metadata_proxy_shared_secret', (pw) => ({
    text: `[neutron]\nauth_url = http://controller:5000\nservice_metadata_proxy = true\nmetadata_proxy_shared_secret = ${pw}\n`,
    keeps: ['service_metadata_proxy = true', 'metadata_proxy_shared_secret = '],
  })),
  ...conf('nova.conf [placement] password with no spaces around =', (pw) => ({
    text: `[placement]\nregion_name=RegionOne\nusername=placement\npassword=${pw}\n`,
    keeps: ['region_name=RegionOne', 'username=placement'],
  })),
  ...conf(
    'neutron.conf [database] connection',
    (pw) => ({
      text: `[database]\nconnection = mysql+pymysql://neutron:${pw}@controller/neutron\n`,
      keeps: ['@controller/neutron'],
    }),
    urlPassword,
  ),
  ...conf('neutron.conf [nova] password', (pw) => ({
    text: `[nova]\nauth_url = http://controller:5000\nauth_type = password\nregion_name = RegionOne\nusername = nova\npassword = ${pw}\n`,
    keeps: ['region_name = RegionOne'],
  })),
  ...conf('metadata_agent.ini shared secret', (pw) => ({
    text: `[DEFAULT]\nnova_metadata_host = controller\nmetadata_proxy_shared_secret = ${pw}\n`,
    keeps: ['nova_metadata_host = controller'],
  })),
  ...conf(
    'cinder.conf [database] connection',
    (pw) => ({
      text: `[database]\nconnection = mysql+pymysql://cinder:${pw}@controller/cinder\n`,
      keeps: ['@controller/cinder'],
    }),
    urlPassword,
  ),
  ...conf('cinder.conf [keystone_authtoken] memcache_secret_key', (pw) => ({
    text: `[keystone_authtoken]\nmemcache_security_strategy = ENCRYPT\nmemcache_secret_key = ${pw}\n`,
    keeps: ['memcache_security_strategy = ENCRYPT'],
  })),
  ...conf(
    'keystone.conf admin_token',
    () => ({text: '', keeps: []}),
    () => hex(20),
  ).map((c) => ({
    ...c,
    text: `[DEFAULT]\nadmin_token = ${c.secrets[0]}\n`,
    keeps: ['admin_token = '],
  })),
  ...conf(
    'keystone.conf [cache] redis backend_argument',
    (pw) => ({
      text: `[cache]\nbackend = dogpile.cache.redis\nbackend_argument = url:redis://:${pw}@controller:6379\n`,
      keeps: ['backend = dogpile.cache.redis', '@controller:6379'],
    }),
    urlPassword,
  ),
  ...conf('heat.conf stack_domain_admin_password and auth_encryption_key', (pw) => ({
    text: `[DEFAULT]\nstack_domain_admin = heat_domain_admin\nstack_domain_admin_password = ${pw}\n`,
    keeps: ['stack_domain_admin = heat_domain_admin'],
  })),
  ...conf('octavia.conf ca_private_key_passphrase', (pw) => ({
    text: `[certificates]\nca_certificate = /etc/octavia/certs/ca_01.pem\nca_private_key_passphrase = ${pw}\n`,
    keeps: ['ca_certificate = /etc/octavia/certs/ca_01.pem'],
  })),
  ...conf('rabbitmq.conf default_pass', (pw) => ({
    text: `listeners.tcp.default = 5672\ndefault_user = openstack\ndefault_pass = ${pw}\n`,
    keeps: ['default_user = openstack'],
  })),
  ...conf('galera.cnf wsrep_sst_auth', (pw) => ({
    text: `[galera]\nwsrep_sst_method = rsync\nwsrep_sst_auth = root:${pw}\n`,
    keeps: ['wsrep_sst_method = rsync'],
  })),
  ...conf(
    'ceph client keyring key',
    () => ({text: '', keeps: []}),
    () => `AQ${b64(36)}==`,
  ).map((c) => ({
    ...c,
    text: `[client.cinder]\n\tkey = ${c.secrets[0]}\n\tcaps mon = "profile rbd"\n`,
    keeps: ['[client.cinder]', 'caps mon = "profile rbd"'],
  })),
  // environments: openrc, `env`, sos's environment file, process listings
  ...conf('admin-openrc export OS_PASSWORD', (pw) => ({
    text: `export OS_PROJECT_DOMAIN_NAME=Default\nexport OS_USERNAME=admin\nexport OS_PASSWORD=${pw}\nexport OS_AUTH_URL=http://controller:5000/v3\n`,
    keeps: ['export OS_USERNAME=admin', 'export OS_AUTH_URL=http://controller:5000/v3'],
  })),
  ...conf(
    'openrc with a quoted OS_PASSWORD',
    (pw) => ({
      text: `export OS_PASSWORD='${pw}'\nexport OS_IDENTITY_API_VERSION=3\n`,
      keeps: ['export OS_IDENTITY_API_VERSION=3'],
    }),
    urlPassword,
  ),
  ...conf('sos environment file OS_PASSWORD', (pw) => ({
    text: `HOME=/root\nLANG=C.UTF-8\nOS_AUTH_URL=http://controller:5000/v3\nOS_PASSWORD=${pw}\nOS_USERNAME=admin\nPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin\n`,
    keeps: ['OS_USERNAME=admin', 'LANG=C.UTF-8'],
  })),
  ...conf('env OS_TOKEN', () => ({text: '', keeps: []}), fernet).map((c) => ({
    ...c,
    text: `OS_AUTH_TYPE=token\nOS_TOKEN=${c.secrets[0]}\n`,
    keeps: ['OS_AUTH_TYPE=token'],
  })),
  ...conf('env OS_APPLICATION_CREDENTIAL_SECRET', (pw) => ({
    text: `OS_AUTH_TYPE=v3applicationcredential\nOS_APPLICATION_CREDENTIAL_ID=3f0e2b1c9d8a4e7f8a6b5c4d3e2f1a0b\nOS_APPLICATION_CREDENTIAL_SECRET=${pw}\n`,
    keeps: ['OS_APPLICATION_CREDENTIAL_ID=3f0e2b1c9d8a4e7f8a6b5c4d3e2f1a0b'],
  })),
  ...conf(
    'ps auxww with openstack --os-password',
    (pw) => ({
      text: `root      20331  0.0  0.4 112232 70312 pts/0    S+   06:10   0:01 /usr/bin/python3 /usr/bin/openstack --os-username admin --os-password ${pw} server list\n`,
      keeps: ['--os-username admin', 'server list'],
    }),
    urlPassword,
  ),
  ...conf(
    'ps with mysql -p',
    (pw) => ({
      text: `root      4711  0.0  0.0  28324  9876 pts/1    S+   06:12   0:00 mysql -unova -p${pw} nova\n`,
      keeps: ['mysql -unova -p'],
    }),
    urlPassword,
  ),
  // clouds.yaml
  ...conf(
    'clouds.yaml password',
    (pw) => ({
      text: `clouds:\n  mycloud:\n    auth:\n      auth_url: http://controller:5000/v3\n      username: admin\n      password: ${pw}\n      project_name: admin\n    region_name: RegionOne\n`,
      keeps: ['username: admin', 'project_name: admin'],
    }),
    urlPassword,
  ),
  ...conf(
    'clouds.yaml quoted password',
    (pw) => ({
      text: `      password: "${pw}"\n      user_domain_name: Default\n`,
      keeps: ['user_domain_name: Default'],
    }),
    urlPassword,
  ),
  ...conf('clouds.yaml application_credential_secret', (pw) => ({
    text: `    auth_type: v3applicationcredential\n    auth:\n      application_credential_secret: ${pw}\n`,
    keeps: ['auth_type: v3applicationcredential'],
  })),
  // HTTP and logs: keystoneauth/novaclient debug, keystone logs, token output
  ...conf('keystoneauth REQ curl line with X-Auth-Token', () => ({text: '', keeps: []}), fernet).map((c) => ({
    ...c,
    text: `2024-05-01 10:00:00.123 12 DEBUG keystoneauth.session [req-1b6f2e44-8f1a-4a57-9b1e-3c1f07e5d3a2 - - - - -] REQ: curl -g -i -X GET http://controller:8774/v2.1/servers/detail -H "Accept: application/json" -H "User-Agent: python-novaclient" -H "X-Auth-Token: ${c.secrets[0]}" -H "X-OpenStack-Nova-API-Version: 2.1"\n`,
    keeps: ['req-1b6f2e44-8f1a-4a57-9b1e-3c1f07e5d3a2', 'X-OpenStack-Nova-API-Version: 2.1'],
  })),
  ...conf('raw X-Subject-Token header', () => ({text: '', keeps: []}), fernet).map((c) => ({
    ...c,
    text: `HTTP/1.1 201 CREATED\nDate: Wed, 01 May 2024 10:00:00 GMT\nX-Subject-Token: ${c.secrets[0]}\nVary: X-Auth-Token\n`,
    keeps: ['Vary: X-Auth-Token', 'HTTP/1.1 201 CREATED'],
  })),
  ...conf('bare fernet token in a keystone log', () => ({text: '', keeps: []}), fernet).map((c) => ({
    ...c,
    text: `2024-05-01 10:00:01.001 27 WARNING keystone.server.flask.application [req-0f6d4a1e-2b7c-4d8e-9f01-23456789abcd 9a8b - - - -] Could not recognize Fernet token: ${c.secrets[0]}\n`,
    keeps: ['req-0f6d4a1e-2b7c-4d8e-9f01-23456789abcd', 'Could not recognize Fernet token'],
  })),
  ...conf('openstack token issue -f json', () => ({text: '', keeps: []}), fernet).map((c) => ({
    ...c,
    text: `{\n  "expires": "2024-05-01T11:00:00+0000",\n  "id": "${c.secrets[0]}",\n  "project_id": "0c7a3f5e1d2b4c6a8e9f0a1b2c3d4e5f"\n}\n`,
    keeps: ['"project_id": "0c7a3f5e1d2b4c6a8e9f0a1b2c3d4e5f"'],
  })),
  ...conf(
    'Authorization: Basic header',
    () => ({text: '', keeps: []}),
    () => Buffer.from(`admin:${urlPassword()}`).toString('base64'),
  ).map((c) => ({
    ...c,
    text: `GET /api/overview HTTP/1.1\nHost: controller:15672\nAuthorization: Basic ${c.secrets[0]}\n`,
    keeps: ['Host: controller:15672'],
  })),
  ...conf(
    'JSON password auth body in a debug log',
    (pw) => ({
      text: `REQ BODY: {"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin", "domain": {"name": "Default"}, "password": "${pw}"}}}}}\n`,
      keeps: ['"methods": ["password"]', '"name": "admin"'],
    }),
    urlPassword,
  ),
  ...conf(
    'basic-auth URL in a log line',
    (pw) => ({
      text: `2024-05-01 10:00:02.000 31 ERROR oslo.messaging._drivers.impl_rabbit [-] Connection failed: [Errno 111] ECONNREFUSED (retrying in 2.0 seconds): http://admin:${pw}@controller:15672/api/queues\n`,
      keeps: ['@controller:15672/api/queues', 'ECONNREFUSED'],
    }),
    urlPassword,
  ),
  ...conf(
    '--os-password= flag',
    (pw) => ({
      text: `$ openstack --os-cloud=prod --os-password=${pw} server list\n`,
      keeps: ['--os-cloud=prod', 'server list'],
    }),
    urlPassword,
  ),
  ...pemKeys(),
]

/** Text that looks like a secret to a careless rule and must come through untouched. */
const LOOK_ALIKES: readonly string[] = [
  `id = ${randomUUID()}`,
  `| id                                   | ${randomUUID()} |`,
  `"server_id": "${randomUUID()}"`,
  '2024-05-01 10:00:00.123 12 INFO nova.compute.manager [req-6a8f0a3c-5d2e-4b1f-9c7d-0e1f2a3b4c5d 1f2e3d4c5b6a47980a1b2c3d4e5f6a7b 0c7a3f5e1d2b4c6a8e9f0a1b2c3d4e5f - default default] [instance: 0b3a6b1e-2c4d-4e5f-8a9b-0c1d2e3f4a5b] Took 2.31 seconds to spawn the instance on the hypervisor.',
  'x-openstack-request-id: req-6a8f0a3c-5d2e-4b1f-9c7d-0e1f2a3b4c5d',
  'controller-0.internalapi.localdomain',
  'compute-1.example.com has address 198.51.100.21',
  'password_hash_algorithm = bcrypt',
  'password_hash_rounds = 12',
  'password_regex = ^(?=.*\\d)(?=.*[a-zA-Z]).{7,}$',
  'password_regex_description = Passwords must contain at least 1 letter, 1 digit, and be a minimum length of 7 characters.',
  'unique_last_password_count = 5',
  'minimum_password_age = 0',
  'change_password_upon_first_use = true',
  'token_expiration = 3600',
  'expiration = 3600',
  'token_cache_time = 300',
  'service_token_roles_required = true',
  'max_active_keys = 3',
  'key_repository = /etc/keystone/fernet-keys/',
  'auth_type = password',
  'auth_strategy = keystone',
  'provider = fernet',
  'rbd_secret_uuid = 457eb676-33da-42ec-9a8c-9293d545c337',
  'ssl_key_file = /etc/pki/tls/private/nova.key',
  'memcache_security_strategy = ENCRYPT',
  'transport_url = rabbit://controller:5672/',
  'connection = sqlite:////var/lib/nova/nova.sqlite',
  'www_authenticate_uri = http://controller:5000/',
  'auth_url = http://controller:5000/v3',
  '| 7e1c3d2a-4f5b-6c7d-8e9f-0a1b2c3d4e5f | Open vSwitch agent | compute-0 | None | :-) | UP | neutron-openvswitch-agent |',
  ' cookie=0x9d5b2b6f8e1a2c3d, duration=1234.567s, table=0, n_packets=42, n_bytes=4200, priority=65535,vlan_tci=0x0fff/0x1fff actions=drop',
  'Port "tap0b3a6b1e-2c"\n    tag: 1\n    Interface "tap0b3a6b1e-2c"',
  'fingerprint SHA256:2nbV8uNvM0dT7rS8F1cLq9p3yWmZ4aX5bC6dE7fG8hI',
  'sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
]

describe('the secrets corpus', () => {
  it.each(SECRETS.map((c) => [c.name, c]))('redacts %s', (_name, c) => {
    const out = redactSecrets(c.text)
    for (const secret of c.secrets) {
      expect(out.includes(secret), `seed ${SEED}: secret survived in ${JSON.stringify(out)}`).toBe(false)
    }
    expect(out).toContain(REDACTED)
    for (const keep of c.keeps) expect(out).toContain(keep)
    // Redacting twice changes nothing: reports and bundles re-redact what sources already did.
    expect(redactSecrets(out)).toBe(out)
  })

  it.each(LOOK_ALIKES.map((text) => [text.slice(0, 70), text]))('keeps the look-alike %s', (_name, text) => {
    expect(redactSecrets(text)).toBe(text)
  })

  it('has at least 100 real-format secrets and 30 look-alikes (figures in docs/SAFETY.md)', () => {
    const secrets = SECRETS.reduce(
      (n, c) =>
        n +
        (c.name.startsWith('RSA') || c.name.startsWith('EC') || c.name.startsWith('Ed')
          ? 1
          : c.secrets.length),
      0,
    )
    expect(SECRETS.length).toBeGreaterThanOrEqual(100)
    expect(LOOK_ALIKES.length).toBeGreaterThanOrEqual(30)
    console.info(
      `secrets corpus (seed ${SEED}): ${SECRETS.length} snippets holding ${secrets} secrets, 100% redacted; ${LOOK_ALIKES.length} look-alikes kept`,
    )
  })
})
