/**
 * The parser registry the collectors and playbooks name parsers by. Every parser takes the raw
 * text of one gathered item and returns plain JSON (no Dates, Maps or class instances) for the
 * JSONata query engine; unknown values are null, never undefined. Parsers throw ParseError when the
 * text is not the format they read (typically an error message in place of output).
 */
import {parseJournalJson, parseJournalShortIso} from './journalctl.js'
import {normalizeComputeServices, normalizeVolumeServices} from './openstack-compute-service.js'
import {parseConsoleLog} from './openstack-console-log.js'
import {normalizeFloatingIps} from './openstack-floating-ip.js'
import {normalizeHypervisors} from './openstack-hypervisor.js'
import {normalizeNetworkAgents} from './openstack-network-agent.js'
import {normalizeNetworks} from './openstack-network.js'
import {parseOpenstackOutput} from './openstack-output.js'
import {normalizePort, normalizePortList} from './openstack-port.js'
import {normalizeRouters} from './openstack-router.js'
import {normalizeSecurityGroupRules} from './openstack-security-group.js'
import {normalizeServer, normalizeServerList} from './openstack-server.js'
import {normalizeVolume, normalizeVolumeMessages} from './openstack-volume.js'
import {parseOsloLog} from './oslo-log.js'
import {parseOvsOfctlFlows} from './ovs-ofctl-flows.js'
import {parseOvsVsctlList} from './ovs-vsctl-list.js'
import {parseOvsVsctlShow} from './ovs-vsctl-show.js'
import {parseDiskstats} from './proc-diskstats.js'
import {parseLoadavg} from './proc-loadavg.js'
import {parseMeminfo} from './proc-meminfo.js'
import {parseNetDev} from './proc-net-dev.js'
import {parsePressure} from './proc-pressure.js'
import {parseDbClientErrors} from './db-client-errors.js'
import {parseHaproxyLog} from './haproxy-log.js'
import {parseMysqlStatus} from './mysql-status.js'
import {parseSsListen} from './ss-listen.js'
import {parseOpenstackApiError} from './openstack-api-error.js'
import {parseRabbitQueues} from './rabbitmq-queues.js'
import {parseProcStat} from './proc-stat.js'

export {ParseError} from './parse-error.js'
export {cpuRates} from './proc-stat.js'
export {diskRates} from './proc-diskstats.js'
export {netRates} from './proc-net-dev.js'

export const PARSERS = {
  'openstack-server': normalizeServer,
  'openstack-server-list': normalizeServerList,
  'openstack-port': normalizePort,
  'openstack-port-list': normalizePortList,
  'openstack-security-group-rules': normalizeSecurityGroupRules,
  'openstack-floating-ips': normalizeFloatingIps,
  'openstack-network-agents': normalizeNetworkAgents,
  'openstack-networks': normalizeNetworks,
  'openstack-routers': normalizeRouters,
  'openstack-compute-services': normalizeComputeServices,
  'openstack-volume-services': normalizeVolumeServices,
  'openstack-hypervisors': normalizeHypervisors,
  'openstack-volume': normalizeVolume,
  'openstack-volume-messages': normalizeVolumeMessages,
  'openstack-raw': parseOpenstackOutput,
  'console-log': parseConsoleLog,
  'ovs-vsctl-show': parseOvsVsctlShow,
  'ovs-vsctl-list': parseOvsVsctlList,
  'ovs-ofctl-flows': parseOvsOfctlFlows,
  'oslo-log': parseOsloLog,
  'journal-short-iso': parseJournalShortIso,
  'journal-json': parseJournalJson,
  loadavg: parseLoadavg,
  'proc-stat': parseProcStat,
  meminfo: parseMeminfo,
  diskstats: parseDiskstats,
  'net-dev': parseNetDev,
  pressure: parsePressure,
  'mysql-status': parseMysqlStatus,
  'ss-listen': parseSsListen,
  'haproxy-log': parseHaproxyLog,
  'db-client-errors': parseDbClientErrors,
  'openstack-api-error': parseOpenstackApiError,
  'rabbitmq-queues': parseRabbitQueues,
  lines: (text: string): {lines: string[]} => ({lines: splitLines(text)}),
  text: (text: string): {text: string} => ({text}),
} satisfies Record<string, (text: string) => unknown>

export type ParserName = keyof typeof PARSERS

/** True when `name` is a parser a playbook or collector may name. */
export function isParserName(name: string): name is ParserName {
  return Object.hasOwn(PARSERS, name)
}

function splitLines(text: string): string[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n')
  if (lines.at(-1) === '') lines.pop()
  return lines
}
