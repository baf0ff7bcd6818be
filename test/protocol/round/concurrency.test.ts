import { beforeAll, describe, expect, it } from 'vitest'
import { aggregatorAfter, recordFixture, type Fixture } from '../../support/fuzz-harness.js'
import type { RoundEvent } from '../../../src/protocol/round/events.js'

let fx: Fixture
beforeAll(async () => {
  fx = await recordFixture({ n: 6, dimension: 40, dropoutRate: 0.2, seed: 'concurrency', chunkCoordinates: 32 })
})

describe('the aggregator under concurrent messages', () => {
  it.each([
    ['advertise-keys', 'key-advertisement'],
    ['share-keys', 'share-keys'],
    ['consistency-check', 'consistency-signature'],
    ['unmask', 'unmask-shares']
  ])('closes %s once when its last two messages are handled at the same time', async (_phase, type) => {
    const last = fx.toAggregator.map((d, i) => ({ d, i })).filter(({ d }) => d.type === type).slice(-2)
    const { aggregator } = await aggregatorAfter(fx, last[0].i)
    const steps = await Promise.all(last.map(({ d }) => aggregator.handle(fx.peers[d.from].identity, d.type, d.bytes)))
    const events: RoundEvent[] = steps.flatMap(s => s.events)
    expect(events.filter(e => e.type === 'aborted')).toEqual([])
    expect(events.filter(e => e.type === 'phase' || e.type === 'result')).toHaveLength(1)
  })
})
