import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { ShareDelivery, type DealtShares, type Signed } from '../../../src/protocol/pb/messages.js'
import { ShareDeliveryEncoder } from '../../../src/protocol/round/aggregator/share-delivery.js'

// Lengths from empty to past one and two bytes of varint (128, 16,384), where the hand encoder must
// write the same lengths protons does.
const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 140 }),
  fc.integer({ min: 16_300, max: 16_500 }).map(n => new Uint8Array(n).fill(n & 0xff))
)
const signed = fc.record({ body: bytes, signature: fc.uint8Array({ maxLength: 64 }) }) as fc.Arbitrary<Signed>
const ref = fc.record({ session: fc.uint8Array({ maxLength: 40 }), round: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), attempt: fc.nat() })

describe('ShareDeliveryEncoder', () => {
  it('writes what ShareDelivery.encode writes, for any deliveries, commitments shared between them or not', () => {
    fc.assert(fc.property(ref, fc.array(signed, { minLength: 1, maxLength: 4 }), fc.array(fc.array(fc.record({
      commitments: fc.option(fc.nat(), { nil: undefined }),
      share: fc.uint8Array({ maxLength: 300 }),
      path: fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 5 })
    }), { maxLength: 5 }), { minLength: 1, maxLength: 4 }), (ref, pool, deliveries) => {
      const encoder = new ShareDeliveryEncoder(ref)
      for (const delivery of deliveries) {
        // the same Signed object in several deliveries, as the aggregator's inbox has each dealer's
        const dealers = delivery.map(d => ({ ...d, commitments: d.commitments === undefined ? undefined : pool[d.commitments % pool.length] })) as DealtShares[]
        // compared as bytes: toEqual walks typed arrays element by element, 35 s for the 300 runs
        expect(Buffer.compare(encoder.encode(dealers), ShareDelivery.encode({ ref, dealers }))).toBe(0)
      }
    }), { numRuns: 300 })
  })

  it('decodes to the deliveries it encoded', () => {
    const commitments = { body: new Uint8Array(3400).fill(3), signature: new Uint8Array(64).fill(4) } as Signed
    const dealers = Array.from({ length: 99 }, (_, i) => ({ commitments, share: new Uint8Array(290).fill(i), path: Array.from({ length: 7 }, (_, j) => new Uint8Array(32).fill(i + j)) })) as DealtShares[]
    const ref = { session: new Uint8Array(32).fill(1), round: 7n, attempt: 2 }
    expect(ShareDelivery.decode(new ShareDeliveryEncoder(ref).encode(dealers))).toEqual({ ref, dealers })
  })
})
