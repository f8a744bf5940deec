import {readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures')

/** One captured command: the `$ command` line, its output, and the `[exit status: N]` trailer. */
export interface Capture {
  command: string
  body: string
  exitStatus: number
}

/**
 * Reads a lab capture under fixtures/reference/ and strips the two wrapper lines the lab probe
 * added around the real output (`$ command` first, `[exit status: N]` last).
 */
export function readCapture(relPath: string): Capture {
  return readWrappedCapture(join('reference', relPath))
}

/** Like readCapture, for a capture anywhere under fixtures/ (e.g. control-plane/…). */
export function readWrappedCapture(relPath: string): Capture {
  const text = readFileSync(join(FIXTURES, relPath), 'utf8')
  const lines = text.split('\n')
  if (lines.at(-1) === '') lines.pop()
  const first = lines[0] ?? ''
  const last = lines.at(-1) ?? ''
  const trailer = /^\[exit status: (\d+)\]$/.exec(last)
  if (!first.startsWith('$ ') || !trailer) {
    throw new Error(`${relPath} is not a lab capture: expected "$ command" first and "[exit status: N]" last`)
  }
  const body = lines.slice(1, -1).join('\n')
  return {command: first.slice(2), body: body === '' ? '' : `${body}\n`, exitStatus: Number(trailer[1])}
}

/** Reads a raw fixture file (no capture wrapper) relative to fixtures/. */
export function readFixture(relPath: string): string {
  return readFileSync(join(FIXTURES, relPath), 'utf8')
}

/**
 * Reads one command output of a lab capture, fixtures/lab/<fault>/<file> (`npm run lab:capture`), without the
 * `$ command` first line and the `[exit status: N]` last line that capture.sh wraps around it.
 */
export function readLabCapture(fault: string, file: string): string {
  const lines = readFixture(join('lab', fault, file)).split('\n')
  if (lines.at(-1) === '') lines.pop()
  if (!(lines[0] ?? '').startsWith('$ ') || !/^\[exit status: \d+\]$/.test(lines.at(-1) ?? '')) {
    throw new Error(`lab/${fault}/${file} is not a lab capture: expected "$ command" first and "[exit status: N]" last`)
  }
  return `${lines.slice(1, -1).join('\n')}\n`
}
