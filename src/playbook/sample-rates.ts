import {cpuRates} from '../parse/proc-stat.js'
import {diskRates} from '../parse/proc-diskstats.js'
import {netRates} from '../parse/proc-net-dev.js'

/**
 * Parsers whose records become rates when a gather takes two samples (`sample_interval_ms`): busy/iowait/
 * steal for CPU, utilisation for disks, errors and drops for NICs. Offline input has one sample, so the
 * fact's `rates` is null there and checks fall back to load averages and PSI averages.
 */
export const SAMPLE_RATES: Record<string, (first: unknown, second: unknown, intervalMs: number) => unknown> = {
  'proc-stat': (a, b) => cpuRates(a as Parameters<typeof cpuRates>[0], b as Parameters<typeof cpuRates>[1]),
  diskstats: (a, b, ms) => diskRates(a as Parameters<typeof diskRates>[0], b as Parameters<typeof diskRates>[1], ms),
  'net-dev': (a, b, ms) => netRates(a as Parameters<typeof netRates>[0], b as Parameters<typeof netRates>[1], ms),
}
