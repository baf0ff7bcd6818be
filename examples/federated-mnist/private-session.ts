/**
 * The DP session the example's peers train in, and the noise its calibration gives them. Every peer
 * clips its update in L2, rotates and rounds it, and adds its share of discrete Gaussian noise, sized
 * so that the sum of the fewest honest peers any accepted round has (honestPeers) carries the noise
 * `rounds` rounds at (epsilon, delta) need. The noise actually in a sum of n peers is therefore
 * n / honestPeers times that variance: the session is set up so that honestPeers is close to n.
 */
import { centralNoiseStd, defineSession, graphParametersFor, openSession, type DpCalibration, type SessionConfig } from 'libp2p-secagg'
import { PARAMETERS } from './model.js'
import { LOOPBACK_TIMEOUTS } from './nodes.js'

export interface PrivacyOptions {
  epsilon: number
  delta: number
  /** C: each peer's update is scaled down to an L2 norm of at most C. */
  l2Clip: number
  /** m: the noisy updates travel and sum mod 2^m. */
  modulusBits: number
}

export interface SessionPlan {
  peers: number
  rounds: number
  /** Seeds the data split, the local training and the dropouts. */
  seed: string
  /**
   * Seeds the noise apart from the rest (the rounds' beacons and the peers' rounding seeds, central DP's
   * noise): runs that differ only in it differ only in the noise drawn. `seed` by default.
   */
  noiseSeed?: string
  /** Peers that drop out of every second round. */
  dropsPerRound: number
  privacy: PrivacyOptions
}

/**
 * The session: weight 1 for every peer (weights travel without noise, so a DP session takes a plain
 * mean), rounds that survive the planned dropouts and no more, and one corrupt peer planned for (one
 * peer colluding with the aggregator knows its own noise, so its share does not count). Fewer dropouts
 * allowed and fewer corrupt peers planned for make honestPeers larger, and each peer's noise smaller.
 * At 100 peers with 2 dropouts honestPeers is 96: a sum of all 100 carries 2.2% more noise (std) than
 * central DP, 1.2% with 98 survivors. That costs accuracy: at the default budget and settings, 10%
 * more noise cost 1.7 to 1.95 points at round 30 (central DP alone, four seeds), so this about 0.3.
 */
export function privateSession (plan: SessionPlan, members: string[] | 'open'): SessionConfig {
  const { peers, dropsPerRound, privacy } = plan
  return defineSession({
    name: `federated-mnist-dp/${plan.seed}`,
    dimension: PARAMETERS,
    encoding: {
      // clip and bits are the plain encoding's: a DP session uses privacy.l2Clip and privacy.modulusBits
      clip: 1,
      bits: 16,
      maxParticipants: peers,
      maxWeight: 1,
      privacy: { mechanism: 'discrete-gaussian', l2Clip: privacy.l2Clip, modulusBits: privacy.modulusBits, epsilon: privacy.epsilon, delta: privacy.delta, rounds: plan.rounds }
    },
    // exactly the planned dropouts (a margin for the rate's rounding would lower honestPeers by a peer
    // or two); the corrupt rate is one peer
    graph: { shape: 'harary', dropoutRate: dropsPerRound / peers, corruptRate: 1 / peers, threatModel: 'malicious' },
    minParticipants: peers - dropsPerRound,
    members,
    ...LOOPBACK_TIMEOUTS
  })
}

/** The noise, as standard deviations per coordinate in the update's units. */
export interface NoisePlan {
  honestPeers: number
  peers: number
  /** What each peer adds (discrete Gaussian, rotated back). */
  peerStd: number
  /** In a sum of all the peers' updates: sqrt(peers) * peerStd. */
  sumStd: number
  /** In a sum of honestPeers' updates: what the calibration targets. */
  targetStd: number
  /** What central DP adds to the sum of the clipped updates for the same (epsilon, delta) over the same rounds. */
  centralStd: number
}

/** The session's calibration; throws if its rounds could not survive the planned dropouts. */
export function calibrationOf (plan: SessionPlan): DpCalibration {
  const { params } = openSession(privateSession(plan, 'open'))
  const { minSurvivors } = graphParametersFor(params, plan.peers)
  if (minSurvivors > plan.peers - plan.dropsPerRound) throw new Error(`a round of ${plan.peers} needs ${minSurvivors} survivors: ${plan.dropsPerRound} dropouts are too many`)
  if (params.encoding.privacy === undefined) throw new Error('the session adds no noise')
  return params.encoding.privacy
}

export function noisePlan (plan: SessionPlan): NoisePlan {
  const calibration = calibrationOf(plan)
  const peerStd = Math.sqrt(calibration.peerVariance) / calibration.scale
  return {
    honestPeers: calibration.honestPeers,
    peers: plan.peers,
    peerStd,
    sumStd: Math.sqrt(plan.peers) * peerStd,
    targetStd: Math.sqrt(calibration.honestPeers) * peerStd,
    centralStd: centralNoiseStd(plan.privacy.l2Clip, plan.privacy.epsilon, plan.privacy.delta, plan.rounds)
  }
}
