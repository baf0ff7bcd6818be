/**
 * The SecAgg+ parameter finder: the smallest even Harary-graph degree k, and a Shamir threshold t,
 * that keep the round private except with probability 2^-40 and correct except with 2^-20, given the
 * fraction of peers that may drop out and the fraction that may be corrupt.
 *
 * A port of HararyGraphParameterFinder (fcp/secagg/server/graph_parameter_finder.cc, Google
 * federated-compute), which follows Bell et al., CCS 2020. For each k it requires:
 *  - connectivity: the honest survivors' graph stays connected (union bound over pairs of gaps of k/2
 *    consecutive bad peers), with probability of failure below 2^-(sigma+1);
 *  - t > t1, where t1 bounds the corrupt neighbours of every peer except with 2^-(sigma+1) (union over n);
 *  - against a malicious aggregator, 2t > k + t1, so that it cannot gather t shares of both a peer's
 *    self-mask seed and its mask key by telling neighbours different stories;
 *  - t <= t2, where t2 bounds the surviving neighbours of every peer from below except with 2^-eta.
 * Shares go to the k neighbours only (a peer keeps none of its own), so the conditions hold as stated;
 * Google's graph also gives a share to the peer itself, which needs one more in 2t.
 * When no k < n - 1 works, the complete graph (original SecAgg) is used with the same conditions.
 */
import { Hypergeometric, logFactorial } from './hypergeometric.js'

export type ThreatModel = 'semi-honest' | 'malicious'

export interface GraphTargets {
  /** Peers in the roster. */
  participants: number
  /** Fraction of the roster that may drop out during the round. */
  dropoutRate: number
  /** Fraction of the roster that may be corrupt and collude with the aggregator. */
  corruptRate: number
  /**
   * How many corrupt peers to plan for, when that is fixed by the session rather than the roster: an
   * aggregator can pack every corrupt member into a small roster, so their number does not shrink with it.
   */
  corruptPeers?: number
  /** 'malicious' (default) guards against an aggregator that shows different peers different survivor sets. */
  threatModel?: ThreatModel
  /** 'complete' skips the search for a sparse graph: every peer is every other's neighbour (original SecAgg). */
  shape?: 'harary' | 'complete'
  /** Statistical security: failure below 2^-securityBits. Default 40. */
  securityBits?: number
  /** Correctness: failure below 2^-correctnessBits. Default 20. */
  correctnessBits?: number
}

export interface GraphParameters {
  /** Neighbours of each peer: an even number, or participants - 1 for the complete graph. */
  degree: number
  /** Shares of a peer's secrets needed to reconstruct them. */
  threshold: number
  /** True for the complete graph. */
  complete: boolean
  /** The least number of survivors the guarantees assume; the round aborts below it. */
  minSurvivors: number
}

/** No (k, t) meets the targets, even on the complete graph. */
export class InfeasibleParametersError extends Error {
  static override name = 'InfeasibleParametersError'
  override name = InfeasibleParametersError.name
}

// Guards floor/ceil of rate * n against rounding (0.05 * 100 must be 5, not 4.999...).
const EPSILON = 1e-14

export function findGraphParameters (targets: GraphTargets): GraphParameters {
  const { participants: n, dropoutRate: delta, corruptRate: gamma } = targets
  const malicious = (targets.threatModel ?? 'malicious') === 'malicious'
  const sigma = targets.securityBits ?? 40
  const eta = targets.correctnessBits ?? 20
  if (!Number.isInteger(n) || n < 2) throw new InfeasibleParametersError(`a round needs at least 2 participants, got ${n}`)
  for (const [name, rate] of [['dropoutRate', delta], ['corruptRate', gamma]] as const) {
    if (!(rate >= 0 && rate < 1)) throw new InfeasibleParametersError(`${name} must be in [0, 1), got ${rate}`)
  }
  if (targets.corruptPeers !== undefined && !(Number.isInteger(targets.corruptPeers) && targets.corruptPeers >= 0)) {
    throw new InfeasibleParametersError(`corruptPeers must be a non-negative integer, got ${targets.corruptPeers}`)
  }
  const corrupt = Math.min(n, targets.corruptPeers ?? Math.floor((gamma + EPSILON) * n))
  const corruptFraction = targets.corruptPeers === undefined ? gamma : corrupt / n
  // Beyond these the hypergeometric bounds cannot be met for any degree (Google's preconditions).
  if (malicious ? corruptFraction + 2 * delta > 0.9 : corruptFraction + delta > 0.9) {
    throw new InfeasibleParametersError(`${corrupt} corrupt of ${n} peers with ${delta} dropout is too many for a ${malicious ? 'malicious' : 'semi-honest'} aggregator`)
  }
  const dropouts = Math.floor((delta + EPSILON) * n)
  const minSurvivors = Math.max(2, n - dropouts)
  const check = (k: number): number | undefined => thresholdFor(n, k, corrupt, dropouts, delta, malicious, sigma, eta)

  if (targets.shape !== 'complete') {
    for (let k = 2; k < n - 1; k += 2) {
      const threshold = check(k)
      if (threshold !== undefined) return { degree: k, threshold, complete: false, minSurvivors }
    }
  }
  const threshold = check(n - 1)
  if (threshold === undefined) {
    throw new InfeasibleParametersError(`no threshold keeps ${n} participants private and correct at ${delta} dropout and ${gamma} corrupt`)
  }
  return { degree: n - 1, threshold, complete: true, minSurvivors }
}

/** The threshold that degree k admits, or undefined when k is too small. */
function thresholdFor (n: number, k: number, corrupt: number, dropouts: number, delta: number, malicious: boolean, sigma: number, eta: number): number | undefined {
  const perEvent = sigma + 1
  if (logProbabilityDisconnected(n, k, corrupt + dropouts) >= -perEvent * Math.LN2) return undefined
  const surviving = Math.ceil((1 - delta - EPSILON) * n)
  const adversarial = new Hypergeometric(n, corrupt, k)
  const survivors = new Hypergeometric(n, surviving, k)
  let t1 = adversarial.quantile(2 ** -perEvent / n, true)
  let t2 = survivors.quantile(2 ** -eta / n)
  if (survivors.cdf(t2) < 2 ** -eta / n) t2++
  if (malicious) t1 = Math.ceil((t1 + k - 1.25) / 2)
  // Shamir needs t >= 2 (t = 1 would hand every neighbour the secret itself), and t must stay within
  // both the survivors' bound and the degree
  const threshold = Math.max(t1 + 1, 2)
  return threshold <= t2 && threshold <= k ? threshold : undefined
}

/**
 * ln of a bound on the probability that removing `bad` random peers disconnects the Harary graph:
 * that needs k/2 consecutive bad peers in two disjoint places, so a union over the n(n-k-1)/2 pairs
 * of gaps of the chance that k given positions are all bad.
 */
function logProbabilityDisconnected (n: number, k: number, bad: number): number {
  if (k > bad || k >= n - 1) return Number.NEGATIVE_INFINITY
  const logGapPairs = Math.log(n) + Math.log(n - k - 1) - Math.LN2
  return logGapPairs + logFactorial(bad) + logFactorial(n - k) - logFactorial(n) - logFactorial(bad - k)
}
