/** Simulated peers: libp2p Ed25519 identities, reproducible from a seed. */
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { identityOf, type Identity } from '../protocol/crypto/identity.js'
import { deterministicRandom } from '../protocol/crypto/random.js'
import type { PrivateKey } from '@libp2p/interface'

export interface SimulatedPeer {
  identity: Identity
  privateKey: PrivateKey
}

/** `count` peers whose keys derive from `seed`, so a simulation replays with the same PeerIds. */
export async function simulatedPeers (count: number, seed = 'libp2p-secagg simulation'): Promise<SimulatedPeer[]> {
  const random = deterministicRandom(`${seed}/identities`)
  const peers: SimulatedPeer[] = []
  for (let i = 0; i < count; i++) {
    const privateKey = await generateKeyPairFromSeed('Ed25519', random(32))
    peers.push({ privateKey, identity: identityOf(peerIdFromPrivateKey(privateKey)) })
  }
  return peers
}
