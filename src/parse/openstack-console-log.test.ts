import {describe, expect, it} from 'vitest'

import {parseConsoleLog} from './openstack-console-log.js'

// No console log was captured from the lab (its fake virt driver boots nothing). The excerpts below
// are real guest console output quoted from public reports; each cites where it was published.

// cloud-init failing to reach metadata, from https://github.com/scylladb/scylladb/issues/3630
const CLOUD_INIT_NO_METADATA = `[   32.125604] cloud-init[1874]: ci-info: !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!Route info failed!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
[   32.338963] cloud-init[1874]: 2018-07-25 09:59:35,752 - url_helper.py[WARNING]: Calling 'http://169.254.169.254/2009-04-04/meta-data/instance-id' failed [0/120s]: unexpected error ['NoneType' object has no attribute 'status_code']


CentOS Linux 7 (Core)
Kernel 3.10.0-514.10.2.el7.x86_64 on an x86_64

ip-172-30-0-110 login: [   33.341943] cloud-init[1874]: 2018-07-25 09:59:36,755 - url_helper.py[WARNING]: Calling 'http://169.254.169.254/2009-04-04/meta-data/instance-id' failed [1/120s]: unexpected error ['NoneType' object has no attribute 'status_code']
[   34.344983] cloud-init[1874]: 2018-07-25 09:59:37,758 - url_helper.py[WARNING]: Calling 'http://169.254.169.254/2009-04-04/meta-data/instance-id' failed [2/120s]: unexpected error ['NoneType' object has no attribute 'status_code']
`

// cirros giving up on metadata: lines quoted in the OPNFV functest user guide's troubleshooting
// section and in a public OpenStack provider FAQ on `nova console-log` (both found through the code
// search corpus; the middle retries are elided here as they are there). cirros prints
// "checking $MDURL/instance-id" (cirros-dev/cirros src/lib/cirros/ds/ec2, see cirros issue #134).
const CIRROS_NO_METADATA = `Starting network...
udhcpc (v1.20.1) started
checking http://169.254.169.254/2009-04-04/instance-id
failed 1/20: up 1.13. request failed
failed 19/20: up 217.56. request failed
failed 20/20: up 229.58. request failed
failed to read iid from metadata. tried 20
`

// cirros with working metadata but no keypair, from a public RDO walkthrough (virsh console of
// instance-00000005, cirros 0.3.5), found through the code search corpus.
const CIRROS_NO_KEYPAIR = `no results found for mode=local. up 3.72. searched: nocloud configdrive ec2
Starting network...
udhcpc (v1.20.1) started
Sending discover...
Sending select for 192.168.31.144...
Lease of 192.168.31.144 obtained, lease time 86400
cirros-ds 'net' up at 4.38
checking http://169.254.169.254/2009-04-04/instance-id
successful after 1/20 tries: up 4.51. iid=i-00000005
failed to get http://169.254.169.254/2009-04-04/meta-data/public-keys
warning: no ec2 metadata for public-keys
failed to get http://169.254.169.254/2009-04-04/user-data
warning: no ec2 metadata for user-data
found datasource (ec2, net)
Top of dropbear init script
Starting dropbear sshd: WARN: generating key of type ecdsa failed!
OK
=== cirros: current=0.3.5 uptime=10.57 ===
login as 'cirros' user. default password: 'cubswin:)'. use 'sudo' for root.
cirros1-subnet1 login: 
`

// cloud-init that ran to the end without a key: the ci-info line is from a public Ubuntu 20.04
// serial console (cloud-init 21.4); the final line is cloud-init's default final_message
// ("Cloud-init v. {version} finished at {timestamp}. Datasource {datasource}.  Up {uptime} seconds",
// cloudinit/config/cc_final_message.py) as an OpenStack guest prints it.
const CLOUD_INIT_FINISHED_NO_KEY = `[  307.519991] cloud-init[1249]: Cloud-init v. 21.4-0ubuntu1~20.04.1 running 'modules:config' at Thu, 06 Jan 2022 15:27:13 +0000. Up 297.85 seconds.
ci-info: no authorized SSH keys fingerprints found for user ubuntu.
[  320.112233] cloud-init[1301]: Cloud-init v. 21.4-0ubuntu1~20.04.1 finished at Thu, 06 Jan 2022 15:27:31 +0000. Datasource DataSourceOpenStack [net,ver=2].  Up 320.05 seconds
`

describe('parseConsoleLog', () => {
  it('lists each cloud-init metadata call that failed, with its line number', () => {
    const log = parseConsoleLog(CLOUD_INIT_NO_METADATA)
    expect(log.lines).toBe(9)
    expect(log.cloudInit.metadataFailures.map((f) => f.line)).toEqual([2, 8, 9])
    expect(log.cloudInit.metadataFailures[0]?.text).toMatch(
      /^\[ {3}32.338963\] cloud-init\[1874\].*failed \[0\/120s\]/,
    )
    expect(log.cloudInit.finished).toBe(false)
  })

  it('counts cirros retries and its give-up line as metadata failures', () => {
    const log = parseConsoleLog(CIRROS_NO_METADATA)
    expect(log.cloudInit.metadataFailures.map((f) => f.text)).toEqual([
      'failed 1/20: up 1.13. request failed',
      'failed 19/20: up 217.56. request failed',
      'failed 20/20: up 229.58. request failed',
      'failed to read iid from metadata. tried 20',
    ])
    expect(log.cloudInit.dataSource).toBeNull()
  })

  it('tells "no keypair" apart from "no metadata" on cirros: public-keys 404 is not a failure', () => {
    const log = parseConsoleLog(CIRROS_NO_KEYPAIR)
    expect(log.cloudInit).toEqual({
      metadataFailures: [],
      noKeys: true,
      keysInjected: false,
      dataSource: 'ec2, net',
      finished: true,
    })
  })

  it('reads the datasource and the end of a cloud-init run that installed no key', () => {
    const log = parseConsoleLog(CLOUD_INIT_FINISHED_NO_KEY)
    expect(log.cloudInit).toEqual({
      metadataFailures: [],
      noKeys: true,
      keysInjected: false,
      dataSource: 'DataSourceOpenStack [net,ver=2]',
      finished: true,
    })
  })

  it('sees injected keys in the ci-info authorized keys banner', () => {
    expect(
      parseConsoleLog(
        'ci-info: ++++++Authorized keys from /home/ubuntu/.ssh/authorized_keys for user ubuntu+++++++\n',
      ).cloudInit.keysInjected,
    ).toBe(true)
  })

  it('returns an empty record for an empty log or an error message', () => {
    const empty = {
      lines: 0,
      cloudInit: {
        metadataFailures: [],
        noKeys: false,
        keysInjected: false,
        dataSource: null,
        finished: false,
      },
    }
    expect(parseConsoleLog('')).toEqual(empty)
    expect(parseConsoleLog("No server with a name or ID of 'vm-x' exists.\n").cloudInit).toEqual(
      empty.cloudInit,
    )
  })
})
