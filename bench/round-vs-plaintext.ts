/**
 * One secure round of n real libp2p nodes (TCP on loopback, one process) at d = 1,000,000, against a
 * plaintext round over the same nodes and the same star: the secure round's aggregator receives the
 * raw vectors and sends back their sum. Both are warmed up first with a small round, so neither pays
 * for JIT compilation or connection setup. The nodes are a closed session's members, as a known group
 * of peers would be: they elect the aggregator from the list at once, with no presence to wait for.
 */
import { keystreamAddFloor, median } from './floors.js'
import { openSession } from '../src/node/session-config.js'
import { identityOf } from '../src/protocol/crypto/identity.js'
import { graphParametersFor } from '../src/protocol/round/params.js'
import { plaintextRound } from './plaintext-round.js'
import { benchSession, connect, joinSession, startNode, syntheticUpdate, type BenchNode } from './secagg-nodes.js'
import type { AggregateResult, RoundProgress } from '../src/node/session-runner.js'
import type { SessionConfig } from '../src/node/session-config.js'
import type { BenchResult } from './result.js'

const REPEATS = 3
const WARM_UP_DIMENSION = 1000

export async function roundVsPlaintext (n = 20, dimension = 1_000_000): Promise<BenchResult[]> {
  const nodes: BenchNode[] = []
  try {
    for (let i = 0; i < n; i++) nodes.push(await startNode())
    await connect(nodes, Array.from({ length: n >> 1 }, (_, s) => s + 1))
    const small = nodes.map((_, p) => syntheticUpdate(p, WARM_UP_DIMENSION))
    await plaintextAgainst(await secureRound(nodes, 'round-vs-plaintext warm-up', small), nodes, small)
    const updates = nodes.map((_, p) => syntheticUpdate(p, dimension))
    // Each secure round next to its plaintext round, so both see the same load on this shared machine.
    const runs: Array<{ secure: SecureRound, plain: number }> = []
    for (let r = 0; r < REPEATS; r++) {
      const secure = await secureRound(nodes, `round-vs-plaintext ${r}`, updates)
      runs.push({ secure, plain: await plaintextAgainst(secure, nodes, updates) })
    }
    const typical = [...runs].sort((a, b) => a.secure.ms - b.secure.ms)[REPEATS >> 1].secure
    const phases = typical.phases.map(([phase, ms]) => `${phase} ${Math.round(ms)}`).join(', ')
    const plain = median(runs.map(run => run.plain))
    const masking = maskingFloor(typical, nodes)
    const unmasking = keystreamAddFloor(dimension + 1, n)
    return [{
      name: 'round-vs-plaintext',
      value: median(runs.map(run => run.secure.ms)),
      unit: 'ms',
      floor: plain,
      detail: `n = ${n}, d = ${dimension}, one process, TCP loopback; the median secure round by phase (ms): ${phases}. ` +
        `At the keystream floor, one after another as one thread runs them, the participants' masking takes ${Math.round(masking)} ms ` +
        `and the aggregator's removal of the ${n} self masks ${Math.round(unmasking)} ms: ` +
        `with nothing else added, this set-up cannot go below a ratio of ${((plain + masking + unmasking) / plain).toFixed(2)}`
    }]
  } finally {
    await Promise.all(nodes.map(async node => node.stop()))
  }
}

/**
 * Milliseconds for all n participants to add their masks (a self mask and one per neighbour, each a
 * keystream of d + 1 words) at the AES-CTR floor, one participant after another: work a secure round
 * in one process must do on its one thread, and the plaintext round does not.
 */
function maskingFloor (round: SecureRound, nodes: BenchNode[]): number {
  const session = openSession(round.config)
  const identities = nodes.map(node => identityOf(node.peerId))
  // every participant of a Harary graph has the same number of neighbours
  const { degree } = graphParametersFor(session.params, identities.length)
  const target = new Uint32Array(session.params.dimension + 1)
  let ms = 0
  for (let i = 0; i < identities.length; i++) ms += keystreamAddFloor(target.length, 1 + degree)
  return ms
}

interface SecureRound {
  config: SessionConfig
  ms: number
  result: AggregateResult
  /** Milliseconds from one mark to the next, as the aggregator saw them. */
  phases: Array<[string, number]>
}

/** Every node aggregates its update in a fresh session; timed from the calls until all resolve. */
async function secureRound (nodes: BenchNode[], name: string, updates: Float32Array[]): Promise<SecureRound> {
  const config = benchSession(name, nodes.length, updates[0].length, nodes.length, nodes.map(node => node.peerId.toString()))
  const sessions = await joinSession(nodes, config)
  // The aggregator reports entering each phase; the first 'result' anywhere is its own, before delivery.
  const marks: Array<[string, number]> = []
  const onProgress = (event: CustomEvent<RoundProgress>): void => {
    if (event.detail.role === 'aggregator') marks.push([event.detail.phase, performance.now()])
  }
  const onResult = (): void => {
    if (!marks.some(([mark]) => mark === 'result')) marks.push(['result', performance.now()])
  }
  for (const node of nodes) {
    node.services.secagg.addEventListener('progress', onProgress)
    node.services.secagg.addEventListener('result', onResult)
  }
  try {
    const started = performance.now()
    const results = await Promise.all(sessions.map(async (session, i) => session.aggregate(updates[i])))
    const ended = performance.now()
    if (results[0].survivors.length !== nodes.length) throw new Error(`${results[0].survivors.length} of ${nodes.length} peers survived the secure round`)
    // Each span is named for what fills it: the wait before the announcement, each phase, the delivery.
    const times = [started, ...marks.map(([, at]) => at), ended]
    const names = ['announce', ...marks.map(([mark]) => mark === 'result' ? 'delivery' : mark)]
    return { config, ms: ended - started, result: results[0], phases: names.map((mark, i) => [mark, times[i + 1] - times[i]]) }
  } finally {
    for (const node of nodes) {
      node.services.secagg.removeEventListener('progress', onProgress)
      node.services.secagg.removeEventListener('result', onResult)
    }
    for (const session of sessions) session.leave()
  }
}

/**
 * The plaintext round through the secure round's aggregator. Its sum must match the secure one within
 * the stochastic rounding of the encoding (under one step per peer and coordinate), or the benchmark
 * timed a round that went wrong.
 */
async function plaintextAgainst (secure: SecureRound, nodes: BenchNode[], updates: Float32Array[]): Promise<number> {
  const a = nodes.findIndex(node => node.peerId.toString() === secure.result.aggregator)
  const { ms, sum } = await plaintextRound(nodes, a, updates)
  const { clip, bits } = secure.config.encoding
  const tolerance = nodes.length * clip / 2 ** (bits - 1)
  for (let i = 0; i < sum.length; i++) {
    if (Math.abs(sum[i] - secure.result.sum[i]) > tolerance) throw new Error(`the secure and plaintext sums differ at ${i}: ${secure.result.sum[i]} against ${sum[i]}`)
  }
  return ms
}
