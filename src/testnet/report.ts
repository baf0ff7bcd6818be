/**
 * The testnet's HTML report (`--report <file>`): one self-contained page, no scripts, with a chart of
 * each round's time by phase, a chart of the bytes it moved, and the round table with every fault and
 * problem. Charts are inline SVG so the file opens anywhere, offline, and stays readable as text.
 */
import { TIMED_PHASES, type TimedPhase } from '../protocol/round/phases.js'
import type { RoundReport } from './testnet.js'

export interface ReportRun {
  peers: number
  rounds: number
  dimension: number
  seed: string
  transport: string
  /** The faults, as the command line gave them. */
  faults: string
  startedAt: Date
  /** Whether every planned round ran and came out right. */
  passed: boolean
}

const PHASE_COLOURS: Record<TimedPhase, string> = {
  'advertise-keys': '#4e79a7',
  'share-keys': '#f28e2b',
  'masked-input': '#59a14f',
  'consistency-check': '#b07aa1',
  unmask: '#e15759'
}

interface Series {
  name: string
  colour: string
  values: number[]
}

interface Chart {
  title: string
  unit: string
  categories: string[]
  /** Stacked: one bar per category, series on top of each other; else side by side. */
  stacked: boolean
  series: Series[]
  /** A wider grey bar behind each category's bars, as the whole of which they are a part. */
  backdrop?: Series
}

const WIDTH = 1000
const HEIGHT = 300
const MARGIN = { top: 36, right: 16, bottom: 64, left: 64 }

function escapeXml (text: string): string {
  return text.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`)
}

/** A round axis maximum and its tick step: 1, 2 or 5 times a power of ten, about five ticks. */
function niceScale (max: number): { top: number, step: number } {
  if (!(max > 0)) return { top: 1, step: 0.2 }
  const rough = max / 5
  const power = 10 ** Math.floor(Math.log10(rough))
  const step = [1, 2, 5, 10].map(m => m * power).find(s => s >= rough) ?? 10 * power
  return { top: Math.ceil(max / step) * step, step }
}

function formatTick (value: number): string {
  return Number.isInteger(value) ? value.toLocaleString('en') : value.toFixed(1)
}

function barChart (chart: Chart): string {
  const plotW = WIDTH - MARGIN.left - MARGIN.right
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom
  const totals = chart.categories.map((_, i) => chart.stacked
    ? chart.series.reduce((sum, s) => sum + s.values[i], 0)
    : Math.max(...chart.series.map(s => s.values[i])))
  const { top, step } = niceScale(Math.max(...totals, ...(chart.backdrop?.values ?? [])))
  const y = (v: number): number => MARGIN.top + plotH - (v / top) * plotH
  const band = plotW / Math.max(1, chart.categories.length)
  const barW = Math.min(56, band * 0.6)
  const parts: string[] = []
  for (let tick = 0; tick <= top + step / 2; tick += step) {
    parts.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(tick)}" y2="${y(tick)}" stroke="#e4e4e4"/>`,
      `<text x="${MARGIN.left - 6}" y="${y(tick) + 4}" text-anchor="end">${formatTick(tick)}</text>`)
  }
  chart.categories.forEach((category, i) => {
    const centre = MARGIN.left + band * (i + 0.5)
    const backdrop = chart.backdrop?.values[i]
    if (backdrop !== undefined) {
      parts.push(`<rect x="${centre - barW * 0.7}" y="${y(backdrop)}" width="${barW * 1.4}" height="${y(0) - y(backdrop)}" fill="${chart.backdrop!.colour}"><title>${escapeXml(`${category}: ${chart.backdrop!.name} ${formatTick(Math.round(backdrop))} ${chart.unit}`)}</title></rect>`)
    }
    let base = 0
    chart.series.forEach((series, j) => {
      const value = series.values[i]
      const width = chart.stacked ? barW : barW / chart.series.length
      const x = chart.stacked ? centre - barW / 2 : centre - barW / 2 + j * width
      const from = chart.stacked ? base : 0
      parts.push(`<rect x="${x}" y="${y(from + value)}" width="${width}" height="${y(from) - y(from + value)}" fill="${series.colour}"><title>${escapeXml(`${category}: ${series.name} ${formatTick(Math.round(value * 10) / 10)} ${chart.unit}`)}</title></rect>`)
      if (chart.stacked) base += value
    })
    parts.push(`<text x="${centre}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${escapeXml(category)}</text>`)
  })
  // legend entries side by side, each as wide as its name (about 7 px a character at 11 px)
  let legendX = MARGIN.left
  const legend = [...(chart.backdrop !== undefined ? [chart.backdrop] : []), ...chart.series].map(s => {
    const entry = `<rect x="${legendX}" y="${HEIGHT - 24}" width="12" height="12" fill="${s.colour}"/><text x="${legendX + 16}" y="${HEIGHT - 14}">${escapeXml(s.name)}</text>`
    legendX += 40 + 7 * s.name.length
    return entry
  })
  return `<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeXml(chart.title)}">
<text x="${MARGIN.left}" y="20" class="title">${escapeXml(chart.title)}</text>
<text x="14" y="${MARGIN.top + plotH / 2}" transform="rotate(-90 14 ${MARGIN.top + plotH / 2})" text-anchor="middle">${escapeXml(chart.unit)}</text>
${parts.join('\n')}
<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(0)}" y2="${y(0)}" stroke="#555"/>
${legend.join('\n')}
</svg>`
}

/** How each dropout was known, and what it cost: `peer-3 in share-keys: connection closed, 1.0 s`. */
export function detectedText (detected: RoundReport['detected']): string {
  return detected.map(d => `${d.peer} in ${d.phase}: ${d.cause === 'deadline' ? 'deadline' : 'connection closed'}, ${(d.waited / 1000).toFixed(1)} s`).join('; ') || '-'
}

function table (reports: RoundReport[]): string {
  const header = ['round', 'attempt', 'aggregator', 'participants', 'survivors', 'dropped', 'detected', 'excluded', 'exact', 'verified', 'max |error|', 'round ms', 'before ms', ...TIMED_PHASES.map(p => `${p} ms`), 'delivery ms', 'KB sent', 'KB received', 'peers counted', 'problems']
  const rows = reports.map(r => [
    String(r.round), String(r.attempt), r.aggregator, String(r.participants), String(r.survivors), r.dropped.join(', ') || '-', detectedText(r.detected), r.excluded.join(', ') || '-',
    r.exact ? 'yes' : 'NO', r.verified ? 'yes' : 'NO', r.maxAbsError.toExponential(1), String(Math.round(r.ms)), String(r.beforeMs),
    ...TIMED_PHASES.map(p => String(r.phaseMs[p] ?? '-')), String(r.deliveryMs), String(Math.round(r.bytes.sent / 1024)), String(Math.round(r.bytes.received / 1024)), String(r.bytes.peers),
    r.problems.join('; ') || '-'
  ])
  return `<div class="scroll"><table>
<thead><tr>${header.map(h => `<th>${escapeXml(h)}</th>`).join('')}</tr></thead>
<tbody>
${rows.map((row, i) => `<tr class="${reports[i].problems.length > 0 ? 'bad' : ''}">${row.map(cell => `<td>${escapeXml(cell)}</td>`).join('')}</tr>`).join('\n')}
</tbody>
</table></div>`
}

/** The report page for a testnet run. */
export function renderReport (run: ReportRun, reports: RoundReport[]): string {
  const categories = reports.map(r => `round ${r.round}${r.attempt > 0 ? ` (attempt ${r.attempt})` : ''}`)
  const time = barChart({
    title: 'Time per round, by phase of the attempt that completed it',
    unit: 'ms',
    categories,
    stacked: true,
    series: TIMED_PHASES.map(phase => ({ name: phase, colour: PHASE_COLOURS[phase], values: reports.map(r => r.phaseMs[phase] ?? 0) })),
    backdrop: { name: 'whole round', colour: '#d9d9d9', values: reports.map(r => r.ms) }
  })
  const bytes = barChart({
    title: 'Secure-aggregation traffic per round, over the peers counted (see the table)',
    unit: 'MB',
    categories,
    stacked: false,
    series: [
      { name: 'sent', colour: '#4e79a7', values: reports.map(r => r.bytes.sent / 2 ** 20) },
      { name: 'received', colour: '#76b7b2', values: reports.map(r => r.bytes.received / 2 ** 20) }
    ]
  })
  const verdict = run.passed ? 'PASS' : 'FAIL'
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>libp2p-secagg testnet: ${verdict}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; padding: 0 1em; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
.verdict { font-weight: 700; padding: 0.1em 0.5em; border-radius: 4px; color: #fff; background: ${run.passed ? '#2e7d32' : '#c62828'}; }
.meta { color: #555; margin-top: 0; }
svg { display: block; margin: 1.5em 0; max-width: 100%; height: auto; font-size: 11px; fill: #333; }
svg .title { font-size: 14px; font-weight: 600; }
table { border-collapse: collapse; font-size: 12px; }
.scroll { overflow-x: auto; margin-top: 1em; }
th, td { border: 1px solid #ddd; padding: 3px 6px; text-align: right; white-space: nowrap; }
th { background: #f4f4f4; }
td:nth-child(3), td:nth-child(6), td:nth-child(7), td:last-child { text-align: left; white-space: normal; }
td:nth-child(6) { min-width: 16em; }
tr.bad td { background: #fdecea; }
</style>
</head>
<body>
<h1>libp2p-secagg testnet <span class="verdict">${verdict}</span></h1>
<p class="meta">${run.peers} secagg node processes over ${escapeXml(run.transport)}, ${run.rounds} rounds at d = ${run.dimension.toLocaleString('en')}, seed ${escapeXml(run.seed)}; faults: ${escapeXml(run.faults)}. Started ${escapeXml(run.startedAt.toISOString())}.</p>
<p>Each round's sum is checked against the exact sum of its survivors' inputs (the inputs lie on the quantization grid, so a correct secure sum equals it bit for bit), audited from the round's transcript as anyone holding the session file could (verified: the sum matches the survivors' commitments), and each round's aggregator is checked against the one the previous round's signed result elects.</p>
${time}
<p>A peer killed in the middle of a phase costs it about a second: its connections close, and if it is not back within the grace the aggregator stops waiting for it ("connection closed" in the table); a peer still connected but silent is waited for until the phase's own deadline ("deadline"). Each is shown with how long the phase had been open when the wait ended. The grey bar is the whole round: also the time before the completing attempt began (the election and any failed attempts: "before" in the table) and after its aggregator held the result, until every surviving peer had it ("delivery").</p>
${bytes}
${table(reports)}
</body>
</html>
`
}
