import { describe, expect, it } from 'vitest'
import { startSimulation, updateFor, plainSum } from '../../support/session-fixtures.js'

describe('the session core in the simulator', () => {
  it('runs rounds of five members to the exact sum, the aggregator elected from each previous result', async () => {
    const sim = await startSimulation(5, 'rounds')
    const aggregators: string[] = []
    for (let round = 1; round <= 3; round++) {
      const ids = sim.members.map((_, i) => sim.submit(i, updateFor(i, round)))
      expect(await sim.runUntilSettled([0, 1, 2, 3, 4])).toBe(true)
      for (const [i, member] of sim.members.entries()) {
        const result = member.settled.get(ids[i])
        expect(result, member.logs.join('\n')).toBeDefined()
        expect(result!.round).toBe(round)
        expect(Array.from(result!.sum).map(v => Math.round(v * 8) / 8)).toEqual(plainSum([0, 1, 2, 3, 4], round))
      }
      aggregators.push(sim.members[0].settled.get(ids[0])!.aggregator)
    }
    expect(sim.internalErrors()).toEqual([])
    expect(aggregators).toHaveLength(3)
  })
})
