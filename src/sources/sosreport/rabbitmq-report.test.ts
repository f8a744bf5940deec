import {describe, expect, it} from 'vitest'

import {alarmLinesOfReport, isAlarmsRequest, listQueuesColumns, queuesOfReport} from './rabbitmq-report.js'

describe('isAlarmsRequest', () => {
  it('takes rabbitmq-diagnostics alarms, quiet or not, and nothing else', () => {
    expect(isAlarmsRequest(['rabbitmq-diagnostics', '-q', 'alarms'])).toBe(true)
    expect(isAlarmsRequest(['/usr/sbin/rabbitmq-diagnostics', 'alarms'])).toBe(true)
    expect(isAlarmsRequest(['rabbitmq-diagnostics', 'check_local_alarms'])).toBe(false)
    expect(isAlarmsRequest(['rabbitmq-diagnostics', '-n', 'rabbit@other', 'alarms'])).toBe(false)
    expect(isAlarmsRequest(['rabbitmqctl', 'status'])).toBe(false)
  })
})

describe('alarmLinesOfReport', () => {
  // Verbatim pieces of sos_commands/rabbitmq/rabbitmqctl_report in fixtures/lab/rabbitmq-memory-alarm/sos/
  // controller-0.tar.xz (RabbitMQ 3.10.8, bold section titles included); the whole-archive tests are in
  // sosreport-source.test.ts.
  const ESC = String.fromCharCode(27)
  const bold = (title: string): string => `${ESC}[1m${title}${ESC}[0m`
  const STATUS_PART = [
    'Status of node rabbit@localhost ...',
    bold('Runtime'),
    '',
    'OS PID: 20173',
    '',
    bold('Alarms'),
    '',
    'Memory alarm on node rabbit@localhost',
    '',
    bold('Memory'),
    '',
    'Total memory used: 0.1482 gb',
  ].join('\n')
  const CLUSTER_PART = [
    'Cluster status of node rabbit@localhost ...',
    bold('Maintenance status'),
    '',
    'Node: rabbit@localhost, status: not under maintenance',
    '',
    bold('Alarms'),
    '',
    'Memory alarm on node rabbit@localhost',
    '',
  ].join('\n')

  it('gives the alarm lines of the status and cluster status sections once, without terminal escapes', () => {
    expect(alarmLinesOfReport(`${STATUS_PART}\n\n${CLUSTER_PART}`)).toEqual({
      ok: true,
      text: 'Memory alarm on node rabbit@localhost\n',
    })
  })

  it('gives "(none)" when the sections say so, which holds no word "alarm" for a check to trip on', () => {
    // fixtures/lab/cell-unmapped: rabbitmqctl status printed this with no alarm raised.
    const quiet = [bold('Alarms'), '', '(none)', '', bold('Memory'), ''].join('\n')
    expect(alarmLinesOfReport(quiet)).toEqual({ok: true, text: '(none)\n'})
  })

  it('refuses a report without an Alarms section rather than guess', () => {
    // fixtures/lab/rabbitmq-down: all sos got from rabbitmqctl report with the broker stopped (exit 69).
    const down =
      "Error: unable to perform an operation on node 'rabbit@localhost'. Please see diagnostics information and suggestions below.\n"
    const result = alarmLinesOfReport(down)
    expect(result.ok).toBe(false)
    expect(result.ok ? '' : result.reason).toContain('no Alarms section')
  })
})

describe('listQueuesColumns', () => {
  it("takes list_queues with info items, defaulting to rabbitmqctl's name and messages", () => {
    expect(listQueuesColumns(['rabbitmqctl', '-q', 'list_queues', 'name', 'consumers'])).toEqual([
      'name',
      'consumers',
    ])
    expect(listQueuesColumns(['rabbitmqctl', 'list_queues'])).toEqual(['name', 'messages'])
  })

  it("refuses another vhost or option, which the report's vhost / listing does not answer", () => {
    expect(listQueuesColumns(['rabbitmqctl', 'list_queues', '-p', 'nova', 'name'])).toBeNull()
    expect(listQueuesColumns(['rabbitmqctl', 'list_queues', '--local', 'name'])).toBeNull()
    expect(listQueuesColumns(['rabbitmqctl', 'list_exchanges'])).toBeNull()
  })
})

describe('queuesOfReport', () => {
  // The first two rows and the end of the queue table of sos_commands/rabbitmq/rabbitmqctl_report in
  // fixtures/lab/rabbitmq-memory-alarm/sos/controller-0.tar.xz, cells copied (the header is the report's).
  const HEADER =
    'name\tdurable\tauto_delete\targuments\tpolicy\tpid\towner_pid\texclusive\texclusive_consumer_pid\texclusive_consumer_tag\tmessages_ready\tmessages_unacknowledged\tmessages\tmessages_ready_ram\tmessages_unacknowledged_ram\tmessages_ram\tmessages_persistent\tmessage_bytes\tmessage_bytes_ready\tmessage_bytes_unacknowledged\tmessage_bytes_ram\tmessage_bytes_persistent\thead_message_timestamp\tdisk_reads\tdisk_writes\tconsumers\tconsumer_utilisation\tconsumer_capacity\tmemory\tslave_pids\tsynchronised_slave_pids\tstate\ttype\tleader\tmembers\tonline'
  const ROWS = [
    'reply_130226bd1a464df8b0a8c925adbe7469\tfalse\tfalse\t[{"x-expires",1800000}]\t\t<rabbit@localhost.1795328487.2698.0>\t\tfalse\t\t\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t\t0\t0\t1\t1.0\t1.0\t35128\t\t\trunning\tclassic\t\t\t',
    'neutron-vo-SubPort-1.0.controller-0\tfalse\tfalse\t[]\t\t<rabbit@localhost.1795328487.1200.0>\t\tfalse\t\t\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t\t0\t0\t1\t1.0\t1.0\t34840\t\t\trunning\tclassic\t\t\t',
  ]
  const REPORT = [
    'Listing queues for vhost / ...',
    HEADER,
    ...ROWS,
    '',
    'Listing exchanges for vhost / ...',
    'name\ttype',
  ].join('\n')

  it("picks the asked columns of every queue row, under their header, and stops at the table's end", () => {
    expect(queuesOfReport(REPORT, ['name', 'messages', 'consumers', 'messages_unacknowledged'])).toEqual({
      ok: true,
      text: [
        'name\tmessages\tconsumers\tmessages_unacknowledged',
        'reply_130226bd1a464df8b0a8c925adbe7469\t0\t1\t0',
        'neutron-vo-SubPort-1.0.controller-0\t0\t1\t0',
        '',
      ].join('\n'),
    })
  })

  it('says which column the report lacks, and when it lists no queues at all', () => {
    expect(queuesOfReport(REPORT, ['name', 'no_such_item'])).toEqual({
      ok: false,
      reason: 'its queue listing has no no_such_item column',
    })
    expect(queuesOfReport('Status of node rabbit@localhost ...\n', ['name']).ok).toBe(false)
  })
})
