import {describe, expect, it} from 'vitest'

import {parseRabbitQueues} from '../../parse/rabbitmq-queues.js'
import {openSosreports, optionValue, tailRequest} from './sosreport-source.js'

describe('tailRequest', () => {
  it('reads tail -n N, tail --lines=N and tail -N on an absolute path as a file request', () => {
    const want = {kind: 'file', path: '/var/log/nova/nova-compute.log', tailLines: 200}
    expect(tailRequest(['tail', '-n', '200', '/var/log/nova/nova-compute.log'])).toEqual(want)
    expect(tailRequest(['/usr/bin/tail', '--lines=200', '/var/log/nova/nova-compute.log'])).toEqual(want)
    expect(tailRequest(['tail', '-200', '/var/log/nova/nova-compute.log'])).toEqual(want)
  })

  it('leaves follow mode, relative paths and other programs alone', () => {
    expect(tailRequest(['tail', '-f', '/var/log/syslog'])).toBeNull()
    expect(tailRequest(['tail', '-n', '5', 'nova.log'])).toBeNull()
    expect(tailRequest(['head', '-n', '5', '/var/log/syslog'])).toBeNull()
  })
})

describe('optionValue', () => {
  it('finds -u X, -uX, --unit X and --unit=X', () => {
    for (const argv of [
      ['journalctl', '-u', 'nova-compute'],
      ['journalctl', '-unova-compute'],
      ['journalctl', '--unit', 'nova-compute'],
      ['journalctl', '--no-pager', '--unit=nova-compute'],
    ]) {
      expect(optionValue(argv, ['-u', '--unit'])).toBe('nova-compute')
    }
    expect(optionValue(['journalctl', '--no-pager'], ['-u', '--unit'])).toBeNull()
  })
})

describe('stand-ins for commands sos never runs, on real sosreports', () => {
  const alarms = {kind: 'command', argv: ['rabbitmq-diagnostics', '-q', 'alarms']} as const

  it('reads the memory alarm out of the rabbitmqctl report sos took while the alarm was raised', async () => {
    // fixtures/lab/rabbitmq-memory-alarm: sos ran on controller-0 with vm_memory_high_watermark at 0.0001.
    const source = await openSosreports('fixtures/lab/rabbitmq-memory-alarm/sos/controller-0.tar.xz')
    try {
      const gathered = await source.gather('controller-0', alarms)
      expect(gathered).toMatchObject({
        status: 'ok',
        exitCode: 0,
        stdout: 'Memory alarm on node rabbit@localhost\n',
      })
      expect(gathered.origin).toBe(
        'sosreport controller-0:sos_commands/rabbitmq/rabbitmqctl_report (derived: the Alarms sections of the `rabbitmqctl report` sos saved; sos never runs `rabbitmq-diagnostics -q alarms`)',
      )
    } finally {
      await source.close()
    }
  })

  it("lists the queues with the columns list_queues was asked for, picked from the report's full queue table", async () => {
    const source = await openSosreports('fixtures/lab/rabbitmq-memory-alarm/sos/controller-0.tar.xz')
    try {
      const argv = [
        'rabbitmqctl',
        '-q',
        'list_queues',
        'name',
        'messages',
        'consumers',
        'messages_unacknowledged',
      ]
      const gathered = await source.gather('controller-0', {kind: 'command', argv})
      expect(gathered.status).toBe('ok')
      const parsed = parseRabbitQueues(gathered.stdout)
      expect(parsed.columns).toEqual(['name', 'messages', 'consumers', 'messages_unacknowledged'])
      // 133 queues: "Queue count: 133" in the status section of the same report.
      expect(parsed.queues).toHaveLength(133)
      expect(parsed.queues).toContainEqual({
        name: 'neutron-vo-SubPort-1.0.controller-0',
        messages: 0,
        consumers: 1,
        unacked: 0,
      })
      expect(gathered.origin).toContain(
        '(derived: the name, messages, consumers, messages_unacknowledged columns',
      )
    } finally {
      await source.close()
    }
  })

  it('says "(none)" for a broker without alarms, and passes on the failure of a stopped one', async () => {
    const healthy = await openSosreports('fixtures/lab/healthy/sos/controller-0.tar.xz')
    try {
      expect(await healthy.gather('controller-0', alarms)).toMatchObject({status: 'ok', stdout: '(none)\n'})
    } finally {
      await healthy.close()
    }
    const down = await openSosreports('fixtures/lab/rabbitmq-down/sos/controller-0.tar.xz')
    try {
      const gathered = await down.gather('controller-0', alarms)
      expect(gathered).toMatchObject({status: 'ok', exitCode: 69})
      expect(gathered.stdout).toContain("unable to perform an operation on node 'rabbit@localhost'")
      expect(gathered.origin).toContain('which exited 69')
    } finally {
      await down.close()
    }
  })

  it('answers df -P from the df -al -x autofs the filesys plugin saved, and says why when it did not run', async () => {
    // fixtures/sosreport: sos run with -o host,memory,filesys,… (filesys ran).
    const withFilesys = await openSosreports(
      'fixtures/sosreport/sosreport-vm-fixture-2026-11-22-lsycido.tar.xz',
    )
    try {
      const gathered = await withFilesys.gather('vm', {kind: 'command', argv: ['df', '-P']})
      expect(gathered.status).toBe('ok')
      expect(gathered.stdout.split('\n')[0]).toMatch(
        /^Filesystem\s+1K-blocks\s+Used\s+Available\s+Use%\s+Mounted on$/,
      )
      expect(gathered.stdout).toMatch(/^\/dev\/vda\s+\d+\s+\d+\s+\d+\s+\d+% \/$/m)
      expect(gathered.origin).toContain('sos_commands/filesys/df_-al_-x_autofs (sos saved `df -al -x autofs`')
      const inodes = await withFilesys.gather('vm', {kind: 'command', argv: ['df', '-Pi']})
      expect(inodes.stdout.split('\n')[0]).toMatch(
        /^Filesystem\s+Inodes\s+IUsed\s+IFree\s+IUse%\s+Mounted on$/,
      )
    } finally {
      await withFilesys.close()
    }
    // The lab's captures ran sos with -o …, without filesys.
    const lab = await openSosreports('fixtures/lab/rabbitmq-memory-alarm/sos/compute-0.tar.xz')
    try {
      const gathered = await lab.gather('compute-0', {kind: 'command', argv: ['df', '-P']})
      expect(gathered.status).toBe('not-collected')
      expect(gathered.error).toContain('(its filesys plugin did not run for this report)')
    } finally {
      await lab.close()
    }
  })
})
