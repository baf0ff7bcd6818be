import { describe, expect, it } from 'vitest'
import { generateKeyPair, generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { fromHex, toHex, utf8 } from '../../../src/protocol/crypto/bytes.js'
import { identityFromBytes, identityOf, sign, SignatureDomain, verify } from '../../../src/protocol/crypto/identity.js'

describe('Ed25519 identity signatures', () => {
  // RFC 8032, section 7.1, TEST 1 (empty message), through the libp2p key the protocol signs with.
  it('signs the RFC 8032 section 7.1 TEST 1 vector with a libp2p identity key', async () => {
    const key = await generateKeyPairFromSeed('Ed25519', fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'))
    expect(toHex(key.publicKey.raw)).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a')
    expect(toHex(await key.sign(new Uint8Array(0)))).toBe('e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b')
  })

  it('verifies against nothing but the PeerId, and rejects tampering, other domains and other signers', async () => {
    const key = await generateKeyPair('Ed25519')
    const other = await generateKeyPair('Ed25519')
    const signer = identityFromBytes(identityOf(peerIdFromPrivateKey(key)).bytes)
    const body = utf8('roster')
    const signature = await sign(key, SignatureDomain.survivorSet, body)
    expect(await verify(signer, SignatureDomain.survivorSet, body, signature)).toBe(true)
    expect(await verify(signer, SignatureDomain.result, body, signature)).toBe(false)
    expect(await verify(signer, SignatureDomain.survivorSet, utf8('rostes'), signature)).toBe(false)
    expect(await verify(identityOf(peerIdFromPrivateKey(other)), SignatureDomain.survivorSet, body, signature)).toBe(false)
    const flipped = signature.slice()
    flipped[10] ^= 1
    expect(await verify(signer, SignatureDomain.survivorSet, body, flipped)).toBe(false)
    expect(await verify(signer, SignatureDomain.survivorSet, body, signature.subarray(0, 63))).toBe(false)
  })

  it('refuses peer ids that are malformed or carry no Ed25519 key', async () => {
    expect(() => identityFromBytes(new Uint8Array([1, 2, 3]))).toThrow(expect.objectContaining({ name: 'InvalidPeerIdError' }))
    const secp = peerIdFromPrivateKey(await generateKeyPair('secp256k1'))
    expect(() => identityFromBytes(secp.toMultihash().bytes)).toThrow(expect.objectContaining({ name: 'InvalidPeerIdError' }))
  })
})
