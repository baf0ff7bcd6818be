/**
 * A Rényi-DP accountant for the sums this project releases: the distributed discrete Gaussian (each peer
 * adds N_Z(0, σ²); Kairouz, Liu and Steinke, ICML 2021, Proposition 14 with its τ term), the Skellam
 * mechanism (Agarwal, Kairouz and Liu, NeurIPS 2021, Theorem 3.5) and the continuous Gaussian, composed
 * over rounds by adding RDP curves and converted to (ε, δ) with Canonne, Kamath and Steinke's conversion
 * (2020, Proposition 12), minimised over every real order α > 1. There is no amplification by sampling:
 * the aggregator picks each roster, so nothing about it is random to the adversary.
 */

/** One release's mechanism, in the integer units the noise is drawn in (sensitivities in the same units). */
export type PrivacyMechanism =
  /** Continuous N(0, noiseStd²) on each coordinate (central DP, for comparison). */
  | { kind: 'gaussian', noiseStd: number, l2Sensitivity: number }
  /** The sum of `peers` independent N_Z(0, peerStd²) vectors of `dimension` coordinates. */
  | { kind: 'discrete-gaussian-sum', peerStd: number, peers: number, dimension: number, l2Sensitivity: number, l1Sensitivity: number }
  /** Skellam noise Poisson(mu) - Poisson(mu) on each coordinate of the sum (variance 2mu). */
  | { kind: 'skellam', mu: number, l2Sensitivity: number, l1Sensitivity: number }

/** A mechanism released `count` times. */
export interface Release {
  mechanism: PrivacyMechanism
  count: number
}

export interface PrivacySpent {
  epsilon: number
  /** The Rényi order the conversion was tightest at. */
  alpha: number
}

/** τ of the distributed discrete Gaussian: how far a sum of n discrete Gaussians is from one. */
export function ddgTau (peerStd: number, peers: number): number {
  let tau = 0
  for (let k = 1; k < peers; k++) tau += Math.exp(-2 * Math.PI * Math.PI * peerStd * peerStd * (k / (k + 1)))
  return 10 * tau
}

/** The RDP curve of one release, α ↦ ε(α) for α > 1, with what does not depend on α worked out once. */
function curveOf (mechanism: PrivacyMechanism): (alpha: number) => number {
  switch (mechanism.kind) {
    case 'gaussian': {
      const rho = mechanism.l2Sensitivity ** 2 / (2 * mechanism.noiseStd ** 2)
      return alpha => alpha * rho
    }
    case 'discrete-gaussian-sum': {
      const { peerStd, peers, dimension, l2Sensitivity, l1Sensitivity } = mechanism
      const std = Math.sqrt(peers) * peerStd
      const l2 = l2Sensitivity / std
      const l1 = l1Sensitivity / std
      const tau = ddgTau(peerStd, peers)
      return alpha => Math.min(
        alpha / 2 * l2 * l2 + tau * dimension,
        alpha / 2 * (l2 * l2 + 2 * l1 * tau + tau * tau * dimension),
        alpha / 2 * (l2 + Math.sqrt(dimension) * tau) ** 2
      )
    }
    case 'skellam': {
      const { mu, l2Sensitivity: l2, l1Sensitivity: l1 } = mechanism
      return alpha => alpha * l2 * l2 / (4 * mu) + Math.min(((2 * alpha - 1) * l2 * l2 + 6 * l1) / (16 * mu * mu), 3 * l1 / (4 * mu))
    }
  }
}

/** The RDP ε of one release at order alpha > 1. */
export function rdpOf (mechanism: PrivacyMechanism, alpha: number): number {
  return curveOf(mechanism)(alpha)
}

/** The RDP curve of releases together: RDP composes by adding. */
function composedCurve (releases: readonly Release[]): (alpha: number) => number {
  const curves = releases.filter(r => r.count > 0).map(r => ({ curve: curveOf(r.mechanism), count: r.count }))
  return alpha => {
    let total = 0
    for (const { curve, count } of curves) total += count * curve(alpha)
    return total
  }
}

/** The RDP ε of all the releases together at order alpha. */
export function composedRdp (releases: readonly Release[], alpha: number): number {
  return composedCurve(releases)(alpha)
}

/** (α, ε)-RDP to (ε', δ)-DP at one order (Canonne, Kamath, Steinke 2020, Proposition 12). */
export function epsilonAtOrder (rdp: number, alpha: number, delta: number): number {
  return Math.max(0, rdp + Math.log1p(-1 / alpha) - (Math.log(delta) + Math.log(alpha)) / (alpha - 1))
}

// Orders are searched as t = ln(α - 1) over [ln 1e-3, ln 1e6]: a coarse grid finds the basin, then a
// golden-section search narrows it until α is fixed to 1e-12 relative, where ε is flat to far better
// than 1e-9 (it is a minimum).
const MIN_T = Math.log(1e-3)
const MAX_T = Math.log(1e6)
const GRID = 400
const GOLDEN = (Math.sqrt(5) - 1) / 2

/** The tightest (ε, δ)-DP guarantee of the releases together, minimised over α > 1. */
export function epsilonOf (releases: readonly Release[], delta: number): PrivacySpent {
  if (!(delta > 0 && delta < 1)) throw new RangeError(`delta must be in (0, 1), got ${delta}`)
  if (releases.every(r => r.count === 0)) return { epsilon: 0, alpha: Infinity }
  const curve = composedCurve(releases)
  const at = (t: number): number => {
    const alpha = 1 + Math.exp(t)
    return epsilonAtOrder(curve(alpha), alpha, delta)
  }
  let best = 0
  let bestValue = Infinity
  const step = (MAX_T - MIN_T) / GRID
  for (let i = 0; i <= GRID; i++) {
    const value = at(MIN_T + i * step)
    if (value < bestValue) { bestValue = value; best = i }
  }
  let lo = MIN_T + Math.max(0, best - 1) * step
  let hi = MIN_T + Math.min(GRID, best + 1) * step
  let a = hi - GOLDEN * (hi - lo)
  let b = lo + GOLDEN * (hi - lo)
  let fa = at(a)
  let fb = at(b)
  while (hi - lo > 1e-12) {
    if (fa <= fb) {
      hi = b; b = a; fb = fa; a = hi - GOLDEN * (hi - lo); fa = at(a)
    } else {
      lo = a; a = b; fa = fb; b = lo + GOLDEN * (hi - lo); fb = at(b)
    }
  }
  const t = (lo + hi) / 2
  const value = at(t)
  return value <= bestValue ? { epsilon: value, alpha: 1 + Math.exp(t) } : { epsilon: bestValue, alpha: 1 + Math.exp(MIN_T + best * step) }
}
