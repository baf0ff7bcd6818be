import { describe, it } from 'vitest'
import { randomDropoutRounds } from '../../support/dp-dropouts.js'

describe('distributed DP under dropouts', () => {
  it('never spends more than its target, recomputed from the actual survivors of 500 randomised rounds with dropouts in every phase', async () => {
    await randomDropoutRounds(500, 'dp-dropouts/slow')
  }, 1_800_000)
})
