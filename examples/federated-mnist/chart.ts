/**
 * The example's charts: test accuracy per round of each way of training, as one self-contained HTML
 * page with an inline SVG line chart, and a table of each round.
 */
import type { FederatedOptions, FederatedRound } from './federated.js'
import type { NoisePlan } from './private-session.js'
import type { PrivateOptions, PrivateRound } from './private.js'
import { ROBUST_GOAL, type ByzantineOptions, type ByzantineRun, type ByzantineRound } from './robust.js'

const WIDTH = 900
const HEIGHT = 420
const PLOT = { left: 64, right: 24, top: 40, bottom: 84 }

interface Line<R> {
  value: (round: R) => number
  name: string
  colour: string
  dash: string
}

const LINES: Array<Line<FederatedRound>> = [
  { value: r => r.central, name: 'central (all data pooled)', colour: '#9e9e9e', dash: '6 4' },
  { value: r => r.plaintext, name: 'FedAvg, plaintext averaging', colour: '#f28e2b', dash: '' },
  { value: r => r.secure, name: 'FedAvg through secure aggregation', colour: '#4e79a7', dash: '2 3' }
]

const PRIVATE_LINES: Array<Line<PrivateRound>> = [
  { value: r => r.nonPrivate, name: 'FedAvg, no privacy', colour: '#9e9e9e', dash: '6 4' },
  { value: r => r.central, name: 'central DP (trusted server)', colour: '#f28e2b', dash: '' },
  { value: r => r.distributed, name: 'distributed DP (secure aggregation)', colour: '#4e79a7', dash: '2 3' }
]

const ROBUST_LINES: Array<Line<ByzantineRound>> = [
  { value: r => r.clean, name: 'clean (no Byzantine peers)', colour: '#9e9e9e', dash: '6 4' },
  { value: r => r.plain, name: 'plain secure averaging', colour: '#e15759', dash: '' },
  { value: r => r.reference, name: 'plaintext robust (reference)', colour: '#f28e2b', dash: '' },
  { value: r => r.robust, name: 'robust secure aggregation', colour: '#4e79a7', dash: '2 3' }
]

function percent (value: number): string {
  return `${(100 * value).toFixed(1)}%`
}

function lineChart<R extends { round: number }> (rounds: R[], lines: Array<Line<R>>, title: string): string {
  const all = rounds.flatMap(r => lines.map(line => line.value(r)))
  // the accuracy axis starts at the lowest tenth any curve reaches, so the curves fill the plot
  const bottom = Math.floor(10 * Math.min(...all)) / 10
  const x = (round: number): number => PLOT.left + (WIDTH - PLOT.left - PLOT.right) * (rounds.length === 1 ? 0.5 : (round - 1) / (rounds.length - 1))
  const y = (value: number): number => PLOT.top + (HEIGHT - PLOT.top - PLOT.bottom) * (1 - (value - bottom) / (1 - bottom))
  const ticks: string[] = []
  for (let v = bottom; v <= 1.0001; v += 0.1) {
    ticks.push(`<line x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${y(v)}" y2="${y(v)}" stroke="#e0e0e0"/><text x="${PLOT.left - 8}" y="${y(v) + 4}" text-anchor="end">${Math.round(100 * v)}%</text>`)
  }
  for (const r of rounds) ticks.push(`<text x="${x(r.round)}" y="${HEIGHT - PLOT.bottom + 18}" text-anchor="middle">${r.round}</text>`)
  const polylines = lines.map(line => {
    const points = rounds.map(r => `${x(r.round).toFixed(1)},${y(line.value(r)).toFixed(1)}`).join(' ')
    return `<polyline points="${points}" fill="none" stroke="${line.colour}" stroke-width="2.5" stroke-dasharray="${line.dash}"/>`
  })
  const legend = lines.map((line, i) => {
    const lx = PLOT.left + i * Math.floor((WIDTH - PLOT.left) / lines.length)
    return `<line x1="${lx}" x2="${lx + 28}" y1="${HEIGHT - 22}" y2="${HEIGHT - 22}" stroke="${line.colour}" stroke-width="2.5" stroke-dasharray="${line.dash}"/><text x="${lx + 34}" y="${HEIGHT - 18}">${line.name}</text>`
  })
  return `<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="Test accuracy per round">
<text x="${PLOT.left}" y="22" class="title">${title}</text>
${ticks.join('\n')}
<text x="${(PLOT.left + WIDTH - PLOT.right) / 2}" y="${HEIGHT - PLOT.bottom + 40}" text-anchor="middle">round</text>
${polylines.join('\n')}
${legend.join('\n')}
</svg>`
}

function htmlTable (header: string[], rows: string[][]): string {
  return `<table>
<thead><tr>${header.map(h => `<th>${h}</th>`).join('')}</tr></thead>
<tbody>
${rows.map(row => `<tr>${row.map(cell => `<td>${cell}</td>`).join('')}</tr>`).join('\n')}
</tbody>
</table>`
}

function table (rounds: FederatedRound[]): string {
  const header = ['round', 'attempt', 'secure', 'plaintext', 'difference', 'central', 'survivors', 'dropped (phase)', 'clipped', 'largest |update|', 'secure round']
  const rows = rounds.map(r => [
    String(r.round), String(r.attempt), percent(r.secure), percent(r.plaintext), `${(100 * (r.secure - r.plaintext)).toFixed(2)} pp`, percent(r.central),
    String(r.survivors), [...r.dropped.map(d => `peer ${d.peer} (${d.phase})`), ...r.failed.map(peer => `peer ${peer} (failed)`)].join(', ') || '-',
    `${r.clipped} of ${r.coordinates}`, r.largestUpdate.toFixed(3), `${(r.secureMs / 1000).toFixed(2)} s`
  ])
  return htmlTable(header, rows)
}

function page (heading: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>libp2p-secagg: ${heading}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 960px; color: #222; padding: 0 1em; }
svg { display: block; margin: 1.5em 0; max-width: 100%; height: auto; font-size: 12px; fill: #333; }
svg .title { font-size: 15px; font-weight: 600; }
table { border-collapse: collapse; font-size: 12px; }
th, td { border: 1px solid #ddd; padding: 3px 6px; text-align: right; white-space: nowrap; }
th { background: #f4f4f4; }
td:nth-child(8) { text-align: left; white-space: normal; }
</style>
</head>
<body>
<h1>${heading}</h1>
${body}
</body>
</html>
`
}

/** The whole page. */
export function renderChart (options: FederatedOptions, rounds: FederatedRound[]): string {
  const worst = Math.max(...rounds.map(r => Math.abs(r.secure - r.plaintext)))
  return page('Federated averaging on MNIST, through secure aggregation', `<p>Softmax regression, ${options.peers} peers on libp2p (TCP, loopback), each holding mostly two digit classes;
${options.training.epochs} local epoch(s) per round, updates weighted by sample count, ${options.dropsPerRound} peers dropping out of every second round.
Encoding: clip ±${options.clip}, ${options.bits} bits. Seed ${options.seed}.</p>
<p>Secure and plaintext averaging differ by at most <strong>${(100 * worst).toFixed(2)} percentage points</strong> over ${rounds.length} rounds.</p>
${lineChart(rounds, LINES, 'Test accuracy after each round')}
${table(rounds)}`)
}

const TRANSPORT_NAMES: Record<PrivateOptions['transport'], string> = {
  'in-process': 'in process (each peer\'s noisy encoding, summed as the masks leave it)',
  'round-core': 'in process, through the full round core (keys, masks, Shamir shares)',
  libp2p: 'real libp2p nodes (TCP, loopback), every sum audited'
}

function privateTable (rounds: PrivateRound[], l2Clip: number): string {
  const header = ['round', 'distributed DP', 'central DP', 'difference', 'no privacy', 'survivors', 'clipped', 'dropped', 'median |update|', 'aggregation']
  const rows = rounds.map(r => [
    String(r.round), percent(r.distributed), percent(r.central), `${(100 * (r.distributed - r.central)).toFixed(2)} pp`, percent(r.nonPrivate),
    String(r.survivors), `${r.clipped} of ${r.survivors}`,
    [...r.dropped.map(peer => `peer ${peer}`), ...r.failed.map(peer => `peer ${peer} (failed)`)].join(', ') || '-',
    `${r.medianNorm.toFixed(3)} (clip ${l2Clip})`, `${(r.aggregationMs / 1000).toFixed(2)} s`
  ])
  return htmlTable(header, rows)
}

/** The DP mode's page: distributed DP, central DP and no privacy, round by round. */
export function renderPrivateChart (options: PrivateOptions, noise: NoisePlan, rounds: PrivateRound[], runs = 1): string {
  const { epsilon, delta, l2Clip, modulusBits } = options.privacy
  const last = rounds[rounds.length - 1]
  const of = runs === 1 ? '' : `, mean of ${runs} runs with different noise`
  const title = `Test accuracy, epsilon ${epsilon}, delta ${delta}, ${options.peers} peers, ${options.rounds} rounds${of}`
  return page('Federated averaging on MNIST with differential privacy', `<p>Softmax regression, ${options.peers} peers ${TRANSPORT_NAMES[options.transport]}, each holding mostly two digit classes;
${options.training.epochs} local epoch(s) per round, every update weighted 1 and clipped to an L2 norm of ${l2Clip}, ${options.dropsPerRound} peers dropping out of every second round.
User-level (epsilon ${epsilon}, delta ${delta})-DP over ${options.rounds} rounds; ${modulusBits}-bit modulus. Seed ${options.seed}.</p>
<p>Noise per coordinate of a sum: each peer adds std ${noise.peerStd.toFixed(4)}, calibrated for ${noise.honestPeers} honest peers
(${noise.targetStd.toFixed(3)} together; ${noise.sumStd.toFixed(3)} from all ${noise.peers}); central DP adds ${noise.centralStd.toFixed(3)}.</p>
<p>Final accuracy${of}: distributed DP <strong>${percent(last.distributed)}</strong>, central DP <strong>${percent(last.central)}</strong>
(difference ${(100 * (last.distributed - last.central)).toFixed(2)} percentage points), no privacy ${percent(last.nonPrivate)}.</p>
${lineChart(rounds, PRIVATE_LINES, title)}
${privateTable(rounds, l2Clip)}`)
}

const ROBUST_TRANSPORT_NAMES: Record<ByzantineOptions['transport'], string> = {
  'in-process': 'in process (each group\'s encodings summed as the masks leave them)',
  'round-core': 'in process, each group through the full round core (keys, masks, Shamir shares)'
}

function robustTable (rounds: ByzantineRound[]): string {
  const header = ['round', 'clean', 'plain', 'robust', 'reference', 'robust ÷ clean', 'survivors', 'groups summed', 'with a Byzantine input', 'over bounds', 'combined (Byzantine)', 'honest clipped in L2', 'median honest |update|', 'robust aggregation']
  const rows = rounds.map(r => [
    String(r.round), percent(r.clean), percent(r.plain), percent(r.robust), percent(r.reference), (r.robust / r.clean).toFixed(3),
    String(r.survivors), `${r.summed} of ${r.groups}`, String(r.corrupted), String(r.overBounds), r.error === undefined ? `${r.used} (${r.corruptedUsed})` : `none: ${r.error}`,
    `${r.clipped} of ${r.honest}`, r.medianNorm.toFixed(3), `${(r.robustMs / 1000).toFixed(2)} s`
  ])
  return htmlTable(header, rows)
}

/** The attack mode's page: clean, plain, robust secure and plaintext robust aggregation, round by round. */
export function renderRobustChart (options: ByzantineOptions, run: ByzantineRun): string {
  const { robust, byzantine, rounds } = run
  const last = rounds[rounds.length - 1]
  const title = `Test accuracy, ${options.attack} by ${byzantine.length} of ${options.peers} peers, the ${options.rule} of groups of ${options.groupSize}`
  return page('Federated averaging on MNIST under Byzantine attack', `<p>Softmax regression, ${options.peers} peers ${ROBUST_TRANSPORT_NAMES[options.transport]}, each holding mostly two digit classes;
${options.training.epochs} local epoch(s) per round, updates weighted by sample count, ${options.dropsPerRound} peers dropping out of every second round.
Byzantine peers (f = ${options.byzantineRate}, chosen at random): ${byzantine.join(', ') || 'none'}, each claiming the largest weight; attack: ${options.attack}. Seed ${options.seed}.</p>
<p>Robust secure aggregation: ${robust.sizes.length} groups of at least ${options.groupSize}, cut afresh each round; honest updates clipped to an L2 norm of ${robust.l2Bound};
the ${options.rule} outvotes up to ${robust.corruptedBound} corrupted groups (more are corrupted with probability ${robust.failure === 0 ? 0 : robust.failure.toPrecision(2)}).</p>
<p>Final accuracy: clean ${percent(last.clean)}, plain secure averaging <strong>${percent(last.plain)}</strong>, robust secure aggregation <strong>${percent(last.robust)}</strong>
(${(last.robust / last.clean).toFixed(3)} of clean; the goal is at least ${ROBUST_GOAL}), plaintext robust aggregation ${percent(last.reference)}.</p>
${lineChart(rounds, ROBUST_LINES, title)}
${robustTable(rounds)}`)
}
