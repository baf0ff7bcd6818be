/**
 * The share hash commitments: each is SHA-256 of its framed fields, whichever hash the suite gives,
 * and it binds the attempt, the pair, the kind and the share.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { frame, u32be, u64be } from '../../../src/protocol/crypto/bytes.js'
import { nodeCryptoSuite } from '../../../src/protocol/crypto/suite-node.js'
import { ShareKind } from '../../../src/protocol/pb/messages.js'
import { shareCommitments } from '../../../src/protocol/round/masks.js'
import type { RoundContext } from '../../../src/protocol/crypto/kdf.js'

const bytesArb = (length: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: length, maxLength: length })
const contextArb = fc.record({ sessionId: bytesArb(32), round: fc.nat(), attempt: fc.nat({ max: 2 ** 32 - 1 }) })

/** The definition, written out. */
function expected (context: RoundContext, owner: Uint8Array, holder: Uint8Array, kind: ShareKind, share: Uint8Array): Uint8Array {
  const fields = ['libp2p-secagg/1/share-commitment', context.sessionId, u64be(context.round), u32be(context.attempt), owner, holder, new Uint8Array([kind === ShareKind.SELF_MASK ? 0 : 1]), share]
  return sha256(frame(fields))
}

describe('share commitments', () => {
  it('are SHA-256 of the framed attempt, owner, holder, kind and share, with either hash', () => {
    fc.assert(fc.property(contextArb, bytesArb(38), bytesArb(38), fc.constantFrom(ShareKind.SELF_MASK, ShareKind.MASK_KEY), bytesArb(32), (context, owner, holder, kind, share) => {
      const want = expected(context, owner, holder, kind, share)
      expect(shareCommitments(context)(owner, holder, kind, share)).toEqual(want)
      expect(shareCommitments(context, nodeCryptoSuite.sha256)(owner, holder, kind, share)).toEqual(want)
    }), { numRuns: 200 })
  })

  it('differ with the attempt, the kind and the holder', () => {
    const context = { sessionId: new Uint8Array(32).fill(1), round: 4, attempt: 0 }
    const owner = new Uint8Array(38).fill(2)
    const holder = new Uint8Array(38).fill(3)
    const share = new Uint8Array(32).fill(4)
    const commit = shareCommitments(context)
    const base = commit(owner, holder, ShareKind.SELF_MASK, share)
    expect(shareCommitments({ ...context, attempt: 1 })(owner, holder, ShareKind.SELF_MASK, share)).not.toEqual(base)
    expect(commit(owner, holder, ShareKind.MASK_KEY, share)).not.toEqual(base)
    expect(commit(owner, owner, ShareKind.SELF_MASK, share)).not.toEqual(base)
  })
})
