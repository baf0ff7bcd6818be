/**
 * Results that anyone other than the elected aggregator of the next round made: a member's forgery, a
 * genuine result re-signed, junk signatures, identities outside the session, and rounds past 2^53.
 * None may be adopted, resolve anyone's update, or throw out of the core.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { identityOf, sign, SignatureDomain } from '../../../src/protocol/crypto/identity.js'
import { RoundResult, Signed, SurvivorSet } from '../../../src/protocol/pb/messages.js'
import { signed } from '../../../src/protocol/round/wire.js'
import { compareBytes } from '../../../src/protocol/crypto/bytes.js'
import { verifyResult } from '../../../src/protocol/session/result-verification.js'
import { nodeCryptoSuite } from '../../../src/protocol/crypto/suite-node.js'
import { vrfProve, vrfSecretKeyOf } from '../../../src/protocol/crypto/ecvrf.js'
import { beaconInput } from '../../../src/protocol/election.js'
import { startSimulation, updateFor } from '../../support/session-fixtures.js'
import { carrying, resultIn } from '../../support/adversary.js'
import type { SessionSimulation } from '../../../src/simulation/session-simulation.js'
import type { SimulatedPeer } from '../../../src/simulation/peers.js'

let genuine: Uint8Array
let peers: SimulatedPeer[]
let sim: SessionSimulation

beforeAll(async () => {
  const first = await startSimulation(5, 'forged-results')
  first.members.forEach((_, i) => first.submit(i, updateFor(i, 1)))
  await first.runUntilSettled([0, 1, 2, 3, 4])
  // a result travels as its transcript
  genuine = [...first.members[0].settled.values()][0].transcript
  peers = first.members.map(m => m.peer)
})

/** A fresh simulation of the same session, nobody past round 0, member 0 with an update waiting. */
async function fresh (): Promise<SessionSimulation> {
  const s = await startSimulation(5, 'forged-results')
  s.submit(0, updateFor(0, 1))
  return s
}

/** Re-signs the result in a transcript with `key`, after `edit` changes it. */
async function resign (bytes: Uint8Array, key: SimulatedPeer, edit: (r: RoundResult) => RoundResult): Promise<Uint8Array> {
  const body = edit(RoundResult.decode(Signed.decode(resultIn(bytes)).body))
  return carrying(bytes, (await signed(RoundResult, body, key.privateKey, SignatureDomain.result)).bytes)
}

async function offer (s: SessionSimulation, bytes: Uint8Array, from = 1): Promise<void> {
  await s.members[0].core!.fetched(s.members[from].peer.identity, bytes)
  await s.members[0].core!.message(s.members[from].peer.identity, { session: s.session.id, round: 1, attempt: 0 }, 'result', bytes)
}

describe('a result that did not come from the elected aggregator', () => {
  beforeAll(async () => { sim = await fresh() })

  it('the genuine one is adopted by a member that took no part', async () => {
    const s = await fresh()
    await offer(s, genuine)
    expect(s.members[0].core!.latestResult?.round).toBe(1)
  })

  it('re-signed by a member the beacon did not elect is refused', async () => {
    const aggregator = RoundResult.decode(Signed.decode(resultIn(genuine)).body).aggregator
    const other = peers.find(p => compareBytes(p.identity.bytes, aggregator) !== 0)!
    // with a VRF proof of its own over the same round and beacon, so that only the election can tell
    const ref = RoundResult.decode(Signed.decode(resultIn(genuine)).body).ref!
    const proof = vrfProve(vrfSecretKeyOf(other.privateKey), beaconInput(ref.session, 1, ref.attempt, RoundResult.decode(Signed.decode(resultIn(genuine)).body).beacon))
    const forged = await resign(genuine, other, r => ({ ...r, aggregator: other.identity.bytes as Uint8Array<ArrayBuffer>, beaconProof: proof as Uint8Array<ArrayBuffer> }))
    await expect(verifyResult(sim.session, nodeCryptoSuite, resultIn(forged))).resolves.toBeDefined()
    await offer(sim, forged)
    expect(sim.members[0].core!.latestResult).toBeUndefined()
    expect(sim.members[0].logs.join('\n')).toMatch(/ignored a result: the aggregator of round 1 attempt 0 is/)
  })

  it('re-signed by its own aggregator under another beacon is refused for the next round', async () => {
    const aggregator = peers.find(p => compareBytes(p.identity.bytes, RoundResult.decode(Signed.decode(resultIn(genuine)).body).aggregator) === 0)!
    const ref = RoundResult.decode(Signed.decode(resultIn(genuine)).body).ref!
    const beacon = new Uint8Array(32).fill(9)
    const proof = vrfProve(vrfSecretKeyOf(aggregator.privateKey), beaconInput(ref.session, 1, ref.attempt, beacon))
    const forged = await resign(genuine, aggregator, r => ({ ...r, beacon: beacon as Uint8Array<ArrayBuffer>, beaconProof: proof as Uint8Array<ArrayBuffer> }))
    await expect(verifyResult(sim.session, nodeCryptoSuite, resultIn(forged))).resolves.toBeDefined()
    await offer(sim, forged)
    expect(sim.members[0].core!.latestResult).toBeUndefined()
    expect(sim.members[0].logs.join('\n')).toMatch(/ignored a result: result of round 1 carries a beacon other than the one round 0 gave/)
  })

  it('served by a member that says it holds later rounds is not fetched from it again and again', async () => {
    // Member 1 says it holds round 3; what it serves does not verify. Asking it again at once for the
    // same round would loop as fast as the network answers (seen in session/random-faults before).
    let fetches = 0
    const s = await startSimulation(5, 'forged-results', { intercept: (member, action) => { if (member === 0 && action.type === 'fetch-result') fetches++; return [action] } })
    const core = s.members[0].core!
    await core.notice(s.members[1].peer.identity, { presence: { latestRound: 3n, ready: false } })
    const asked = fetches
    expect(asked).toBe(1)
    const junk = await resign(genuine, s.members[1].peer, r => ({ ...r, aggregator: s.members[1].peer.identity.bytes as Uint8Array<ArrayBuffer> }))
    await core.fetched(s.members[1].peer.identity, junk)
    expect(fetches).toBe(asked)
    expect(core.latestResult).toBeUndefined()
  })

  it('with a junk signature entry beside the real ones is refused', async () => {
    const aggregator = peers.find(p => compareBytes(p.identity.bytes, RoundResult.decode(Signed.decode(resultIn(genuine)).body).aggregator) === 0)!
    const forged = await resign(genuine, aggregator, r => ({ ...r, signatures: [...r.signatures, { signer: r.signatures[0].signer, signature: new Uint8Array(64) as Uint8Array<ArrayBuffer> }].sort((a, b) => compareBytes(a.signer, b.signer)) }))
    await expect(verifyResult(sim.session, nodeCryptoSuite, resultIn(forged))).rejects.toThrow(/without repeats|does not verify/)
    await offer(sim, forged)
    expect(sim.members[0].core!.latestResult).toBeUndefined()
  })

  it('minted by a member with identities outside the closed session, to resolve another member\'s update with a mean of its choosing, is refused', async () => {
    const minter = sim.members[1].peer
    const outsiders = await Promise.all([0, 1, 2, 3].map(async () => generateKeyPair('Ed25519')))
    const identities = outsiders.map(k => identityOf(peerIdFromPrivateKey(k)))
    const target = sim.members[0].peer.identity
    const survivors = [target, ...identities].sort((a, b) => compareBytes(a.bytes, b.bytes))
    const ref = { session: sim.session.id as Uint8Array<ArrayBuffer>, round: 1n, attempt: 0 }
    const survivorSet = SurvivorSet.encode({ ref, survivors: survivors.map(s => s.bytes as Uint8Array<ArrayBuffer>) })
    const signatures = await Promise.all(identities.map(async (identity, i) => ({ signer: identity.bytes as Uint8Array<ArrayBuffer>, signature: await sign(outsiders[i], SignatureDomain.survivorSet, survivorSet) as Uint8Array<ArrayBuffer> })))
    const body = RoundResult.decode(Signed.decode(resultIn(genuine)).body)
    const forged = carrying(genuine, (await signed(RoundResult, { ...body, aggregator: minter.identity.bytes as Uint8Array<ArrayBuffer>, participants: survivors.map(s => s.bytes as Uint8Array<ArrayBuffer>), survivorSet, signatures: signatures.sort((a, b) => compareBytes(a.signer, b.signer)) }, minter.privateKey, SignatureDomain.result)).bytes)
    await expect(verifyResult(sim.session, nodeCryptoSuite, resultIn(forged))).rejects.toThrow(/not a member/)
    await offer(sim, forged)
    expect(sim.members[0].core!.latestResult).toBeUndefined()
    expect(sim.members[0].settled.size).toBe(0)
  })

  it('for round 2^63, or with any other number past 2^53, is dropped without an error in the core', async () => {
    const minter = sim.members[1].peer
    for (const round of [2n ** 63n, 2n ** 53n, 2n ** 64n - 1n]) {
      const forged = await resign(genuine, minter, r => ({ ...r, ref: { ...r.ref!, round }, aggregator: minter.identity.bytes as Uint8Array<ArrayBuffer> }))
      await expect(verifyResult(sim.session, nodeCryptoSuite, resultIn(forged))).rejects.toThrow(/round number/)
      await offer(sim, forged)
      await sim.members[0].core!.notice(minter.identity, { presence: { latestRound: round, ready: true } })
      await sim.members[0].core!.notice(minter.identity, { result: { round, attempt: 0 } })
      await sim.run(() => false, 20_000)
    }
    expect(sim.members[0].core!.latestResult).toBeUndefined()
    expect(sim.internalErrors()).toEqual([])
  })
})
