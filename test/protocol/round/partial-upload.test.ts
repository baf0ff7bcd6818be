import { beforeAll, describe, expect, it } from 'vitest'
import { recordFixture, runLiveRound, type Fixture } from '../../support/fuzz-harness.js'
import { exactSum } from '../../support/round-fixtures.js'

let fx: Fixture
beforeAll(async () => {
  // 97 coordinates in chunks of 32: four chunks per masked vector
  fx = await recordFixture({ n: 6, dimension: 96, dropoutRate: 0.2, seed: 'partial-upload', chunkCoordinates: 32 })
})

describe('a masked vector that breaks off part-way', () => {
  it.each([1, 2, 3])('is taken back out of the sum when chunk %i is garbage, and the round sums the others exactly', async (bad) => {
    const cheat = 3
    const report = await runLiveRound(fx, async (from, type, bytes, nth) => from === cheat && type === 'masked-input' && nth === bad ? new Uint8Array([1, 2, 3]) : bytes)
    expect(report.aggregatorEvents.filter(e => e.type === 'excluded').map(e => e.type === 'excluded' && e.peer)).toEqual([fx.peers[cheat].identity.id])
    const result = report.aggregatorEvents.find(e => e.type === 'result')
    expect(result?.type).toBe('result')
    const others = [...fx.peers.keys()].filter(i => i !== cheat)
    expect(result?.type === 'result' && Array.from(result.outcome.sum)).toEqual(Array.from(exactSum(fx.updates, others)))
  })
})
