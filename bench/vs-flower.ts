/**
 * vs-flower: one full round of each of three configurations through the round core, every participant's
 * and the aggregator's CPU time per phase, beside Flower's SecAgg+ on the same configuration.
 *
 * Flower's figures are constants: Flower 1.28's SecAgg+ (its own code, driven in process on this kind of
 * 2-core machine, whole-round CPU with Flower's serialisation excluded), as measured and stated in this
 * project's issue 20. They cannot be rerun here: Flower is a Python package and PyPI is out of reach.
 * Each result's `floor` is that reference, so its ratio is ours over Flower's (below 1 is faster).
 *
 * The work is not the same: this round also makes every sum verifiable (each participant commits to its
 * masked vector, the aggregator checks each upload against its commitment, and each participant checks
 * the result's transcript), deals Feldman-verifiable shares, and signs every message. Flower's SecAgg+
 * does none of these. The per-phase split in each detail shows where the time goes.
 */
import { nodeCryptoSuite } from '../src/protocol/crypto/suite-node.js'
import { DEFAULT_ENCODING } from '../src/protocol/encoding/params.js'
import { DEFAULT_GRAPH, DEFAULT_PHASE_TIMEOUTS, resolveParams, type GraphPolicy, type ResolvedParams } from '../src/protocol/round/params.js'
import type { MessageType, RoundOutcome } from '../src/protocol/round/events.js'
import { auditTranscript, forgetAudits } from '../src/protocol/verification/audit.js'
import { simulatedPeers } from '../src/simulation/peers.js'
import { PHASE_OF, simulateRound, type DropPoint } from '../src/simulation/simulation.js'
import type { BenchResult } from './result.js'

interface Configuration {
  name: 'A' | 'B' | 'C'
  n: number
  dimension: number
  dropped: number
  graph: GraphPolicy
  /** Flower 1.28 SecAgg+, per round: one client's CPU, and the server's (issue 20's table). */
  flower: { clientMs: number, serverMs: number }
  /** The issue's goals, where it set them: how many times faster than Flower. */
  goal?: { client: number, server: number }
  what: string
}

const COMPLETE: GraphPolicy = { ...DEFAULT_GRAPH, shape: 'complete' }

export const CONFIGURATIONS: Configuration[] = [
  { name: 'A', n: 100, dimension: 1_000_000, dropped: 10, graph: DEFAULT_GRAPH, flower: { clientMs: 112, serverMs: 7_813 }, goal: { client: 3, server: 15 }, what: 'n = 100, d = 1M, 10 dropped after sharing keys, k from the finder (Flower: k = 20)' },
  { name: 'B', n: 100, dimension: 100_000, dropped: 10, graph: COMPLETE, flower: { clientMs: 946, serverMs: 97_110 }, goal: { client: 10, server: 150 }, what: 'n = 100, d = 100k, complete graph, 10 dropped after sharing keys' },
  { name: 'C', n: 20, dimension: 1_000_000, dropped: 2, graph: COMPLETE, flower: { clientMs: 108, serverMs: 1_432 }, what: 'n = 20, d = 1M, complete graph, 2 dropped after sharing keys' }
]

/** Rounds per configuration (odd); each figure is the median round's, and its participant the median one. */
const RUNS = 3

/** The phase each message a participant handles belongs to, for the per-phase split. */
const PHASE: Partial<Record<MessageType, string>> = {
  announcement: 'advertise-keys',
  roster: 'share-keys',
  'neighbour-keys': 'share-keys',
  'share-delivery': 'share-keys',
  'survivor-set': 'consistency-check',
  'consistency-proof': 'unmask',
  result: 'result'
}

interface RoundCpu {
  /** The median participant's CPU by phase. */
  clientPhases: Record<string, number>
  serverPhases: Record<string, number>
}

function split (phases: Record<string, number>): string {
  return Object.entries(phases).map(([phase, ms]) => `${phase} ${ms.toFixed(0)}`).join(', ')
}

function total (phases: Record<string, number>): number {
  return Object.values(phases).reduce((a, b) => a + b, 0)
}

/** Adds each message type's time to its phase's. */
function byPhase (phases: Record<string, number>, times: Partial<Record<MessageType, number>>, phaseOf: Partial<Record<MessageType, string>>): Record<string, number> {
  for (const [type, ms] of Object.entries(times)) {
    const phase = phaseOf[type as MessageType] ?? type
    phases[phase] = (phases[phase] ?? 0) + ms
  }
  return phases
}

/** The middle item by a value (of an odd count, the one whose value is the median). */
function middle<T> (items: T[], value: (item: T) => number): T {
  return [...items].sort((a, b) => value(a) - value(b))[items.length >> 1]
}

async function oneRound (config: Configuration, run: number): Promise<RoundCpu> {
  const { n, dimension } = config
  const params = resolveParams({
    sessionId: new Uint8Array(32).fill(2),
    dimension,
    encoding: DEFAULT_ENCODING,
    graph: config.graph,
    minParticipants: n - config.dropped,
    phaseTimeouts: DEFAULT_PHASE_TIMEOUTS
  })
  const peers = await simulatedPeers(n, `vs-flower/${run}`)
  // evenly spread, never the aggregator (peer 0)
  const drops = new Map<number, DropPoint>(Array.from({ length: config.dropped }, (_, i) => [Math.floor((i + 0.5) * n / config.dropped), 'masked-input']))
  const updates = peers.map((_, p) => Float32Array.from({ length: dimension }, (_, i) => Math.sin(p + i) * 0.9))
  const report = await simulateRound({ params, peers, updates, aggregator: 0, crypto: nodeCryptoSuite, drops, seed: `vs-flower/${run}` })
  if (report.aggregator.outcome === undefined) throw new Error(`vs-flower ${config.name}: the round aborted: ${report.aggregator.abort?.message}`)
  const serverPhases = byPhase({ 'deadlines and announcement': report.aggregatorDeadlineMs }, report.aggregatorMs, PHASE_OF)
  // participants that stayed, the aggregator's own participant side left out (it runs both roles)
  const stayed = [...peers.keys()].filter(i => i !== 0 && !drops.has(i))
  const audit = await auditCost(report.aggregator.outcome, params)
  const clients = stayed.map(i => {
    const phases = byPhase({ 'masked-input': report.maskingMs[i] }, report.participantMs[i], PHASE)
    phases.result = (phases.result ?? 0) + audit
    return phases
  })
  return { clientPhases: middle(clients, total), serverPhases }
}

/**
 * What the audit of the round's transcript costs a participant beyond what the simulated ones paid. In one
 * process they all audit the same transcript, and every one after the first got the verdict from the
 * audit's cache (which serves a process meeting a transcript twice): a real participant meets it once.
 * The participant's call, timed with the cache emptied, less the same call served from the cache.
 */
async function auditCost (outcome: RoundOutcome, params: ResolvedParams): Promise<number> {
  const audit = async (): Promise<number> => {
    const started = performance.now()
    const verdict = await auditTranscript(outcome.transcript!, params, nodeCryptoSuite, { result: outcome.signedResult, signaturesChecked: true })
    if (verdict.verdict !== 'verified') throw new Error(`vs-flower: the round's transcript audits as ${verdict.verdict}`)
    return performance.now() - started
  }
  forgetAudits()
  const fresh = await audit()
  return fresh - await audit()
}

export async function vsFlower (): Promise<BenchResult[]> {
  const results: BenchResult[] = []
  for (const config of CONFIGURATIONS) {
    const rounds: RoundCpu[] = []
    for (let run = 0; run < RUNS; run++) rounds.push(await oneRound(config, run))
    const clientPhases = middle(rounds, r => total(r.clientPhases)).clientPhases
    const serverPhases = middle(rounds, r => total(r.serverPhases)).serverPhases
    const client = total(clientPhases)
    const server = total(serverPhases)
    results.push({
      name: `vs-flower-${config.name}-client`,
      value: client,
      unit: 'ms',
      floor: config.flower.clientMs,
      detail: `${config.what}: a participant's CPU (${split(clientPhases)} ms; result: checking the round's transcript) against Flower's client, ${(config.flower.clientMs / client).toFixed(1)}x as fast${config.goal === undefined ? '' : ` (goal ${config.goal.client}x)`}`
    })
    results.push({
      name: `vs-flower-${config.name}-aggregator`,
      value: server,
      unit: 'ms',
      floor: config.flower.serverMs,
      detail: `the aggregator's CPU (${split(serverPhases)} ms; masked-input: receiving, checking against commitments and summing) against Flower's server, ${(config.flower.serverMs / server).toFixed(1)}x as fast${config.goal === undefined ? '' : ` (goal ${config.goal.server}x)`}`
    })
  }
  return results
}
