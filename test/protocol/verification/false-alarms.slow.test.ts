/**
 * No false alarms: a thousand honest rounds in the simulator, each with its own seed-derived
 * configuration (roster size, dimension, encoding, weights, graph, chunking, aggregator) and dropouts at
 * every phase within what the parameters tolerate. Every round that completes must audit 'verified'
 * from the aggregator's transcript, convict or exclude no one, sum exactly what its survivors put in
 * (within the stochastic rounding off the grid), and leave every participant that stayed with the
 * aggregator's sum and no abort. A round that aborts may only do so for a reason dropouts explain.
 *
 * A round costs about 1.3 s of one core on average (n = 30 several seconds: every participant audits the
 * transcript, and dealing is O(n k t) curve operations), so the rounds are shared among worker threads,
 * one per core. One round replays alone, in this thread, with FALSE_ALARM_ROUND=<index> (and
 * FALSE_ALARM_SEED=<series> for another series than 'false-alarms').
 */
import { availableParallelism } from 'node:os'
import { dirname, resolve as resolvePath } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker, workerData } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import { nodeCryptoSuite } from '../../../src/protocol/crypto/suite-node.js'
import { deterministicRandom } from '../../../src/protocol/crypto/random.js'
import { toSigned } from '../../../src/protocol/encoding/dequantize.js'
import { InvalidEncodingError } from '../../../src/protocol/encoding/errors.js'
import { InfeasibleParametersError } from '../../../src/protocol/graph/parameter-finder.js'
import { graphParametersFor, type ResolvedParams } from '../../../src/protocol/round/params.js'
import { auditTranscript } from '../../../src/protocol/verification/audit.js'
import { simulatedPeers } from '../../../src/simulation/peers.js'
import { simulateRound, type DropPoint, type SimulationReport } from '../../../src/simulation/simulation.js'
import { exactSum, gridUpdates, testParams } from '../../support/round-fixtures.js'
import type { AbortReason } from '../../../src/protocol/round/errors.js'

const ROUNDS = 1000
const SEED = process.env.FALSE_ALARM_SEED ?? 'false-alarms'
const ONLY = process.env.FALSE_ALARM_ROUND
/** workerData key of the threads that play rounds for the test. */
const WORKER_MARK = 'falseAlarmRounds'

const DROP_POINTS: DropPoint[] = ['advertise-keys', 'share-keys', 'masked-input', 'masked-input-partial', 'consistency-check', 'unmask']
/** Drops that keep a peer's input out of the sum: it never completes its masked input. */
const OUT_OF_SUM = new Set<DropPoint>(['advertise-keys', 'share-keys', 'masked-input', 'masked-input-partial'])
/** What dropouts alone can make an honest round abort with. */
const DROPOUT_ABORTS = new Set<AbortReason>(['too-many-dropouts', 'too-few-neighbours', 'too-few-participants', 'reconstruction-failed'])
/** What a participant may never abort with when the aggregator is honest. */
const RESULT_ALARMS = new Set<string>(['forged-result', 'invalid-result'])

/** Uniform draws from a seed. */
class Dice {
  private readonly random: (length: number) => Uint8Array
  constructor (seed: string) { this.random = deterministicRandom(seed) }
  /** Uniform in [0, 1), 48 bits. */
  float (): number {
    const b = this.random(6)
    return (b[0] + b[1] * 2 ** 8 + b[2] * 2 ** 16 + b[3] * 2 ** 24 + b[4] * 2 ** 32 + b[5] * 2 ** 40) / 2 ** 48
  }

  /** `count` uniform 32-bit words. */
  words (count: number): Uint32Array { return new Uint32Array(this.random(4 * count).slice().buffer) }

  /** Uniform integer in [lo, hi]. */
  int (lo: number, hi: number): number { return lo + Math.floor(this.float() * (hi - lo + 1)) }
  chance (p: number): boolean { return this.float() < p }
  pick<T> (items: readonly T[]): T { return items[this.int(0, items.length - 1)] }
  shuffle<T> (items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i)
      ;[items[i], items[j]] = [items[j], items[i]]
    }
    return items
  }
}

interface Plan {
  seed: string
  n: number
  params: ResolvedParams
  aggregator: number
  chunkCoordinates: number
  /** Updates on the fixed-point grid with weights 0 or maxWeight: the sum is exact. */
  onGrid: boolean
  updates: Float32Array[]
  weights: number[]
  drops: Map<number, DropPoint>
  /**
   * More dropouts after the roster than it tolerates (one more than planned, now and then): the round
   * must abort, for a reason dropouts explain, and with no alarm from any participant.
   */
  overloaded: boolean
  /** Configurations drawn and refused (by resolveParams or the graph finder) before this one. */
  redraws: number
}

/**
 * The largest maxParticipants up to `cap` that the modulus allows at `bits`: m = bits + ceil(log2(M + 1))
 * at most 32, and log2(M) + m at most 40 (resolveParams refuses the rest).
 */
function largestRoster (bits: number, cap: number): number {
  const fits = (M: number): boolean => bits + Math.ceil(Math.log2(M + 1)) <= 32 && Math.log2(M) + bits + Math.ceil(Math.log2(M + 1)) <= 40
  let most = 0
  while (most < cap && fits(most + 1)) most++
  return most
}

function planRound (seed: string): Plan {
  const dice = new Dice(seed)
  for (let redraws = 0; redraws < 10_000; redraws++) {
    const n = dice.int(5, 30)
    const bits = dice.int(2, 24)
    const most = largestRoster(bits, 4 * n)
    if (most < n) continue
    // the session's largest roster: this one, or up to four times more (fewer bits of headroom, more corrupt peers planned for)
    const maxParticipants = dice.chance(0.5) ? n : dice.int(n, most)
    const r = dice.float()
    // d + 1 a multiple of 1024 (whole commitment blocks), tiny vectors, or anything up to 3,000
    const dimension = r < 0.15 ? dice.pick([1023, 2047]) : r < 0.25 ? dice.int(1, 40) : dice.int(1, 3000)
    const onGrid = dice.chance(0.5)
    // on the grid the clip is a power of two, so grid values are exact floats and quantize exactly
    const clip = onGrid ? 2 ** dice.int(-4, 4) : 10 ** (dice.float() * 4 - 2)
    const maxWeight = dice.chance(0.4) ? 1 : dice.pick([2, 3, 10, 1000, 0.25])
    const graph = {
      shape: dice.pick(['harary', 'complete'] as const),
      threatModel: dice.chance(0.8) ? 'malicious' as const : 'semi-honest' as const,
      dropoutRate: dice.pick([0.05, 0.1, 0.1, 0.15, 0.2, 0.25, 0.3])
    }
    const minParticipants = dice.int(3, n)
    let params: ResolvedParams
    let tolerated: number
    try {
      params = testParams({ dimension, encoding: { clip, bits, maxParticipants, maxWeight }, graph, minParticipants })
      tolerated = n - graphParametersFor(params, n).minSurvivors
    } catch (err) {
      if (err instanceof InvalidEncodingError || err instanceof InfeasibleParametersError) continue
      throw err
    }
    const aggregator = dice.int(0, n - 1)
    // often as many dropouts as tolerated, otherwise fewer, and in a few rounds one too many; never the aggregator
    const overload = tolerated < n - 1 && dice.chance(0.04)
    const dropCount = overload ? tolerated + 1 : tolerated === 0 ? 0 : dice.chance(0.5) ? tolerated : dice.int(0, tolerated)
    const droppers = dice.shuffle([...Array(n).keys()].filter(i => i !== aggregator)).slice(0, dropCount)
    const drops = new Map(droppers.map(i => [i, dice.pick(DROP_POINTS)]))
    // peers that never advertise keys are left out of the roster, whose own graph takes the rest
    const roster = n - [...drops.values()].filter(p => p === 'advertise-keys').length
    if (roster < minParticipants) continue
    let overloaded: boolean
    try {
      overloaded = roster - graphParametersFor(params, roster).minSurvivors < dropCount - (n - roster)
    } catch (err) {
      if (err instanceof InfeasibleParametersError) continue
      throw err
    }
    if (overloaded && !overload) continue
    const cr = dice.float()
    const chunkCoordinates = cr < 0.2 ? 32 : cr < 0.4 ? 16_384 : 32 * dice.int(1, 128)
    let updates: Float32Array[]
    let weights: number[]
    if (onGrid) {
      updates = gridUpdates(params, n, `${seed}/updates`)
      // weights 0 or maxWeight keep the fixed point exact
      const zeros = dice.chance(0.3)
      weights = updates.map(() => zeros && dice.chance(0.3) ? 0 : maxWeight)
    } else {
      updates = Array.from({ length: n }, () => {
        const words = dice.words(2 * dimension)
        // the clip's edges and zero now and then, else anywhere within the clip
        return Float32Array.from({ length: dimension }, (_, j) => {
          const e = words[2 * j] / 2 ** 32
          return e < 0.01 ? clip : e < 0.02 ? -clip : e < 0.03 ? 0 : (words[2 * j + 1] / 2 ** 31 - 1) * clip
        })
      })
      const varied = dice.chance(0.7)
      weights = updates.map(() => varied ? dice.float() * maxWeight : maxWeight)
    }
    return { seed, n, params, aggregator, chunkCoordinates, onGrid, updates, weights, drops, overloaded, redraws }
  }
  throw new Error(`no feasible configuration drawn from ${seed}`)
}

function describePlan (plan: Plan): string {
  const { params, n } = plan
  const { encoding, graph } = params
  const drops = [...plan.drops].map(([i, p]) => `${i}:${p}`).join(',')
  return `seed=${plan.seed} n=${n} d=${params.dimension} bits=${encoding.bits} m=${encoding.modulusBits} maxParticipants=${encoding.maxParticipants} ` +
    `minParticipants=${params.minParticipants} clip=${encoding.clip} maxWeight=${encoding.maxWeight} ${graph.shape}/${graph.threatModel}/${graph.dropoutRate} ` +
    `aggregator=${plan.aggregator} chunk=${plan.chunkCoordinates} ${plan.onGrid ? 'grid' : 'off-grid'} drops=[${drops}]${plan.overloaded ? ' overloaded' : ''}`
}

type Played =
  | { status: 'completed', survivors: number }
  | { status: 'aborted', reason: AbortReason, phase: string, message: string }

/** Throws `what()` unless `condition`: the message is built only on failure (events can hold whole transcripts). */
function check (condition: boolean, what: () => string): void {
  if (!condition) throw new Error(what())
}

/** Plays one round and checks it; throws, naming what failed, on any alarm or wrong sum. */
async function playAndCheck (plan: Plan): Promise<Played> {
  const { params, n } = plan
  const peers = await simulatedPeers(n, plan.seed)
  const report: SimulationReport = await simulateRound({
    params,
    peers,
    updates: plan.updates,
    weights: plan.weights,
    aggregator: plan.aggregator,
    crypto: nodeCryptoSuite,
    seed: plan.seed,
    drops: plan.drops,
    chunkCoordinates: plan.chunkCoordinates
  })
  const id = peers.map(p => p.identity.id)

  // nobody is ever excluded, convicted or complained about: every peer is honest
  for (const event of report.aggregator.events) {
    check(event.type !== 'excluded' && event.type !== 'misbehaviour' && event.type !== 'share-rejected', () => `the aggregator reported ${JSON.stringify(event)}`)
  }
  report.participants.forEach((r, i) => {
    for (const event of r.events) check(event.type !== 'share-rejected', () => `participant ${i} reported ${JSON.stringify(event)}`)
    check(r.abort === undefined || !RESULT_ALARMS.has(r.abort.reason), () => `participant ${i} aborted with ${JSON.stringify(r.abort)}`)
  })

  const outcome = report.aggregator.outcome
  if (outcome === undefined) {
    const abort = report.aggregator.abort
    check(abort !== undefined, () => 'the aggregator neither finished nor aborted')
    check(DROPOUT_ABORTS.has(abort!.reason), () => `the aggregator aborted with ${JSON.stringify(abort)}`)
    report.participants.forEach((r, i) => check(r.outcome === undefined, () => `participant ${i} has an outcome of an aborted round`))
    return { status: 'aborted', ...abort! }
  }
  check(report.aggregator.abort === undefined, () => `the aggregator both finished and aborted: ${JSON.stringify(report.aggregator.abort)}`)
  check(!plan.overloaded, () => 'the round completed with more dropouts than its parameters tolerate')

  // the survivors are exactly the peers that completed their masked input
  const survivors = [...Array(n).keys()].filter(i => !OUT_OF_SUM.has(plan.drops.get(i)!))
  const expectedSurvivors = survivors.map(i => id[i]).sort(byRosterOrder(outcome.participants))
  check(JSON.stringify(outcome.survivors) === JSON.stringify(expectedSurvivors),
    () => `survivors are peers ${JSON.stringify(outcome.survivors.map(s => id.indexOf(s)).sort((a, b) => a - b))}, expected ${JSON.stringify(survivors)}`)

  // the transcript proves the sum
  check(outcome.transcript !== undefined, () => 'the outcome carries no transcript')
  const verdict = await auditTranscript(outcome.transcript!, params, nodeCryptoSuite)
  check(verdict.verdict === 'verified', () => `the transcript audits ${JSON.stringify(verdict)}`)
  check(verdict.verdict === 'verified' && JSON.stringify(verdict.survivors) === JSON.stringify(outcome.survivors), () => 'the audit names other survivors')

  // the sum is the survivors' inputs
  const { encoding, dimension } = params
  const bits = encoding.modulusBits
  if (plan.onGrid) {
    // exactly: each survivor's quantized update is its grid integer (times 0 or 1 for its weight)
    const counted = survivors.filter(i => plan.weights[i] > 0)
    for (let j = 0; j < dimension; j++) {
      let expected = 0
      for (const i of counted) expected += Math.round(plan.updates[i][j] * encoding.scale)
      const got = toSigned(outcome.quantizedSum[j], bits)
      check(got === expected, () => `quantized coordinate ${j} is ${got}, the survivors' grid integers sum to ${expected}`)
    }
    check(toSigned(outcome.quantizedSum[dimension], bits) === counted.length * encoding.weightScale, () => `the weight coordinate is ${toSigned(outcome.quantizedSum[dimension], bits)}`)
    const exact = exactSum(plan.updates, counted).map(v => v * encoding.maxWeight)
    for (let j = 0; j < dimension; j++) check(outcome.sum[j] === exact[j], () => `coordinate ${j} of the sum is ${outcome.sum[j]}, exactSum gives ${exact[j]}`)
    check(outcome.weightSum === counted.length * encoding.maxWeight, () => `weight sum ${outcome.weightSum}, expected ${counted.length * encoding.maxWeight}`)
  } else {
    // within one quantum per survivor: stochastic rounding moves each value by less than one
    const quantum = encoding.maxWeight / encoding.scale
    for (let j = 0; j < dimension; j++) {
      let expected = 0
      for (const i of survivors) expected += plan.weights[i] * Math.min(encoding.clip, Math.max(-encoding.clip, plan.updates[i][j]))
      const error = Math.abs(outcome.sum[j] - expected)
      check(error <= survivors.length * quantum * (1 + 1e-9) + 1e-12 * Math.abs(expected), () => `coordinate ${j} of the sum is ${outcome.sum[j]}, ${error / quantum} quanta from ${expected}`)
    }
    const weights = survivors.reduce((s, i) => s + plan.weights[i], 0)
    const error = Math.abs(outcome.weightSum - weights)
    check(error <= survivors.length * encoding.maxWeight / encoding.weightScale * (1 + 1e-9), () => `weight sum ${outcome.weightSum}, ${weights} expected`)
  }

  // every peer that stayed took the same verified result; those that dropped took none and raised nothing
  report.participants.forEach((r, i) => {
    if (plan.drops.has(i)) {
      check(r.outcome === undefined, () => `participant ${i}, dropped at ${plan.drops.get(i)}, has an outcome`)
      return
    }
    check(r.abort === undefined, () => `participant ${i} aborted: ${JSON.stringify(r.abort)}`)
    const own = r.outcome
    check(own !== undefined, () => `participant ${i} has no outcome`)
    check(equalWords(own!.quantizedSum, outcome.quantizedSum), () => `participant ${i} has another quantized sum`)
    check(own!.sum.length === outcome.sum.length && own!.sum.every((v, j) => Object.is(v, outcome.sum[j])), () => `participant ${i} has another sum`)
    check(own!.weightSum === outcome.weightSum, () => `participant ${i} has another weight sum`)
    check(JSON.stringify(own!.survivors) === JSON.stringify(outcome.survivors), () => `participant ${i} has other survivors`)
    check(equalWords(own!.signedResult, outcome.signedResult), () => `participant ${i} took another signed result`)
    check(own!.transcript !== undefined && equalWords(own!.transcript, outcome.transcript!), () => `participant ${i} took another transcript`)
  })
  return { status: 'completed', survivors: survivors.length }
}

function byRosterOrder (participants: string[]): (a: string, b: string) => number {
  const order = new Map(participants.map((p, i) => [p, i]))
  return (a, b) => order.get(a)! - order.get(b)!
}

function equalWords (a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** What one round drew and how it went, as plain data (it crosses from a worker thread). */
export interface RoundRecord {
  seed: string
  /** describePlan's one line, to replay a failure. */
  plan: string
  n: number
  bits: number
  shape: string
  wholeBlocks: boolean
  onGrid: boolean
  weighted: boolean
  chunkCoordinates: number
  drops: DropPoint[]
  overloaded: boolean
  redraws: number
  result: { status: 'completed' } | { status: 'aborted', reason: AbortReason, phase: string, message: string } | { status: 'failed', message: string }
}

/** Plans, plays and checks the rounds of `series` with these indices, one after another. */
export async function playRounds (series: string, indices: number[]): Promise<RoundRecord[]> {
  const records: RoundRecord[] = []
  for (const index of indices) {
    const plan = planRound(`${series}/${index}`)
    let result: RoundRecord['result']
    try {
      const played = await playAndCheck(plan)
      result = played.status === 'completed' ? { status: 'completed' } : played
    } catch (err) {
      result = { status: 'failed', message: (err as Error).message }
    }
    records.push({
      seed: plan.seed,
      plan: describePlan(plan),
      n: plan.n,
      bits: plan.params.encoding.bits,
      shape: plan.params.graph.shape,
      wholeBlocks: (plan.params.dimension + 1) % 1024 === 0,
      onGrid: plan.onGrid,
      weighted: plan.weights.some(w => w !== plan.params.encoding.maxWeight),
      chunkCoordinates: plan.chunkCoordinates,
      drops: [...plan.drops.values()],
      overloaded: plan.overloaded,
      redraws: plan.redraws,
      result
    })
  }
  return records
}

/**
 * A worker thread that loads this very file through Vite's module runner (which compiles the TypeScript
 * as Vitest does) and plays its share of the rounds: a round is one thread's work, so one thread per core
 * divides the wall time.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
import(workerData.vite)
  .then(({ runnerImport }) => runnerImport(workerData.file, { root: workerData.root, configFile: false, logLevel: 'error' }))
  .then(({ module }) => module.playRounds(workerData.series, workerData.indices))
  .then(records => parentPort.postMessage(records))
`

async function playInWorkers (series: string, indices: number[], threads: number): Promise<RoundRecord[]> {
  const file = fileURLToPath(import.meta.url)
  const vite = import.meta.resolve('vite')
  const shares = Array.from({ length: threads }, (_, k) => indices.filter((_, i) => i % threads === k))
  const results = await Promise.all(shares.map(async share => new Promise<RoundRecord[]>((resolve, reject) => {
    const worker = new Worker(WORKER, {
      eval: true,
      execArgv: [],
      workerData: { [WORKER_MARK]: true, vite, file, root: resolvePath(dirname(file), '../../..'), series, indices: share }
    })
    worker.once('message', resolve)
    worker.once('error', reject)
    worker.once('exit', code => reject(new Error(`a round worker exited with ${code} before reporting`)))
  })))
  return results.flat().sort((a, b) => Number(a.seed.slice(a.seed.lastIndexOf('/') + 1)) - Number(b.seed.slice(b.seed.lastIndexOf('/') + 1)))
}

// In a round worker this module is only a library: the test runs in Vitest.
if (workerData?.[WORKER_MARK] !== true) {
  describe('no false alarm in honest randomised rounds', () => {
    it(`${ROUNDS} rounds with dropouts at every phase: every completed round verifies and sums its survivors' inputs`, async () => {
      const started = performance.now()
      const indices = ONLY === undefined ? [...Array(ROUNDS).keys()] : [Number(ONLY)]
      const threads = Math.min(availableParallelism(), 8, indices.length)
      const records = threads > 1 ? await playInWorkers(SEED, indices, threads) : await playRounds(SEED, indices)
      const seconds = (performance.now() - started) / 1000

      const count = (where: (r: RoundRecord) => boolean): number => records.filter(where).length
      const completed = records.filter(r => r.result.status === 'completed')
      const failures = records.flatMap(r => r.result.status === 'failed' ? [`${r.plan}: ${r.result.message}`] : [])
      // aborts by reason and phase, apart for the rounds planned within the tolerance and those overloaded on purpose
      const aborts = (overloaded: boolean): Map<string, string[]> => {
        const by = new Map<string, string[]>()
        for (const { seed, result } of records.filter(r => r.overloaded === overloaded)) {
          if (result.status === 'aborted') by.set(`${result.reason}@${result.phase}`, [...(by.get(`${result.reason}@${result.phase}`) ?? []), `${seed}: ${result.message}`])
        }
        return by
      }
      const abortedWithin = aborts(false)
      const abortedOverloaded = aborts(true)
      const summary = (by: Map<string, string[]>): string => [...by].map(([reason, seeds]) => `${reason} ${seeds.length}`).join(', ') || 'none'
      const drops = (point: DropPoint, among: RoundRecord[]): number => among.reduce((sum, r) => sum + r.drops.filter(p => p === point).length, 0)
      const dropSummary = DROP_POINTS.map(p => `${p} ${drops(p, completed)}/${drops(p, records)}`).join(', ')
      console.log(`false alarms: ${records.length} rounds in ${seconds.toFixed(1)} s on ${threads} thread(s): ${completed.length} completed, ` +
        `${failures.length} failed; aborted within tolerance: ${summary(abortedWithin)}; aborted of ${count(r => r.overloaded)} overloaded: ${summary(abortedOverloaded)}; ` +
        `drops (in completed/all rounds): ${dropSummary}; configurations redrawn: ${records.reduce((sum, r) => sum + r.redraws, 0)}`)
      for (const [reason, seeds] of abortedWithin) console.log(`  aborted within tolerance, ${reason}: ${seeds.slice(0, 5).join(' | ')}`)

      expect(records.map(r => r.seed)).toEqual(indices.map(i => `${SEED}/${i}`))
      expect(failures).toEqual([])
      if (ONLY !== undefined) return
      expect(completed.length).toBeGreaterThanOrEqual(0.9 * ROUNDS)
      // the draw covers what it claims to
      for (const point of DROP_POINTS) expect(drops(point, completed), point).toBeGreaterThanOrEqual(50)
      expect(new Set(records.map(r => r.n)).size).toBe(26)
      expect(new Set(records.map(r => r.bits)).size).toBe(23)
      expect(new Set(records.map(r => r.shape)).size).toBe(2)
      const variety = {
        overloaded: count(r => r.overloaded),
        wholeBlocks: count(r => r.wholeBlocks),
        grid: count(r => r.onGrid),
        offGrid: count(r => !r.onGrid),
        weighted: count(r => r.weighted),
        chunk32: count(r => r.chunkCoordinates === 32),
        chunk16384: count(r => r.chunkCoordinates === 16_384)
      }
      for (const [what, rounds] of Object.entries(variety)) expect(rounds, what).toBeGreaterThanOrEqual(what === 'overloaded' ? 10 : 50)
    })
  })
}
