/**
 * A peer's privacy budget in one session: what each round its noisy input went out in spent, and whether
 * one more round fits. A round is charged before any of the peer's masked input leaves it, at the worst
 * the session's calibration allows (the fewest honest peers), since until the result comes nobody knows
 * who survived; once the peer's own result names the survivors, the realised spend is reported beside
 * it. Charging per round, not per attempt, is sound because every attempt of a round carries the very
 * same noisy vector (dp/pipeline.ts), and a session sums a peer's input in at most one result per round.
 */
import { epsilonOf, type Release } from './accountant.js'
import { roundMechanism, type DpCalibration } from './calibration.js'

/** One round this peer's noisy input went out in. */
export interface PrivacySpend {
  round: number
  /** The survivors of the result that summed this peer's input, once it came. */
  survivors?: number
}

export interface PrivacyLedger {
  spent: PrivacySpend[]
}

/** A round would take a peer past its session's privacy budget: it refuses to put its input in. */
export class PrivacyBudgetError extends Error {
  static override name = 'PrivacyBudgetError'
  override name = PrivacyBudgetError.name
}

export interface PrivacyReport {
  mechanism: 'discrete-gaussian'
  budget: { epsilon: number, delta: number }
  /** Rounds the budget was planned over: the noise is calibrated so that this many fit. */
  plannedRounds: number
  rounds: Array<PrivacySpend & { epsilon: number, realisedEpsilon: number }>
  /** Spent so far, as charged (at the fewest honest peers a round may have). */
  epsilonSpent: number
  /** Spent so far, recomputed from each round's actual survivors where its result came. */
  realisedEpsilon: number
  /** Rounds this peer can still put an input in. */
  roundsLeft: number
  /** The noise each peer adds, in the update's units (its std per coordinate), and the calibration behind it. */
  noise: { peerStd: number, honestPeers: number, l2Clip: number, modulusBits: number, wrapBound: number }
}

function charged (calibration: DpCalibration, rounds: number): Release[] {
  return [{ mechanism: roundMechanism(calibration), count: rounds }]
}

function realised (calibration: DpCalibration, corruptPeers: number, spent: readonly PrivacySpend[]): Release[] {
  return spent.map(s => ({ mechanism: roundMechanism(calibration, s.survivors === undefined ? calibration.honestPeers : s.survivors - corruptPeers), count: 1 }))
}

/** Throws PrivacyBudgetError unless an input in `round` fits the budget with what the ledger holds. */
export function checkBudget (calibration: DpCalibration, ledger: PrivacyLedger, round: number): void {
  if (ledger.spent.some(s => s.round === round)) return
  const rounds = ledger.spent.length + 1
  const { epsilon } = epsilonOf(charged(calibration, rounds), calibration.accountedDelta)
  if (epsilon > calibration.epsilon) {
    throw new PrivacyBudgetError(`an input in round ${round} would spend epsilon ${epsilon.toFixed(3)} of this session's budget of ${calibration.epsilon} (delta ${calibration.delta}): ${ledger.spent.length} rounds already spent ${epsilonOf(charged(calibration, ledger.spent.length), calibration.accountedDelta).epsilon.toFixed(3)}, and the noise was calibrated for ${calibration.rounds}`)
  }
}

/** What the ledger has spent, what is left, and the noise behind it. */
export function privacyReport (calibration: DpCalibration, corruptPeers: number, ledger: PrivacyLedger): PrivacyReport {
  const delta = calibration.accountedDelta
  let left = 0
  while (ledger.spent.length + left < calibration.rounds * 2 && epsilonOf(charged(calibration, ledger.spent.length + left + 1), delta).epsilon <= calibration.epsilon) left++
  return {
    mechanism: calibration.mechanism,
    budget: { epsilon: calibration.epsilon, delta: calibration.delta },
    plannedRounds: calibration.rounds,
    rounds: ledger.spent.map(s => ({
      ...s,
      epsilon: calibration.roundEpsilon,
      realisedEpsilon: epsilonOf(realised(calibration, corruptPeers, [s]), delta).epsilon
    })),
    epsilonSpent: epsilonOf(charged(calibration, ledger.spent.length), delta).epsilon,
    realisedEpsilon: epsilonOf(realised(calibration, corruptPeers, ledger.spent), delta).epsilon,
    roundsLeft: left,
    noise: { peerStd: Math.sqrt(calibration.peerVariance) / calibration.scale, honestPeers: calibration.honestPeers, l2Clip: calibration.l2Clip, modulusBits: calibration.modulusBits, wrapBound: calibration.wrapBound }
  }
}
