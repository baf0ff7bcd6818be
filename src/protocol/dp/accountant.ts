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

/** A line α ↦ slope·α + intercept; each release's RDP curve is the least of a few of them. */
interface Line {
  slope: number
  intercept: number
}

/** The lines whose minimum is a release's RDP curve, with what does not depend on α worked out once. */
function linesOf (mechanism: PrivacyMechanism): Line[] {
  switch (mechanism.kind) {
    case 'gaussian':
      return [{ slope: mechanism.l2Sensitivity ** 2 / (2 * mechanism.noiseStd ** 2), intercept: 0 }]
    case 'discrete-gaussian-sum': {
      const { peerStd, peers, dimension, l2Sensitivity, l1Sensitivity } = mechanism
      const std = Math.sqrt(peers) * peerStd
      const l2 = l2Sensitivity / std
      const l1 = l1Sensitivity / std
      const tau = ddgTau(peerStd, peers)
      return [
        { slope: l2 * l2 / 2, intercept: tau * dimension },
        { slope: (l2 * l2 + 2 * l1 * tau + tau * tau * dimension) / 2, intercept: 0 },
        { slope: (l2 + Math.sqrt(dimension) * tau) ** 2 / 2, intercept: 0 }
      ]
    }
    case 'skellam': {
      // α l2²/(4μ) + min(((2α - 1) l2² + 6 l1)/(16μ²), 3 l1/(4μ))
      const { mu, l2Sensitivity: l2, l1Sensitivity: l1 } = mechanism
      const base = l2 * l2 / (4 * mu)
      return [
        { slope: base + l2 * l2 / (8 * mu * mu), intercept: (6 * l1 - l2 * l2) / (16 * mu * mu) },
        { slope: base, intercept: 3 * l1 / (4 * mu) }
      ]
    }
  }
}

function lowest (lines: readonly Line[], alpha: number): Line {
  let best = lines[0]
  for (const line of lines) if (line.slope * alpha + line.intercept < best.slope * alpha + best.intercept) best = line
  return best
}

/** The RDP ε of one release at order alpha > 1. */
export function rdpOf (mechanism: PrivacyMechanism, alpha: number): number {
  const line = lowest(linesOf(mechanism), alpha)
  return line.slope * alpha + line.intercept
}

/** The RDP ε of all the releases together at order alpha: RDP composes by adding. */
export function composedRdp (releases: readonly Release[], alpha: number): number {
  let total = 0
  for (const { mechanism, count } of releases) if (count > 0) total += count * rdpOf(mechanism, alpha)
  return total
}

/** (α, ε)-RDP to (ε', δ)-DP at one order (Canonne, Kamath, Steinke 2020, Proposition 12). */
export function epsilonAtOrder (rdp: number, alpha: number, delta: number): number {
  return Math.max(0, rdp + Math.log1p(-1 / alpha) - (Math.log(delta) + Math.log(alpha)) / (alpha - 1))
}

/**
 * The tightest (ε, δ)-DP guarantee of the releases together, minimised exactly over every real α > 1.
 * The composed curve is piecewise linear in α (each release's is the least of its lines, and sums keep
 * that), and on a piece of slope A the conversion's derivative has the sign of
 * φ(α) = A(α - 1)² + ln α + ln δ, which only grows: ε falls until φ's root and rises after. So the
 * minimum on each piece is at φ's root clamped to the piece, and φ(1/δ) >= 0 bounds the root. Grids
 * miss minima: where the active line changes near the best order, ε(α) has two minima of nearly the
 * same height (the mpmath reference caught a grid search taking the wrong one).
 */
export function epsilonOf (releases: readonly Release[], delta: number): PrivacySpent {
  if (!(delta > 0 && delta < 1)) throw new RangeError(`delta must be in (0, 1), got ${delta}`)
  const active = releases.filter(r => r.count > 0).map(r => ({ lines: linesOf(r.mechanism), count: r.count }))
  if (active.length === 0) return { epsilon: 0, alpha: Infinity }
  // where a release's active line may change: the crossings of its lines beyond α = 1
  const cuts = new Set<number>([1, 1 / delta])
  for (const { lines } of active) {
    for (const a of lines) {
      for (const b of lines) {
        if (a.slope === b.slope) continue
        const alpha = (b.intercept - a.intercept) / (a.slope - b.slope)
        if (alpha > 1 && alpha < 1 / delta) cuts.add(alpha)
      }
    }
  }
  const edges = [...cuts].sort((x, y) => x - y)
  let best: PrivacySpent = { epsilon: Infinity, alpha: Infinity }
  for (let i = 0; i + 1 < edges.length; i++) {
    const [lo, hi] = [edges[i], edges[i + 1]]
    const middle = lo + (hi - lo) / 2
    let slope = 0
    for (const { lines, count } of active) slope += count * lowest(lines, middle).slope
    const phi = (alpha: number): number => slope * (alpha - 1) ** 2 + Math.log(alpha) + Math.log(delta)
    let alpha: number
    if (phi(hi) <= 0) alpha = hi
    else if (phi(lo) >= 0) alpha = lo
    else {
      // bisection on ln(α - 1), to the last bit a double holds
      let a = Math.log(lo - 1 || Number.MIN_VALUE)
      let b = Math.log(hi - 1)
      for (let k = 0; k < 200 && b - a > 1e-15 * Math.max(1, Math.abs(a)); k++) {
        const m = (a + b) / 2
        if (phi(1 + Math.exp(m)) < 0) a = m
        else b = m
      }
      alpha = 1 + Math.exp((a + b) / 2)
    }
    if (alpha <= 1) continue
    let rdp = 0
    for (const { lines, count } of active) {
      const line = lowest(lines, alpha)
      rdp += count * (line.slope * alpha + line.intercept)
    }
    const epsilon = epsilonAtOrder(rdp, alpha, delta)
    if (epsilon < best.epsilon) best = { epsilon, alpha }
  }
  return best
}
