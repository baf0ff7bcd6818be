/**
 * The session of the example's attack mode and its robust settings: the session's plain fixed-point
 * encoding (plain secure averaging uses it as it is, each robust group its own modulus), and the robust
 * params every peer holds, checked by resolveRobust before any training.
 */
import { defineSession, resolveRobust, type ResolvedRobust, type RobustRule, type SessionConfig } from 'libp2p-secagg'
import { PARAMETERS } from './model.js'

export interface RobustPlan {
  peers: number
  /** Seeds the data split, the local training, the dropouts, the Byzantine peers and the beacons. */
  seed: string
  /** Peers that drop out of every second round. */
  dropsPerRound: number
  /** f: the fraction of the peers that are Byzantine. */
  byzantineRate: number
  rule: RobustRule
  /** s: the fewest peers in a group. */
  groupSize: number
}

/**
 * The plain mode's range and resolution. Under this mode's training (100 peers, 5 local epochs at a
 * learning rate of 0.1) no honest coordinate came near it: the largest was 0.27 in round 1, 0.2 in
 * rounds 2 and 3 and below 0.19 after, so the encoder clips nothing honest; 16 bits make a step of 1.5e-5.
 */
export const CLIP = 0.5
export const BITS = 16

/**
 * An honest update's L2 bound, a session constant (chosen once, not from each round's updates). Under
 * this mode's default training honest updates' norms have a median of 1.46 in round 1 (up to 2.0), 0.97
 * in round 4, 0.75 in round 10 and 0.65 by round 30 (90th percentile 0.78). 1 is a bit above the typical
 * norm once training settles: it clips every honest update of rounds 1 to 3, most of round 4's, a few a
 * round from round 8 on. Clipping only shortens an update, so the first rounds lose a little speed; a
 * bound far above the norms would give Byzantine peers room, since a group's sum may be as long as its
 * weight times the bound and a liar's update counts with the largest weight.
 */
export const L2_BOUND = 1

/**
 * The session: weighted means (a peer's weight its number of examples, at most maxWeight), clipped per
 * coordinate. Its own graph is never used here: plain averaging is summed in process, and each robust
 * group's instance has the complete graph over the group (groupParams).
 */
export function robustSession (plan: RobustPlan, maxWeight: number): SessionConfig {
  return defineSession({
    name: `federated-mnist-robust/${plan.seed}`,
    dimension: PARAMETERS,
    encoding: { clip: CLIP, bits: BITS, maxParticipants: plan.peers, maxWeight },
    minParticipants: plan.peers - plan.dropsPerRound,
    // a simulated session: nobody joins it, so its membership does not matter
    members: 'open'
  })
}

/** The robust settings; throws InadmissibleRobustnessError, saying why, when the rule could not outvote the corrupted groups. */
export function robustParamsOf (plan: RobustPlan): ResolvedRobust {
  return resolveRobust({ groupSize: plan.groupSize, rule: plan.rule, byzantineRate: plan.byzantineRate, l2Bound: L2_BOUND }, plan.peers)
}
