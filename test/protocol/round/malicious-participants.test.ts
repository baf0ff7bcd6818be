import { beforeAll, describe, expect, it } from 'vitest'
import { concat } from '../../../src/protocol/crypto/bytes.js'
import { SignatureDomain } from '../../../src/protocol/crypto/identity.js'
import { deterministicRandom } from '../../../src/protocol/crypto/random.js'
import { split } from '../../../src/protocol/crypto/shamir.js'
import { KeyAdvertisement, ShareKind, Signed } from '../../../src/protocol/pb/messages.js'
import { shareCommitment } from '../../../src/protocol/round/masks.js'
import { signed } from '../../../src/protocol/round/wire.js'
import { dealerCheats, recordFixture, runLiveRound, type Fixture } from '../../support/fuzz-harness.js'
import { exactSum } from '../../support/round-fixtures.js'
import type { RoundEvent } from '../../../src/protocol/round/events.js'

let fx: Fixture
beforeAll(async () => {
  fx = await recordFixture({ n: 6, dimension: 40, dropoutRate: 0.2, seed: 'malicious-participants', chunkCoordinates: 32 })
})

const excludedPeers = (events: RoundEvent[]): string[] => events.flatMap(e => e.type === 'excluded' ? [e.peer] : [])
const resultOf = (events: RoundEvent[]): Float64Array | undefined => events.flatMap(e => e.type === 'result' ? [e.outcome.sum] : [])[0]

describe('a malicious participant', () => {
  it('that advertises a small-order key is left out alone; the others get their exact sum', async () => {
    const bad = 4
    const smallOrder = new Uint8Array(32)
    smallOrder[0] = 1
    const report = await runLiveRound(fx, async (from, type, bytes) => {
      if (from !== bad || type !== 'key-advertisement') return bytes
      const ad = KeyAdvertisement.decode(Signed.decode(bytes).body)
      return (await signed(KeyAdvertisement, { ...ad, maskKey: smallOrder as Uint8Array<ArrayBuffer> }, fx.peers[bad].privateKey, SignatureDomain.keyAdvertisement)).bytes
    })
    expect(excludedPeers(report.aggregatorEvents)).toEqual([fx.peers[bad].identity.id])
    const others = [...fx.peers.keys()].filter(i => i !== bad)
    expect(Array.from(resultOf(report.aggregatorEvents)!)).toEqual(Array.from(exactSum(fx.updates, others)))
    for (const i of others) expect(report.participantEvents[i].some(e => e.type === 'aborted')).toBe(false)
  })

  it('that deals consistent shares of a seed other than the one it committed to cannot make the aggregator sign a wrong sum', async () => {
    // Every share matches its commitment, so holders accept them; only the signed seed commitment
    // tells that the rebuilt seed is not the one the dealer masked its input with.
    const bad = 2
    const self = fx.peers[bad].identity.bytes
    const holders: Uint8Array[] = []
    const report = await dealerCheats(fx, bad, (share, plaintext, holder) => {
      holders.push(holder)
      return plaintext
    })
    expect(resultOf(report.aggregatorEvents)).toBeDefined()
    const xs = holders.map(h => fx.roster.xOf(h))
    const forged = split(new Uint8Array(32).fill(0x42), xs, fx.roster.threshold, deterministicRandom('forged seed'))
    const cheated = await dealerCheats(fx, bad, (share, plaintext, holder) => {
      const selfMask = forged[holders.findIndex(h => h.every((b, i) => b === holder[i]))]
      share.selfMaskCommitment = shareCommitment(fx.context, self, holder, ShareKind.SELF_MASK, selfMask) as Uint8Array<ArrayBuffer>
      return concat([selfMask, plaintext.subarray(33)])
    })
    expect(cheated.participantEvents.flat().filter(e => e.type === 'share-rejected')).toEqual([])
    expect(resultOf(cheated.aggregatorEvents)).toBeUndefined()
    expect(cheated.aggregatorEvents.find(e => e.type === 'aborted')).toMatchObject({ reason: 'reconstruction-failed' })
    expect(excludedPeers(cheated.aggregatorEvents)).toEqual([])
  })
})
