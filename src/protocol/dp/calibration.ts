/**
 * Distributed DP settings and what a session derives from them: the scale, the rounded updates' norm
 * bounds, and each peer's share of the noise. Each peer's share assumes only the fewest honest peers
 * any accepted round has (the fewest survivors a round accepts, less the corrupt peers the session plans
 * for, who know their own noise and can take it away), so the noise in every released sum meets the
 * target whoever drops. The scale is the finest that keeps a sum within the modulus with `sigmas`
 * standard deviations to spare, assuming every update points the same way (model updates often do).
 */
import { epsilonOf, type PrivacyMechanism } from './accountant.js'
import { MAX_TABLE_ENTRIES } from './discrete-gaussian.js'
import { paddedDimension } from './hadamard.js'
import { InvalidEncodingError } from '../encoding/errors.js'

export interface DpParams {
  /** The noise: each peer adds a discrete Gaussian to every coordinate. */
  mechanism: 'discrete-gaussian'
  /** C: each update is scaled down to an L2 norm of at most C. */
  l2Clip: number
  /** m: values travel and sum mod 2^m. */
  modulusBits: number
  /** The session's budget: (epsilon, delta)-DP for each peer's updates over all its rounds. */
  epsilon: number
  delta: number
  /** Rounds the budget is spread over: each round spends 1/rounds of it, in RDP. */
  rounds: number
  /** Standard deviations of a summed coordinate that fit within the modulus (default 4). */
  sigmas?: number
}

export const DEFAULT_SIGMAS = 4

/**
 * β of the conditional rounding: a rounded update's norm exceeds the bound with probability at most β,
 * and is then rounded afresh. Kairouz et al.'s choice, which keeps the bound within a fraction of a
 * per cent of the clip norm at useful scales and costs at most 1/(1 - β) = 2.5 roundings on average.
 */
export const ROUNDING_BETA = Math.exp(-0.5)

/** Total variation of one sample from the table sampler, at its largest table. */
const SAMPLER_DISTANCE = (MAX_TABLE_ENTRIES + 1) * 2 ** -96 + 2 ** -100

export interface DpCalibration extends Required<DpParams> {
  /** D: the update padded to a power of two, the length rotated and sent. */
  paddedDimension: number
  /** 1/γ: integer units per unit of an update. */
  scale: number
  /** Δ2: the largest L2 norm of a rounded update, in integer units (the sensitivity). */
  l2Bound: number
  /** Δ1: the largest L1 norm of a rounded update. */
  l1Bound: number
  /** σ² each peer adds to each coordinate, in integer units. */
  peerVariance: number
  /** The fewest peers whose noise any accepted round's sum carries, for the privacy it guarantees. */
  honestPeers: number
  /** The delta the accountant works with: delta less the sampler's distance over every sample of every round. */
  accountedDelta: number
  /** The epsilon a round spends at worst (at accountedDelta), with honestPeers. */
  roundEpsilon: number
  /** The chance that a coordinate of a sum wraps mod 2^m, at most: 2·exp(-sigmas²/2). */
  wrapBound: number
}

/** The bound on a conditionally rounded vector's norm (Kairouz et al. 2021, Theorem 1's Δ2). */
export function roundedL2Bound (norm: number, dimension: number): number {
  const loose = norm + Math.sqrt(dimension)
  const tight = Math.sqrt(norm * norm + dimension / 4 + Math.sqrt(2 * Math.log(1 / ROUNDING_BETA)) * (norm + Math.sqrt(dimension) / 2))
  return Math.min(loose, tight)
}

/** The mechanism of one round whose sum carries the noise of `honestPeers` peers. */
export function roundMechanism (calibration: Pick<DpCalibration, 'paddedDimension' | 'l2Bound' | 'l1Bound' | 'peerVariance' | 'honestPeers'>, honestPeers = calibration.honestPeers): PrivacyMechanism {
  return {
    kind: 'discrete-gaussian-sum',
    peerStd: Math.sqrt(calibration.peerVariance),
    peers: honestPeers,
    dimension: calibration.paddedDimension,
    l2Sensitivity: calibration.l2Bound,
    l1Sensitivity: calibration.l1Bound
  }
}

interface Numbers {
  dimension: number
  /** The most peers a sum may hold: the modulus must fit all their updates and noise. */
  maxParticipants: number
  honestPeers: number
}

/** Checks the settings and derives the scale and the noise; throws InvalidEncodingError naming what cannot work. */
export function calibrate (params: DpParams, numbers: Numbers): DpCalibration {
  const { l2Clip, modulusBits, epsilon, delta, rounds } = params
  const sigmas = params.sigmas ?? DEFAULT_SIGMAS
  if (params.mechanism !== 'discrete-gaussian') throw new InvalidEncodingError(`privacy mechanism must be 'discrete-gaussian', got ${String(params.mechanism)}`)
  if (!(Number.isFinite(l2Clip) && l2Clip > 0)) throw new InvalidEncodingError(`privacy l2Clip must be a positive number, got ${l2Clip}`)
  if (!(Number.isInteger(modulusBits) && modulusBits >= 8 && modulusBits <= 32)) throw new InvalidEncodingError(`privacy modulusBits must be an integer in 8..32, got ${modulusBits}`)
  if (!(Number.isFinite(epsilon) && epsilon > 0)) throw new InvalidEncodingError(`privacy epsilon must be a positive number, got ${epsilon}`)
  if (!(delta > 0 && delta < 1)) throw new InvalidEncodingError(`privacy delta must be in (0, 1), got ${delta}`)
  if (!(Number.isInteger(rounds) && rounds >= 1)) throw new InvalidEncodingError(`privacy rounds must be a positive integer, got ${rounds}`)
  if (!(Number.isFinite(sigmas) && sigmas >= 1 && sigmas <= 10)) throw new InvalidEncodingError(`privacy sigmas must be in [1, 10], got ${sigmas}`)
  const { maxParticipants, honestPeers } = numbers
  if (!(Number.isInteger(honestPeers) && honestPeers >= 1)) {
    throw new InvalidEncodingError(`no accepted round is sure to carry an honest peer's noise (the fewest survivors less the corrupt peers planned for is ${honestPeers}): raise minParticipants or lower corruptRate`)
  }
  const D = paddedDimension(numbers.dimension)
  // The sampler's distance from the ideal, over every sample of every round, comes out of delta.
  const samplerDelta = rounds * (1 + Math.exp(epsilon)) * maxParticipants * D * SAMPLER_DISTANCE
  const accountedDelta = delta - samplerDelta
  if (!(accountedDelta > delta / 2)) {
    throw new InvalidEncodingError(`the sampler's distance from the ideal noise (under 2^-75 a sample, over ${rounds} rounds of ${maxParticipants} peers and ${D} coordinates, times 1 + e^epsilon) takes ${samplerDelta.toExponential(2)} of delta ${delta}: raise delta or lower epsilon`)
  }

  const atScale = (scale: number): DpCalibration => {
    const l2Bound = roundedL2Bound(l2Clip * scale, D)
    const l1Bound = l2Bound * Math.min(Math.sqrt(D), l2Bound)
    const spend = (peerVariance: number, count = rounds): number => epsilonOf([{ mechanism: roundMechanism({ paddedDimension: D, l2Bound, l1Bound, peerVariance, honestPeers }), count }], accountedDelta).epsilon
    // the least variance that meets the budget, by bisection in log space
    let lo = Math.log(0.25)
    let hi = Math.log(1e30)
    if (spend(Math.exp(hi)) > epsilon) throw new InvalidEncodingError(`no noise meets epsilon ${epsilon} over ${rounds} rounds`)
    for (let i = 0; i < 80 && hi - lo > 1e-12; i++) {
      const mid = (lo + hi) / 2
      if (spend(Math.exp(mid)) <= epsilon) hi = mid
      else lo = mid
    }
    const peerVariance = Math.exp(hi)
    return {
      mechanism: 'discrete-gaussian',
      l2Clip,
      modulusBits,
      epsilon,
      delta,
      rounds,
      sigmas,
      paddedDimension: D,
      scale,
      l2Bound,
      l1Bound,
      peerVariance,
      honestPeers,
      accountedDelta,
      roundEpsilon: spend(peerVariance, 1),
      wrapBound: Math.min(1, 2 * Math.exp(-sigmas * sigmas / 2))
    }
  }
  // A coordinate of a sum of n updates is sub-Gaussian with variance proxy ||Σ x̃||²/D (aligned updates:
  // (nΔ2)²/D) plus n/4 for the rounding and n·σ² for the noise; it must fit sigmas times within 2^(m-1).
  const fits = (c: DpCalibration): boolean => {
    const n = maxParticipants
    const proxy = (n * c.l2Bound) ** 2 / D + n / 4 + n * c.peerVariance
    return sigmas * Math.sqrt(proxy) <= 2 ** (modulusBits - 1) - 1
  }
  let lo = Math.log(1e-12 / l2Clip)
  let hi = Math.log(2 ** 32 / l2Clip)
  if (!fits(atScale(Math.exp(lo)))) throw new InvalidEncodingError(`a ${modulusBits}-bit modulus cannot hold ${maxParticipants} peers' noise at ${sigmas} standard deviations: raise modulusBits`)
  for (let i = 0; i < 60 && hi - lo > 1e-9; i++) {
    const mid = (lo + hi) / 2
    if (fits(atScale(Math.exp(mid)))) lo = mid
    else hi = mid
  }
  const found = atScale(Math.exp(lo))
  if (Math.sqrt(found.peerVariance) * 11.8 > MAX_TABLE_ENTRIES) throw new InvalidEncodingError(`each peer's noise (std ${Math.sqrt(found.peerVariance).toFixed(0)}) is too wide for the sampler's table at ${modulusBits} bits: lower modulusBits`)
  return found
}

/**
 * The continuous Gaussian noise std (in the update's units) that central DP would add to a sum of
 * updates clipped to l2Clip for (epsilon, delta) over `rounds` rounds, by the same accountant: the
 * baseline distributed DP is measured against.
 */
export function centralNoiseStd (l2Clip: number, epsilon: number, delta: number, rounds: number): number {
  const spend = (noiseStd: number): number => epsilonOf([{ mechanism: { kind: 'gaussian', noiseStd, l2Sensitivity: l2Clip }, count: rounds }], delta).epsilon
  let lo = Math.log(1e-6 * l2Clip)
  let hi = Math.log(1e9 * l2Clip)
  for (let i = 0; i < 100 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2
    if (spend(Math.exp(mid)) <= epsilon) hi = mid
    else lo = mid
  }
  return Math.exp(hi)
}
