/**
 * `npm run bench`: how fast the parts an operator waits on are, measured on the project's real fixtures.
 * A benchmark measures and prints; it asserts nothing (tests assert behaviour). Targets are written next
 * to each figure so a regression is visible in review, not as a flaky timed test.
 *
 * Each case runs a few warm-up rounds, then N timed rounds; the median and the slowest are reported.
 */
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {performance} from 'node:perf_hooks'

import {loadBuiltinPlaybook} from '../src/app/playbook-catalog.js'
import {PARSERS} from '../src/parse/index.js'
import {runPlaybook} from '../src/playbook/run-playbook.js'
import {compileScanner} from '../src/playbook/signature-scan.js'
import {redactSecrets} from '../src/collect/redact.js'
import {openOfflineInput} from '../src/sources/detect-input.js'

interface Case {
  readonly name: string
  /** What we aim for, in words; printed beside the figure. */
  readonly target: string
  readonly rounds: number
  run(): unknown
}

const labLog = (fault: string, file: string): string =>
  readFileSync(path.join('fixtures/lab', fault, file), 'utf8')
const novaLog = labLog('ovs-agent-down', 'compute-0.log_nova-compute.log.txt')
const agentLog = labLog('ovs-agent-down', 'compute-0.log_neutron-openvswitch-agent.log.txt')
// A day of a busy compute node is ~100k lines; repeat the real log up to that size.
const bigLog = repeatTo([novaLog, agentLog].join('\n'), 100_000)

const cases: Case[] = [
  {
    name: 'vm-ssh-fail on the demo cloud (bundle replay, whole playbook)',
    target: '< 1 s: the offline answer should feel instant',
    rounds: 10,
    async run() {
      const loaded = await loadBuiltinPlaybook('vm-ssh-fail')
      const source = await openOfflineInput('fixtures/demo-cloud')
      try {
        return await runPlaybook(loaded.playbook, source, {target: 'vm-healthy-1'})
      } finally {
        await source.close()
      }
    },
  },
  {
    name: 'load and validate the vm-ssh-fail playbook',
    target: '< 100 ms',
    rounds: 20,
    run: () => loadBuiltinPlaybook('vm-ssh-fail'),
  },
  {
    name: `parse ${lineCount(bigLog).toLocaleString('en')} oslo.log lines`,
    target: '< 1 s per 100k lines',
    rounds: 5,
    run: () => PARSERS['oslo-log'](bigLog),
  },
  {
    name: `signature scan of ${lineCount(bigLog).toLocaleString('en')} lines × 40 signatures`,
    target: '< 0.5 s (hint prefilter, then regexes)',
    rounds: 5,
    run: () => scannerOf40().scan(bigLog),
  },
  {
    name: `redact ${(bigLog.length / 1e6).toFixed(1)} MB of log text`,
    target: '< 1 s: every byte is redacted before it is written',
    rounds: 5,
    run: () => redactSecrets(bigLog),
  },
  {
    name: 'open a directory of three lab sosreports (.tar.xz)',
    target: '< 5 s',
    rounds: 3,
    async run() {
      const source = await openOfflineInput('fixtures/lab/sg-no-ssh/sos')
      await source.nodes()
      await source.close()
    },
  },
]

function scannerOf40() {
  const words = [
    'MessagingTimeout',
    'AMQP server on',
    'Unable to open stream to',
    'network-vif-plugged',
    'Traceback',
    'ERROR',
    'WARNING',
  ]
  return compileScanner(
    Array.from({length: 40}, (_, i) => {
      const hint = `${words[i % words.length] ?? 'ERROR'}`
      return {id: `sig-${i}`, hint, pattern: `${hint}.{0,80}\\b(?:${i}|timed out|refused)\\b`}
    }),
  )
}

function repeatTo(text: string, lines: number): string {
  const base = text.split('\n')
  const out: string[] = []
  while (out.length < lines) out.push(...base)
  return out.slice(0, lines).join('\n')
}

function lineCount(text: string): number {
  return text.split('\n').length
}

async function measure(c: Case): Promise<{median: number; max: number}> {
  for (let i = 0; i < 2; i++) await c.run()
  const times: number[] = []
  for (let i = 0; i < c.rounds; i++) {
    const t0 = performance.now()
    await c.run()
    times.push(performance.now() - t0)
  }
  times.sort((a, b) => a - b)
  return {median: times[Math.floor(times.length / 2)] ?? 0, max: times.at(-1) ?? 0}
}

const rows: string[][] = [['case', 'median', 'slowest', 'target']]
for (const c of cases) {
  const {median, max} = await measure(c)
  rows.push([c.name, ms(median), ms(max), c.target])
  process.stderr.write('.')
}
process.stderr.write('\n')
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)))
for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  '))
console.log(`\nnode ${process.version}, ${new Date().toISOString()}`)

function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(1)} ms`
}
