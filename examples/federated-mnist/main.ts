/**
 * `npm run example:mnist -- [--peers 12] [--rounds 20] [--clip 0.5] [--drops 2] [--epochs 1] [--lr 0.1] [--seed fedavg] [--chart file.html]`
 *
 * Trains federated MNIST three ways (secure aggregation over libp2p, plaintext averaging, central),
 * prints each round's accuracies and clipping, writes the chart, and exits 1 if secure and plaintext
 * accuracy ever differ by more than half a percentage point.
 *
 * `npm run example:mnist -- --epsilon 3 [--delta 1e-5] [--transport in-process|round-core|libp2p] ...`
 *
 * Trains with user-level differential privacy three ways (distributed DP, central DP, no privacy: see
 * private.ts), 100 peers in process by default, or a dozen real libp2p nodes; prints each round's
 * accuracies, the noise, the final accuracies, writes the chart, and exits 1 if distributed and central
 * DP's final accuracy differ by more than one percentage point. `in-process`, the default, sums each
 * peer's noisy encoding as the masks leave it rather than running the masking (private-aggregation.ts).
 * One run's difference is as much the luck of its noise draws as the mechanism's cost (two runs of
 * central DP alone, with different noise, differ by a point or two): it trains `--runs` times (5 in
 * process, 1 over libp2p) with different noise and compares the means.
 *
 * `npm run example:mnist -- --byzantine 0.05 --attack sign-flip|scaling|alie|ipm|label-flip [--rule median] [--group-size 5] [--transport in-process|round-core] ...`
 *
 * Trains with a fraction of Byzantine peers attacking, four ways (clean, plain secure averaging, robust
 * secure aggregation, plaintext robust aggregation: see robust.ts), 100 peers in process by default;
 * prints each round's accuracies and groups, the final accuracies, writes the chart, and exits 1 if
 * robust secure aggregation's final accuracy is below 0.95 of the clean run's. Settings under which the
 * rule could not outvote the corrupted groups are refused before any training, with the reason.
 */
import { writeFile } from 'node:fs/promises'
import { renderChart, renderPrivateChart, renderRobustChart } from './chart.js'
import { PARITY, trainFederated, type FederatedOptions } from './federated.js'
import { parseOptions, USAGE, type Run } from './options.js'
import { DP_PARITY, meanRounds, trainPrivately, type PrivateOptions, type PrivateRound } from './private.js'
import { noisePlan } from './private-session.js'
import { ROBUST_GOAL, byzantinePeersOf, trainUnderAttack, type ByzantineOptions } from './robust.js'
import { robustParamsOf } from './robust-session.js'

const pct = (v: number): string => `${(100 * v).toFixed(2)}%`.padStart(7)
const out = (line: string): void => { process.stdout.write(`${line}\n`) }

async function plain (federated: FederatedOptions, chart: string): Promise<boolean> {
  out(`${federated.peers} peers, ${federated.rounds} rounds, clip ±${federated.clip}, ${federated.dropsPerRound} dropping out of every second round`)
  out('round  secure  plaintext  central  survivors  clipped  audited')
  const rounds = await trainFederated(federated, (r) => {
    const drops = [...r.dropped.map(d => `peer ${d.peer} left in ${d.phase}`), ...r.failed.map(peer => `peer ${peer}'s round failed`)].join(', ')
    out(`${String(r.round).padStart(5)}  ${pct(r.secure)}  ${pct(r.plaintext)}    ${pct(r.central)}  ${String(r.survivors).padStart(9)}  ${String(r.clipped).padStart(7)}  ${`${Math.round(r.auditMs)} ms`.padStart(7)}${drops === '' ? '' : `  (${drops})`}`)
  })
  await writeFile(chart, renderChart(federated, rounds))
  const worst = Math.max(...rounds.map(r => Math.abs(r.secure - r.plaintext)))
  out(`chart: ${chart}\nlargest secure-plaintext difference: ${(100 * worst).toFixed(2)} percentage points (at most ${100 * PARITY})`)
  return worst <= PARITY
}

const HOW: Record<PrivateOptions['transport'], string> = {
  'in-process': 'in process: each round sums the survivors\' noisy encodings mod 2^m, which is what the masks leave once they cancel; the masking, keys and Shamir shares are not run (--transport round-core runs them, at 6 to 13 s a round for 100 peers on 2 cores)',
  'round-core': 'in process, through the full round core (keys, masks, Shamir shares, dropout recovery; the aggregator rotating)',
  libp2p: 'on real libp2p nodes (TCP, loopback), every sum audited from its transcript'
}

async function private_ (options: PrivateOptions, count: number, chart: string): Promise<boolean> {
  const { epsilon, delta, l2Clip, modulusBits } = options.privacy
  const noise = noisePlan(options)
  out(`distributed DP, epsilon ${epsilon}, delta ${delta}: ${options.peers} peers, ${options.rounds} rounds, L2 clip ${l2Clip}, ${modulusBits}-bit modulus, ${options.dropsPerRound} dropping out of every second round`)
  out(`peers ${HOW[options.transport]}`)
  const meanStd = noise.sumStd / noise.peers
  out(`noise per coordinate: each peer adds std ${noise.peerStd.toFixed(4)}, calibrated for ${noise.honestPeers} honest peers (the fewest survivors a round accepts, less 1 corrupt peer planned for);`)
  out(`  a sum of ${noise.honestPeers} carries ${noise.targetStd.toFixed(3)}, of all ${noise.peers} ${noise.sumStd.toFixed(3)}, against central DP's ${noise.centralStd.toFixed(3)}; the mean of ${noise.peers} carries ${meanStd.toFixed(4)}`)
  if (noise.honestPeers < 50) {
    out(`  only ${noise.honestPeers} honest peers share the noise, so each adds 1/sqrt(${noise.honestPeers}) of central DP's std, and the mean of ${noise.peers} updates carries`)
    out(`  ${(meanStd / (noise.centralStd / 100)).toFixed(1)}x the noise of a mean of 100: expect accuracy far below the 100-peer run's`)
  }
  const runs: PrivateRound[][] = []
  for (let k = 1; k <= count; k++) {
    // runs differ only in the noise drawn: the same data, training and dropouts
    const noiseSeed = count === 1 ? undefined : `${options.seed}/run-${k}`
    if (noiseSeed !== undefined) out(`run ${k} of ${count} (noise seed ${noiseSeed})`)
    out('round  distributed  central  no privacy  survivors  clipped  median |update|')
    const run = await trainPrivately({ ...options, noiseSeed }, (r) => {
      const drops = [...r.dropped.map(peer => `peer ${peer} dropped out`), ...r.failed.map(peer => `peer ${peer}'s round failed`)].join(', ')
      out(`${String(r.round).padStart(5)}  ${pct(r.distributed).padStart(11)}  ${pct(r.central)}  ${pct(r.nonPrivate).padStart(10)}  ${String(r.survivors).padStart(9)}  ${String(r.clipped).padStart(7)}  ${r.medianNorm.toFixed(3).padStart(15)}${drops === '' ? '' : `  (${drops})`}`)
    })
    if (run.spent !== undefined) {
      out(`a peer in every round spent epsilon ${run.spent.epsilonSpent.toFixed(3)} of ${epsilon} as charged (${run.spent.realisedEpsilon.toFixed(3)} with each round's actual survivors)`)
    }
    runs.push(run.rounds)
  }
  const rounds = meanRounds(runs)
  await writeFile(chart, renderPrivateChart(options, noise, rounds, count))
  out(`chart: ${chart}`)
  const finals = runs.map(r => r[r.length - 1])
  if (count > 1) {
    out(`final distributed - central DP, run by run: ${finals.map(f => (100 * (f.distributed - f.central)).toFixed(2)).join(', ')} percentage points`)
  }
  const last = rounds[rounds.length - 1]
  const difference = last.distributed - last.central
  const of = count === 1 ? '' : `, mean of ${count} runs`
  out(`final accuracy${of}: distributed DP ${pct(last.distributed).trim()}, central DP ${pct(last.central).trim()}, no privacy ${pct(last.nonPrivate).trim()}`)
  out(`distributed - central DP${of}: ${(100 * difference).toFixed(2)} percentage points (at most ${100 * DP_PARITY} either way)`)
  // accuracies are counts over the test set: 1 point is a whole number of images, give or take rounding
  return Math.abs(difference) <= DP_PARITY + 1e-9
}

const ROBUST_HOW: Record<ByzantineOptions['transport'], string> = {
  'in-process': 'in process: each group sums its members\' encodings mod 2^m, which is what the masks leave once they cancel (a Byzantine peer\'s unclipped, wrapped); the masking is not run (--transport round-core runs it)',
  'round-core': 'in process, each group through the full round core (keys, masks, Shamir shares, dropout recovery; one aggregator for all groups, rotating); a Byzantine peer skips the L2 clip, its encoder still clips each coordinate'
}

async function underAttack (options: ByzantineOptions, chart: string): Promise<boolean> {
  const robust = robustParamsOf(options)
  const byzantine = byzantinePeersOf(options, robust)
  out(`${options.peers} peers, ${byzantine.length} Byzantine (f = ${options.byzantineRate}, chosen at random: ${byzantine.join(', ') || 'none'}), attack ${options.attack}, each claiming the largest weight;`)
  out(`  ${options.rounds} rounds, ${options.dropsPerRound} dropping out of every second round`)
  out(`robust secure aggregation: the ${options.rule} of ${robust.sizes.length} group means (groups of ${options.groupSize}${robust.sizes.some(size => size > options.groupSize) ? ` and ${options.groupSize + 1}` : ''}, cut afresh each round),`)
  out(`  honest updates clipped to an L2 norm of ${robust.l2Bound}; it outvotes up to ${robust.corruptedBound} corrupted groups (more are corrupted with probability ${robust.failure === 0 ? 0 : robust.failure.toPrecision(2)})`)
  out(`groups ${ROBUST_HOW[options.transport]}`)
  out('round    clean    plain   robust  reference  groups summed  Byzantine  over bounds  combined (Byzantine)  honest clipped')
  const result = await trainUnderAttack(options, (r) => {
    const combined = r.error === undefined ? `${r.used} (${r.corruptedUsed})` : `none: ${r.error}`
    out(`${String(r.round).padStart(5)}  ${pct(r.clean)}  ${pct(r.plain)}  ${pct(r.robust)}    ${pct(r.reference)}  ${`${r.summed} of ${r.groups}`.padStart(13)}  ${String(r.corrupted).padStart(9)}  ${String(r.overBounds).padStart(11)}  ${combined.padStart(20)}  ${`${r.clipped} of ${r.honest}`.padStart(14)}`)
  })
  await writeFile(chart, renderRobustChart(options, result))
  out(`chart: ${chart}`)
  const last = result.rounds[result.rounds.length - 1]
  const ratio = last.robust / last.clean
  out('final accuracy    clean    plain   robust  reference  robust ÷ clean')
  out(`${`round ${last.round}`.padEnd(14)}  ${pct(last.clean)}  ${pct(last.plain)}  ${pct(last.robust)}    ${pct(last.reference)}  ${ratio.toFixed(3).padStart(14)}`)
  out(`plain secure averaging: ${(100 * (last.clean - last.plain)).toFixed(2)} percentage points below clean; robust secure aggregation: ${ratio.toFixed(3)} of clean (at least ${ROBUST_GOAL})`)
  return ratio >= ROBUST_GOAL
}

let run: Run
try {
  run = parseOptions(process.argv.slice(2))
} catch (err: any) {
  process.stderr.write(`${err.message}\nusage:\n${USAGE}\n`)
  process.exit(2)
}
const ok = run.mode === 'plain'
  ? await plain(run.federated, run.chart)
  : run.mode === 'private' ? await private_(run.private, run.runs, run.chart) : await underAttack(run.byzantine, run.chart)
process.exit(ok ? 0 : 1)
