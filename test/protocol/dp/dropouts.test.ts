import { describe, it } from 'vitest'
import { randomDropoutRounds } from '../../support/dp-dropouts.js'

describe('distributed DP under dropouts', () => {
  it('never spends more than its target, recomputed from the actual survivors of 40 randomised rounds with dropouts in every phase (500 in the slow tier)', async () => {
    await randomDropoutRounds(40, 'dp-dropouts/fast')
  }, 300_000)
})
