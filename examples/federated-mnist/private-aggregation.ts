/**
 * The noisy mean of a DP round, three ways of getting it; each peer's encoding is the same in all three
 * (clip in L2, rotate, round, add its discrete Gaussian share, reduce mod 2^m: src/protocol/dp):
 *
 * - **in-process**: the survivors' encodings summed mod 2^m and decoded (`privateSum`). That is what a
 *   round's masks leave once they cancel, which they do exactly (test/protocol/dp/dp-round.test.ts), so
 *   the sum is the one a full round would produce; the masking, key agreement and Shamir sharing are
 *   left out because at 100 peers they cost 6 to 13 s a round on a busy 2-core machine, where a round's
 *   training takes about 3 s. The default.
 * - **round-core**: the full round core in process (`simulateRound`): real keys, masks, Shamir shares
 *   and dropout recovery, the aggregator rotating per round, on a virtual clock.
 * - **libp2p**: real nodes on loopback (nodes.ts), every sum audited from its transcript.
 *
 * Every round's rotation is fresh: its key hashes the session, the round and the round's beacon.
 */
import { auditTranscript, deterministicRandom, nodeCryptoSuite, openSession, rotationKey, type PrivacyReport } from 'libp2p-secagg'
// The simulator the project's own tests and benchmarks use
import { privateSum, simulateRound, simulatedPeers } from 'libp2p-secagg/testing'
import { allHoldResult, plannedDrops, rotatingAggregator, secureRound, startPeers, stopPeers, survivorsOf } from './nodes.js'
import { privateSession, type SessionPlan } from './private-session.js'

export const TRANSPORTS = ['in-process', 'round-core', 'libp2p'] as const
export type Transport = typeof TRANSPORTS[number]

export interface PrivateAggregate {
  /** The noisy mean of the survivors' clipped updates, in the update's units. */
  mean: Float64Array
  /** Peers whose updates are in the mean. */
  survivors: number[]
  /** Peers that dropped out as planned. */
  dropped: number[]
  /** Peers whose round failed though they did not drop out (libp2p on a machine too busy for the deadlines). */
  failed: number[]
  /** Milliseconds the aggregation took (auditing the transcript included, over libp2p). */
  ms: number
}

export interface PrivateAggregator {
  aggregate: (updates: Float32Array[], round: number) => Promise<PrivateAggregate>
  /** The own account of its budget of a peer in every round so far, where the peers keep one (libp2p). */
  privacy: () => PrivacyReport | undefined
  close: () => Promise<void>
}

export async function privateAggregator (transport: Transport, plan: SessionPlan): Promise<PrivateAggregator> {
  if (transport === 'libp2p') return overLibp2p(plan)
  if (transport === 'round-core') return roundCore(plan)
  return inProcess(plan)
}

function timed<T extends object> (started: number, value: T): T & { ms: number } {
  return { ...value, ms: performance.now() - started }
}

function inProcess (plan: SessionPlan): PrivateAggregator {
  // a simulated session: nobody joins it, so its membership does not matter
  const { id, params } = openSession(privateSession(plan, 'open'))
  // seeded, so that a run replays; real peers draw both from their system's randomness
  const beacons = deterministicRandom(`${plan.noiseSeed ?? plan.seed}/beacons`)
  const roundingSeeds = deterministicRandom(`${plan.noiseSeed ?? plan.seed}/rounding-seeds`)
  return {
    async aggregate (updates, round) {
      const started = performance.now()
      const dropped = plannedDrops(plan, round).map(d => d.peer)
      const survivors = [...updates.keys()].filter(i => !dropped.includes(i))
      const rotation = rotationKey(id, round, beacons(32))
      const { mean } = await privateSum(survivors.map(i => updates[i]), params.encoding, nodeCryptoSuite.prg, rotation, roundingSeeds)
      return timed(started, { mean, survivors, dropped, failed: [] })
    },
    privacy: () => undefined,
    close: async () => {}
  }
}

async function roundCore (plan: SessionPlan): Promise<PrivateAggregator> {
  const { params } = openSession(privateSession(plan, 'open'))
  const peers = await simulatedPeers(plan.peers, plan.seed)
  const index = new Map(peers.map((peer, i) => [peer.identity.id, i]))
  const beacons = deterministicRandom(`${plan.noiseSeed ?? plan.seed}/beacons`)
  return {
    async aggregate (updates, round) {
      const started = performance.now()
      const drops = plannedDrops(plan, round)
      const report = await simulateRound({
        params,
        peers,
        updates,
        aggregator: rotatingAggregator(plan.peers, round, drops),
        round,
        beacon: beacons(32),
        crypto: nodeCryptoSuite,
        seed: `${plan.noiseSeed ?? plan.seed}/round-${round}`,
        drops: new Map(drops.map(d => [d.peer, d.phase]))
      })
      const outcome = report.aggregator.outcome
      if (outcome === undefined) throw new Error(`round ${round} aborted: ${report.aggregator.abort?.message ?? 'no result'}`)
      const survivors = outcome.survivors.map(id => index.get(id) ?? -1)
      return timed(started, { mean: outcome.mean, survivors, dropped: drops.map(d => d.peer), failed: [] })
    },
    privacy: () => undefined,
    close: async () => {}
  }
}

async function overLibp2p (plan: SessionPlan): Promise<PrivateAggregator> {
  const peers = await startPeers(plan.peers, members => privateSession(plan, members))
  const { params } = openSession(peers.session)
  const missedAny = new Set<number>()
  return {
    async aggregate (updates, round) {
      const started = performance.now()
      const drops = plannedDrops(plan, round)
      const results = await secureRound(peers, updates, updates.map(() => 1), drops, round)
      results.forEach((r, i) => { if (r === undefined) missedAny.add(i) })
      const result = results.find(r => r !== undefined)
      if (result === undefined) throw new Error(`round ${round}: no peer got a result`)
      // a session hands an update it already summed its old result: each round's updates must be new
      if (result.round !== round) throw new Error(`round ${round}: the peers got round ${result.round}'s result`)
      await allHoldResult(peers.sessions, result.round)
      const audit = await auditTranscript(result.transcript, params, nodeCryptoSuite)
      if (audit.verdict !== 'verified') throw new Error(`round ${round}: the sum does not verify from its transcript (${audit.verdict}: ${audit.reason})`)
      const failed = results.flatMap((r, i) => r === undefined && !drops.some(d => d.peer === i) ? [i] : [])
      return timed(started, { mean: result.mean, survivors: survivorsOf(peers, result), dropped: drops.map(d => d.peer), failed })
    },
    privacy: () => peers.sessions.find((_, i) => !missedAny.has(i))?.privacy(),
    close: async () => stopPeers(peers)
  }
}
