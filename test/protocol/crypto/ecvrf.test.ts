import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { generateKeyPair, generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { ed25519, ed25519_hasher, ED25519_TORSION_SUBGROUP } from '@noble/curves/ed25519.js'
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js'
import { sha512 } from '@noble/hashes/sha2.js'
import { concat, fromHex, toHex, utf8 } from '../../../src/protocol/crypto/bytes.js'
import {
  VRF_OUTPUT_LENGTH, VRF_PROOF_LENGTH, vrfProofToHash, vrfProve, vrfPublicKeyOf, vrfSecretKeyOf, vrfVerify
} from '../../../src/protocol/crypto/ecvrf.js'

// RFC 9381, Appendix B.4 (ECVRF-EDWARDS25519-SHA512-ELL2), Examples 19, 20 and 21. SK, PK and alpha
// are RFC 8032 section 7.1 TEST 1, 2 and 3; pi and beta are RFC 9381's.
// Where they were copied from (the RFC's own text is not reachable from this machine, only its title
// page): pi from the generator of the RFC's Appendix B by its co-author L. Reyzin, github.com/reyzin/ecvrf,
// ed25519.cpp, function test(), commit 917883b (2022-08-08, "cleanup and renumbering of examples",
// whose generateVectors() numbers these Examples 19-21); pi and beta from the CFRG draft's Sage
// reference implementation (table "draft-irtf-cfrg-vrf-13#appendix-A.4", the same vectors) and from
// a Python verifier's table named RFC_9381_APPENDIX_B4_VECTORS; all three agree byte for byte.
const appendixB4 = [
  {
    example: 19,
    sk: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    pk: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    alpha: '',
    pi: '7d9c633ffeee27349264cf5c667579fc583b4bda63ab71d001f89c10003ab46f14adf9a3cd8b8412d9038531e865c341cafa73589b023d14311c331a9ad15ff2fb37831e00f0acaa6d73bc9997b06501',
    beta: '9d574bf9b8302ec0fc1e21c3ec5368269527b87b462ce36dab2d14ccf80c53cccf6758f058c5b1c856b116388152bbe509ee3b9ecfe63d93c3b4346c1fbc6c54'
  },
  {
    example: 20,
    sk: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    pk: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    alpha: '72',
    pi: '47b327393ff2dd81336f8a2ef10339112401253b3c714eeda879f12c509072ef055b48372bb82efbdce8e10c8cb9a2f9d60e93908f93df1623ad78a86a028d6bc064dbfc75a6a57379ef855dc6733801',
    beta: '38561d6b77b71d30eb97a062168ae12b667ce5c28caccdf76bc88e093e4635987cd96814ce55b4689b3dd2947f80e59aac7b7675f8083865b46c89b2ce9cc735'
  },
  {
    example: 21,
    sk: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    pk: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    alpha: 'af82',
    pi: '926e895d308f5e328e7aa159c06eddbe56d06846abf5d98c2512235eaa57fdce35b46edfc655bc828d44ad09d1150f31374e7ef73027e14760d42e77341fe05467bb286cc2c9d7fde29120a0b2320d04',
    beta: '121b7f9b9aaaa29099fc04a94ba52784d44eac976dd1a3cca458733be5cd090a7b5fbd148444f17f8daf1fb55cb04b1ae85a626e30a54b4b0f8abf4a43314a58'
  }
]

// RFC 9381, Appendix B.3 (ECVRF-EDWARDS25519-SHA512-TAI), Examples 16, 17 and 18: the same keys and
// inputs under the other Edwards suite. Copied from Reyzin's ed25519.cpp and the CFRG Sage table
// named above, and from the solana-ecvrf crate's tests/vectors.json (docs.rs); all three agree.
const appendixB3Pi = [
  '8657106690b5526245a92b003bb079ccd1a92130477671f6fc01ad16f26f723f26f8a57ccaed74ee1b190bed1f479d9727d2d0f9b005a6e456a35d4fb0daab1268a1b0db10836d9826a528ca76567805',
  'f3141cd382dc42909d19ec5110469e4feae18300e94f304590abdced48aed5933bf0864a62558b3ed7f2fea45c92a465301b3bbf5e3e54ddf2d935be3b67926da3ef39226bbc355bdc9850112c8f4b02',
  '9bc0f79119cc5604bf02d23b4caede71393cedfbb191434dd016d30177ccbf8096bb474e53895c362d8628ee9f9ea3c0e52c7a5c691b6c18c9979866568add7a2d41b00b05081ed0f58ee5e31b3a970e'
]

const GROUP_ORDER = ed25519.Point.Fn.ORDER
const seedArb = fc.uint8Array({ minLength: 32, maxLength: 32 })
const alphaArb = fc.uint8Array({ maxLength: 64 })

/** The public key RFC 8032 derives from a seed, through the libp2p key type the protocol holds. */
async function publicKeyOfSeed (seed: Uint8Array): Promise<Uint8Array> {
  return vrfPublicKeyOf(peerIdFromPrivateKey(await generateKeyPairFromSeed('Ed25519', seed)))
}

function flipBit (bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice()
  out[bit >> 3] ^= 1 << (bit & 7)
  return out
}

/**
 * What an attacker can do when a verifier skips ECVRF_validate_key: under a public key T of small
 * order, a proof with Gamma = identity verifies for any input once c = r (mod 8) where U = s*B - r*T
 * was guessed, which takes about 8 hashes. Built from the RFC's definitions, not from ecvrf.ts.
 */
function forgeUnderSmallOrderKey (publicKey: Uint8Array, alpha: Uint8Array): Uint8Array {
  const dst = concat([utf8('ECVRF_edwards25519_XMD:SHA-512_ELL2_NU_'), Uint8Array.of(0x04)])
  const t = ed25519.Point.fromBytes(publicKey)
  const h = ed25519_hasher.encodeToCurve(concat([publicKey, alpha]), { DST: dst })
  const gamma = ed25519.Point.ZERO.toBytes()
  for (let s = 1n; s < 1000n; s++) {
    const v = h.multiply(s).toBytes()
    for (let r = 0n; r < 8n; r++) {
      const u = ed25519.Point.BASE.multiply(s).subtract(t.multiplyUnsafe(r)).toBytes()
      const digest = sha512(concat([Uint8Array.of(0x04, 0x02), publicKey, h.toBytes(), gamma, u, v, Uint8Array.of(0x00)]))
      const c = bytesToNumberLE(digest.subarray(0, 16))
      if (c % 8n === r) return concat([gamma, numberToBytesLE(c, 16), numberToBytesLE(s, 32)])
    }
  }
  throw new Error('no forgery found')
}

describe('ECVRF-EDWARDS25519-SHA512-ELL2 (RFC 9381)', () => {
  it.each(appendixB4)('proves, hashes and verifies RFC 9381 Appendix B.4 Example $example with a libp2p identity key', async ({ sk, pk, alpha, pi, beta }) => {
    const key = await generateKeyPairFromSeed('Ed25519', fromHex(sk))
    const publicKey = vrfPublicKeyOf(peerIdFromPrivateKey(key))
    expect(toHex(publicKey)).toBe(pk)
    const seed = vrfSecretKeyOf(key)
    expect(toHex(seed)).toBe(sk)
    const proof = vrfProve(seed, fromHex(alpha))
    expect(toHex(proof)).toBe(pi)
    expect(toHex(vrfProofToHash(proof))).toBe(beta)
    expect(toHex(vrfVerify(publicKey, fromHex(alpha), fromHex(pi)) ?? new Uint8Array(0))).toBe(beta)
  })

  it('rejects the RFC 9381 Appendix B.3 proofs of the TAI suite for the same keys and inputs', () => {
    appendixB4.forEach(({ pk, alpha }, i) => {
      expect(vrfVerify(fromHex(pk), fromHex(alpha), fromHex(appendixB3Pi[i]))).toBeUndefined()
    })
  })

  it('verifies a proof under its own key to the output vrfProofToHash gives, and under no other key or input', async () => {
    await fc.assert(fc.asyncProperty(seedArb, seedArb, alphaArb, alphaArb, async (seed, otherSeed, alpha, otherAlpha) => {
      fc.pre(toHex(seed) !== toHex(otherSeed) && toHex(alpha) !== toHex(otherAlpha))
      const publicKey = await publicKeyOfSeed(seed)
      const proof = vrfProve(seed, alpha)
      const beta = vrfVerify(publicKey, alpha, proof)
      expect(beta).toBeInstanceOf(Uint8Array)
      expect(beta).toHaveLength(VRF_OUTPUT_LENGTH)
      expect(toHex(beta!)).toBe(toHex(vrfProofToHash(proof)))
      expect(vrfVerify(await publicKeyOfSeed(otherSeed), alpha, proof)).toBeUndefined()
      expect(vrfVerify(publicKey, otherAlpha, proof)).toBeUndefined()
    }), { numRuns: 40 })
  })

  it('gives one output per key and input: proving twice gives the same proof, other inputs other outputs', async () => {
    await fc.assert(fc.asyncProperty(seedArb, alphaArb, alphaArb, async (seed, alpha, otherAlpha) => {
      fc.pre(toHex(alpha) !== toHex(otherAlpha))
      const proof = vrfProve(seed, alpha)
      expect(toHex(vrfProve(seed, alpha))).toBe(toHex(proof))
      expect(toHex(vrfProofToHash(vrfProve(seed, otherAlpha)))).not.toBe(toHex(vrfProofToHash(proof)))
    }), { numRuns: 20 })
  })

  it('rejects every single-bit flip of a proof', async () => {
    const seed = fromHex(appendixB4[1].sk)
    const alpha = utf8('round 7')
    const publicKey = await publicKeyOfSeed(seed)
    const proof = vrfProve(seed, alpha)
    expect(vrfVerify(publicKey, alpha, proof)).toBeDefined()
    for (let bit = 0; bit < VRF_PROOF_LENGTH * 8; bit++) {
      expect(vrfVerify(publicKey, alpha, flipBit(proof, bit)), `bit ${bit}`).toBeUndefined()
    }
  })

  it('rejects a single-bit flip of the proof or the public key, for random keys and inputs', async () => {
    await fc.assert(fc.asyncProperty(seedArb, alphaArb, fc.nat({ max: (32 + VRF_PROOF_LENGTH) * 8 - 1 }), async (seed, alpha, bit) => {
      const publicKey = await publicKeyOfSeed(seed)
      const flipped = flipBit(concat([publicKey, vrfProve(seed, alpha)]), bit)
      expect(vrfVerify(flipped.subarray(0, 32), alpha, flipped.subarray(32))).toBeUndefined()
    }), { numRuns: 60 })
  })

  it('refuses a proof whose s is not reduced below the group order, though it would give the same U and V', async () => {
    const seed = fromHex(appendixB4[0].sk)
    const proof = vrfProve(seed, new Uint8Array(0))
    const s = bytesToNumberLE(proof.subarray(48))
    const unreduced = concat([proof.subarray(0, 48), numberToBytesLE(s + GROUP_ORDER, 32)])
    expect(vrfVerify(await publicKeyOfSeed(seed), new Uint8Array(0), unreduced)).toBeUndefined()
    expect(() => vrfProofToHash(unreduced)).toThrow(expect.objectContaining({ name: 'InvalidVrfProofError' }))
  })

  it('refuses a Gamma encoded non-canonically (y >= p, or x = 0 with the sign bit set)', () => {
    // Both decode to the identity (0, 1) under ZIP-215's lax rules; RFC 8032 section 5.1.3 refuses them.
    const yPlusP = fromHex('eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f')
    const negativeZero = fromHex('0100000000000000000000000000000000000000000000000000000000000080')
    for (const gamma of [yPlusP, negativeZero]) {
      expect(ed25519.Point.fromBytes(gamma, true).equals(ed25519.Point.ZERO)).toBe(true)
      const proof = concat([gamma, new Uint8Array(48)])
      expect(() => vrfProofToHash(proof)).toThrow(expect.objectContaining({ name: 'InvalidVrfProofError' }))
      expect(vrfVerify(fromHex(appendixB4[0].pk), new Uint8Array(0), proof)).toBeUndefined()
    }
  })

  it.each(ED25519_TORSION_SUBGROUP.map(hex => ({ hex })))('refuses the small-order public key $hex, under which anyone could forge a proof for any input', ({ hex }) => {
    const alpha = utf8('session 1 round 2 attempt 0')
    const forged = forgeUnderSmallOrderKey(fromHex(hex), alpha)
    expect(vrfVerify(fromHex(hex), alpha, forged)).toBeUndefined()
  })

  it('returns undefined without throwing for proofs and public keys of every other length', () => {
    const publicKey = fromHex(appendixB4[0].pk)
    const proof = fromHex(appendixB4[0].pi)
    const alpha = new Uint8Array(0)
    for (let length = 0; length <= 2 * VRF_PROOF_LENGTH; length++) {
      if (length === VRF_PROOF_LENGTH) continue
      const truncatedOrPadded = concat([proof, new Uint8Array(VRF_PROOF_LENGTH)]).subarray(0, length)
      expect(vrfVerify(publicKey, alpha, truncatedOrPadded)).toBeUndefined()
      expect(() => vrfProofToHash(truncatedOrPadded)).toThrow(expect.objectContaining({ name: 'InvalidVrfProofError' }))
    }
    for (let length = 0; length <= 64; length++) {
      if (length === 32) continue
      expect(vrfVerify(concat([publicKey, publicKey]).subarray(0, length), alpha, proof)).toBeUndefined()
    }
  })

  it('returns undefined without throwing for inputs that are not bytes at all', () => {
    const publicKey = fromHex(appendixB4[0].pk)
    const proof = fromHex(appendixB4[0].pi)
    const junk: any[] = [undefined, null, 'd75a98', 42, [1, 2, 3], {}, new Uint16Array(16)]
    for (const value of junk) {
      expect(vrfVerify(value, new Uint8Array(0), proof)).toBeUndefined()
      expect(vrfVerify(publicKey, value, proof)).toBeUndefined()
      expect(vrfVerify(publicKey, new Uint8Array(0), value)).toBeUndefined()
    }
  })

  it('returns undefined without throwing for random keys and proofs, including ones that decode', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), alphaArb, fc.uint8Array({ maxLength: 100 }), (publicKey, alpha, proof) => {
      expect(vrfVerify(publicKey, alpha, proof)).toBeUndefined()
    }), { numRuns: 200 })
    // 32 and 80 bytes with s < q, so that decoding often succeeds and the equations are reached
    fc.assert(fc.property(seedArb, alphaArb, fc.uint8Array({ minLength: 80, maxLength: 80 }), (publicKey, alpha, proof) => {
      proof[79] &= 0x0f
      expect(vrfVerify(publicKey, alpha, proof)).toBeUndefined()
    }), { numRuns: 200 })
  })

  it('refuses to prove with a seed of the wrong length', () => {
    for (const length of [0, 31, 33, 64]) {
      expect(() => vrfProve(new Uint8Array(length), new Uint8Array(0))).toThrow(RangeError)
    }
  })

  it('refuses private keys and PeerIds of another type than Ed25519', async () => {
    const secp = await generateKeyPair('secp256k1')
    expect(() => vrfSecretKeyOf(secp)).toThrow(expect.objectContaining({ name: 'NotEd25519KeyError' }))
    expect(() => vrfPublicKeyOf(peerIdFromPrivateKey(secp))).toThrow(expect.objectContaining({ name: 'NotEd25519KeyError' }))
  })
})
