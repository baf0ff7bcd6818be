import { beforeAll, describe, expect, it } from 'vitest'
import { concat } from '../../../src/protocol/crypto/bytes.js'
import { SignatureDomain } from '../../../src/protocol/crypto/identity.js'
import { deterministicRandom } from '../../../src/protocol/crypto/random.js'
import { evaluate, randomPolynomial, scalarToBytes } from '../../../src/protocol/crypto/shamir.js'
import { verifyDealingProof } from '../../../src/protocol/round/dealing-proof.js'
import { KeyAdvertisement, ShareKind, Signed } from '../../../src/protocol/pb/messages.js'
import { shareCommitments } from '../../../src/protocol/round/masks.js'
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

  it('that deals consistent shares of a seed other than the one it committed to is convicted before anyone reveals, never failing the attempt after the reveal', async () => {
    // Every holder's share lies on one polynomial, but not on the one the dealer signed commitments to:
    // each holder's Feldman check fails, so each complains with proof before its masked input, and the
    // aggregator never asks for a share (it used to rebuild the other seed after the reveal, and abort
    // with reconstruction-failed, blaming no one).
    const bad = 2
    const forged = randomPolynomial(scalarToBytes(42n), fx.roster.threshold, deterministicRandom('forged seed'))
    const cheated = await dealerCheats(fx, bad, {
      share: ({ entry, plaintext }) => {
        const selfMask = scalarToBytes(evaluate(forged, entry.x))
        entry.selfMaskCommitment = shareCommitments(fx.context)(entry.dealer, entry.holder, ShareKind.SELF_MASK, selfMask) as Uint8Array<ArrayBuffer>
        return concat([selfMask, plaintext.subarray(32)])
      }
    })
    expect(cheated.participantEvents.flat().filter(e => e.type === 'share-rejected').length).toBe(fx.roster.parameters.degree)
    expect(excludedPeers(cheated.aggregatorEvents)).toEqual([fx.peers[bad].identity.id])
    const proofs = cheated.aggregatorEvents.flatMap(e => e.type === 'misbehaviour' ? [e.proof] : [])
    for (const proof of proofs) expect((await verifyDealingProof(proof, fx.context)).dealer.id).toBe(fx.peers[bad].identity.id)
    expect(proofs.length).toBeGreaterThan(0)
    expect(cheated.aggregatorEvents.find(e => e.type === 'aborted')).toMatchObject({ reason: 'invalid-shares', phase: 'masked-input' })
    expect(cheated.participants.some(p => p.revealed)).toBe(false)
  })
})
