/**
 * `npm run bench`: a readable table, or with `-- --json` one JSON object per line
 * {"name", "value", "unit", "floor", "ratio"}. Ratios, not absolute times, are what to compare across
 * runs: these machines are shared and noisy, and each floor is measured in the same run.
 */
import { aggregatorRss } from './aggregator-rss.js'
import { roundCosts } from './round-costs.js'
import { roundVsPlaintext } from './round-vs-plaintext.js'
import { vssCost } from './vss-cost.js'
import type { BenchResult } from './result.js'

const json = process.argv.includes('--json')
// One after another: each needs the machine to itself.
const results: BenchResult[] = [...await roundCosts(), ...await vssCost(), ...await roundVsPlaintext(), ...await aggregatorRss()]

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
