/** Sessions and members for the session simulator's tests. */
import { defineSession, type SessionConfig } from '../../src/node/session-config.js'
import { simulatedPeers, type SimulatedPeer } from '../../src/simulation/peers.js'
import { SessionSimulation, type SessionSimulationOptions } from '../../src/simulation/session-simulation.js'
import { electAggregator, genesisBeacon } from '../../src/protocol/election.js'
import { identityOf } from '../../src/protocol/crypto/identity.js'
import { peerIdFromString } from '@libp2p/peer-id'
import { DealerCommitments, ShareKeys, Signed } from '../../src/protocol/pb/messages.js'
import { signed } from '../../src/protocol/round/wire.js'
import { SignatureDomain } from '../../src/protocol/crypto/identity.js'
import type { SessionAction } from '../../src/protocol/session/actions.js'

/** A closed session of the given peers, small and with short deadlines, sized so that one member may drop. */
export function simulatedSession (peers: SimulatedPeer[], overrides: Partial<SessionConfig> = {}): SessionConfig {
  const n = peers.length
  return defineSession({
    name: `simulated-${n}`,
    dimension: 8,
    encoding: { clip: 4, bits: 16, maxParticipants: n, maxWeight: 1 },
    graph: { shape: 'complete', dropoutRate: 0.25, corruptRate: 0, threatModel: 'malicious' },
    minParticipants: Math.max(4, n - 2),
    phaseTimeouts: { 'advertise-keys': 2000, 'share-keys': 2000, 'masked-input': 3000, 'consistency-check': 2000, unmask: 2000 },
    announceTimeout: 2000,
    maxAttempts: 4,
    members: peers.map(p => p.identity.id),
    ...overrides
  })
}

/** A started simulation of n members in a closed session. */
export async function startSimulation (n: number, seed: string, options: Partial<SessionSimulationOptions> = {}, overrides: Partial<SessionConfig> = {}): Promise<SessionSimulation> {
  const peers = await simulatedPeers(n, seed)
  const sim = new SessionSimulation({ config: simulatedSession(peers, overrides), peers, seed, ...options })
  await sim.start()
  return sim
}

/** A deterministic update for a member in a round: small integers, so sums are exact in any order. */
export function updateFor (member: number, round: number, dimension = 8): Float32Array {
  return Float32Array.from({ length: dimension }, (_, i) => ((member * 7 + round * 3 + i) % 9 - 4) / 8)
}

/** The plaintext sum of the given members' updates for a round. */
export function plainSum (members: number[], round: number, dimension = 8): number[] {
  const sum = new Array<number>(dimension).fill(0)
  for (const m of members) updateFor(m, round, dimension).forEach((v, i) => { sum[i] += v })
  return sum
}

/** The member index each attempt of a round elects, under the beacon of the result before it (genesis by default). */
export function electedIndex (sim: SessionSimulation, round: number, attempt: number, beacon = genesisBeacon(sim.session.id)): number {
  const identities = sim.members.map(m => m.peer.identity)
  const members = sim.session.config.members === 'open' ? identities : sim.session.config.members.map(id => identityOf(peerIdFromString(id)))
  const elected = electAggregator(sim.session.id, round, attempt, beacon, members)
  return identities.findIndex(i => i.id === elected.id)
}

/**
 * A member's share-keys, dealt against commitments to another polynomial: it signs commitments whose
 * second self-mask coefficient is swapped for the first, so every share it deals fails its holder's check.
 */
export async function forgedShareKeys (sim: SessionSimulation, cheat: number, action: Extract<SessionAction, { type: 'send' }>): Promise<Extract<SessionAction, { type: 'send' }>> {
  const message = ShareKeys.decode(action.bytes)
  const commitments = DealerCommitments.decode(message.commitments!.body)
  const forged = { ...commitments, selfMask: [commitments.selfMask[0], commitments.selfMask[0], ...commitments.selfMask.slice(2)] }
  const resigned = await signed(DealerCommitments, forged, sim.members[cheat].peer.privateKey, SignatureDomain.shareCommitments)
  return { ...action, bytes: ShareKeys.encode({ ...message, commitments: Signed.decode(resigned.bytes) }) }
}
