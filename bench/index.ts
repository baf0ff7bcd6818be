/**
 * `npm run bench`: a readable table, or with `-- --json` one JSON object per line
 * {"name", "value", "unit", "floor", "ratio"}. Ratios, not absolute times, are what to compare across
 * runs: these machines are shared and noisy, and each floor is measured in the same run.
 * `-- --only <name>` runs one benchmark: round-costs, vss-cost, round-vs-plaintext, aggregator-rss,
 * fault-latency, verification, privacy, robust-round, vs-flower or mask-threads.
 */
import { aggregatorRss } from './aggregator-rss.js'
import { roundCosts } from './round-costs.js'
import { roundVsPlaintext } from './round-vs-plaintext.js'
import { vssCost } from './vss-cost.js'
import { faultLatency } from './fault-latency.js'
import { verification } from './verification.js'
import { privacy } from './privacy.js'
import { robustRound } from './robust-round.js'
import { vsFlower } from './vs-flower.js'
import { maskThreads } from './mask-threads.js'
import type { BenchResult } from './result.js'

const json = process.argv.includes('--json')
const benches: Record<string, () => Promise<BenchResult[]>> = {
  'round-costs': roundCosts,
  'vss-cost': vssCost,
  'round-vs-plaintext': roundVsPlaintext,
  'aggregator-rss': aggregatorRss,
  'fault-latency': faultLatency,
  'verification': verification,
  privacy,
  'robust-round': robustRound,
  'vs-flower': vsFlower,
  'mask-threads': maskThreads
}
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined
if (only !== undefined && !(only in benches)) {
  console.error(`--only: no benchmark named ${only}; there are ${Object.keys(benches).join(', ')}`)
  process.exit(2)
}
// One after another: each needs the machine to itself.
const results: BenchResult[] = []
for (const [name, bench] of Object.entries(benches)) if (only === undefined || only === name) results.push(...await bench())

if (json) {
  for (const r of results) {
    console.log(JSON.stringify({ name: r.name, value: round(r.value), unit: r.unit, floor: round(r.floor), ratio: round(r.value / r.floor, 3) }))
  }
} else {
  const rows = results.map(r => [r.name, `${round(r.value)} ${r.unit}`, `${round(r.floor)} ${r.unit}`, round(r.value / r.floor, 3).toFixed(3), r.detail])
  const header = ['benchmark', 'measured', 'floor', 'ratio', 'what']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => String(r[i]).length)))
  const line = (cells: Array<string | number>): string => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ')
  console.log(line(header))
  console.log(widths.map(w => '-'.repeat(w)).join('  '))
  for (const row of rows) console.log(line(row))
}

function round (value: number, digits = 2): number {
  return Math.round(value * 10 ** digits) / 10 ** digits
}
