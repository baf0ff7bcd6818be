/**
 * Which peers are Byzantine, and the five attacks of the example's attack mode, as pure functions of
 * what a Byzantine peer knows. Each round every Byzantine peer first trains as an honest one would (on poisoned data under
 * label flipping), then `craft` turns those updates into what the Byzantine peers send. The omniscient
 * attacks (ALIE, IPM) also see every honest peer's update of the round, as in their papers: the
 * strongest adversary, one that colludes with or eavesdrops on everyone.
 *
 * - sign flip: −10 × its own update, a reversed update made long (the sign-flipping attack of Li et al.,
 *   "RSA: Byzantine-Robust Stochastic Aggregation Methods for Distributed Learning from Heterogeneous
 *   Datasets", AAAI 2019);
 * - scaling: 100 × its own update, boosted to outweigh the rest of a mean (the explicit boosting of
 *   Bhagoji et al., "Analyzing Federated Learning through an Adversarial Lens", ICML 2019);
 * - ALIE: per coordinate, mean − z·std of the honest updates (Baruch, Baruch and Goldberg, "A Little
 *   Is Enough: Circumventing Defenses For Distributed Learning", NeurIPS 2019);
 * - IPM: −ε × the honest updates' mean (Xie, Koyejo and Gupta, "Fall of Empires: Breaking
 *   Byzantine-tolerant SGD by Inner Product Manipulation", UAI 2019);
 * - label flipping: trains honestly on its own data with every label y turned into 9 − y, and sends that
 *   update as it is (Tolpegin et al., "Data Poisoning Attacks Against Federated Learning Systems",
 *   ESORICS 2020; the flip l → L − l − 1 is Fang et al.'s, "Local Model Poisoning Attacks to
 *   Byzantine-Robust Federated Learning", USENIX Security 2020).
 */
import { CLASSES, seededUniform, type Dataset } from './data.js'

export const ATTACKS = ['sign-flip', 'scaling', 'alie', 'ipm', 'label-flip'] as const
export type AttackName = typeof ATTACKS[number]

export const SIGN_FLIP_FACTOR = -10
export const SCALING_FACTOR = 100
/**
 * IPM's ε. Xie et al. show the mean is beaten once ε exceeds (n − q)/q (the sum's inner product with the
 * honest direction turns negative), and median-like rules by a small ε: the vector lies within the honest
 * updates' spread, so a rule that picks or averages central values cannot tell it from an honest one,
 * while it still pulls against the honest direction. 0.5 is small in that sense: the vector is half the
 * honest mean's length, shorter than any honest update, so no norm bound sees it either.
 */
export const IPM_EPSILON = 0.5

export interface Attack {
  /** The data a Byzantine peer trains on. */
  trainsOn: (data: Dataset) => Dataset
  /** What the Byzantine peers send, from their own trained updates and the round's honest updates (n peers in all). */
  craft: (own: readonly Float32Array[], honest: readonly Float32Array[], peers: number) => Float32Array[]
}

const asIs = (data: Dataset): Dataset => data

export const ATTACK: Record<AttackName, Attack> = {
  'sign-flip': { trainsOn: asIs, craft: own => own.map(u => u.map(v => SIGN_FLIP_FACTOR * v)) },
  scaling: { trainsOn: asIs, craft: own => own.map(u => u.map(v => SCALING_FACTOR * v)) },
  alie: { trainsOn: asIs, craft: (own, honest, peers) => own.map(() => alieUpdate(honest, peers, own.length)) },
  ipm: { trainsOn: asIs, craft: (own, honest) => own.map(() => coordinateMean(honest).map(v => -IPM_EPSILON * v)) },
  'label-flip': { trainsOn: flipLabels, craft: own => [...own] }
}

/** The same images with every label y turned into 9 − y. */
export function flipLabels (data: Dataset): Dataset {
  return { ...data, y: data.y.map(label => CLASSES - 1 - label) }
}

function coordinateMean (updates: readonly Float32Array[]): Float32Array {
  const mean = new Float32Array(updates[0].length)
  for (const u of updates) for (let j = 0; j < mean.length; j++) mean[j] += u[j] / updates.length
  return mean
}

/**
 * ALIE's z for n peers of which `byzantine` attack: the Byzantine peers need s = ⌊n/2 + 1⌋ − B honest
 * peers on their side of the mean for a majority, and z_max = Φ⁻¹((n − s)/n) is the furthest below the
 * mean that many honest values lie, for normally distributed ones.
 */
export function alieZ (peers: number, byzantine: number): number {
  const s = Math.floor(peers / 2 + 1) - byzantine
  return inverseNormal((peers - s) / peers)
}

/** Per coordinate, mean − z·std of the honest updates. */
export function alieUpdate (honest: readonly Float32Array[], peers: number, byzantine: number): Float32Array {
  const z = alieZ(peers, byzantine)
  const mean = coordinateMean(honest)
  const out = new Float32Array(mean.length)
  for (let j = 0; j < mean.length; j++) {
    let squares = 0
    for (const u of honest) squares += (u[j] - mean[j]) ** 2
    out[j] = mean[j] - z * Math.sqrt(squares / honest.length)
  }
  return out
}

// Acklam's rational approximation of the standard normal quantile: relative error below 1.15e-9 over
// (0, 1), a central rational function and a tail one in sqrt(−2 ln p).
const A = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
const B = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01]
const C = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
const D = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
const LOW = 0.02425

/** Φ⁻¹(p): the z with P[N(0, 1) ≤ z] = p, for p in (0, 1). */
export function inverseNormal (p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`the normal quantile needs p in (0, 1), got ${p}`)
  if (p < LOW || p > 1 - LOW) {
    const q = Math.sqrt(-2 * Math.log(Math.min(p, 1 - p)))
    const tail = (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1)
    return p < LOW ? tail : -tail
  }
  const q = p - 0.5
  const r = q * q
  return (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1)
}

/** `count` of `peers` peers, a seeded uniform pick, in increasing order. */
export function pickByzantine (peers: number, count: number, seed: string): number[] {
  const { below } = seededUniform(seed)
  const order = [...Array(peers).keys()]
  // the first `count` steps of a Fisher-Yates shuffle
  for (let k = 0; k < count; k++) {
    const j = k + below(peers - k)
    const t = order[k]
    order[k] = order[j]
    order[j] = t
  }
  return order.slice(0, count).sort((a, b) => a - b)
}
