/**
 * What the testnet does each round, fixed by its seed: every peer's input, which peers drop and in
 * which phase, and in which round and phase the aggregator is killed. The same seed gives the same
 * inputs and the same faults.
 */
import { deterministicRandom } from '../protocol/crypto/random.js'
import { PHASES, type Phase } from '../protocol/round/phases.js'

export interface DropSpec {
  /** Peers dropped per round. */
  count: number
  /** The phase they drop in; a random one per peer when absent. */
  phase?: Phase
}

export interface RoundPlan {
  round: number
  /** Peer indexes, each with the phase it is killed in (when it enters that phase as a participant). */
  drops: Array<{ peer: number, phase: Phase }>
  /** The phase in which this round's aggregator is killed, if it is the round for that. */
  killAggregator?: Phase
}

export interface SchedulePlan {
  peers: number
  rounds: number
  drop: DropSpec
  /** The phase the aggregator is killed in, in one round (the second, or the only one). */
  killAggregator?: Phase
  seed: string
}

/** A seeded source of numbers in [0, 1). */
export function seededUniform (seed: string, label: string): () => number {
  const random = deterministicRandom(new TextEncoder().encode(`${seed}/${label}`))
  return () => {
    const bytes = random(4)
    return ((bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]) >>> 0) / 2 ** 32
  }
}

export function planRounds (plan: SchedulePlan): RoundPlan[] {
  const uniform = seededUniform(plan.seed, 'faults')
  const killRound = plan.rounds >= 2 ? 2 : 1
  return Array.from({ length: plan.rounds }, (_, r) => {
    const round = r + 1
    const order = Array.from({ length: plan.peers }, (_, i) => i)
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(uniform() * (i + 1))
      ;[order[i], order[j]] = [order[j], order[i]]
    }
    const drops = order.slice(0, plan.drop.count).map(peer => ({ peer, phase: plan.drop.phase ?? PHASES[Math.floor(uniform() * PHASES.length)] }))
    return { round, drops, ...(plan.killAggregator !== undefined && round === killRound ? { killAggregator: plan.killAggregator } : {}) }
  })
}

/**
 * Inputs on the encoding's grid (multiples of clip / 2^(bits - 1), inside the clip), so stochastic
 * rounding leaves them as they are and the exact sum of the survivors' quantized inputs is known.
 */
export function gridInputs (seed: string, round: number, peers: number, dimension: number, clip: number, bits: number): Float32Array[] {
  const steps = 2 ** (bits - 1)
  const uniform = seededUniform(seed, `inputs/${round}`)
  return Array.from({ length: peers }, () => Float32Array.from({ length: dimension }, () => Math.round((uniform() * 2 - 1) * (steps - 1)) * clip / steps))
}
