/**
 * What an elected aggregator can vary in what it publishes, and so use to steer the next round: its
 * signed result must be canonical in content (exactly valid consistency signatures by survivors, in
 * signer order, each revealing participant's own among them), and the next beacon is its VRF output,
 * which no choice of result bytes changes. And the neighbour graph is bound to the roster's fresh signed
 * keys, so no one can search for a graph before an attempt's keys are in.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { compareBytes, equalBytes } from '../../../src/protocol/crypto/bytes.js'
import { nodeCryptoSuite } from '../../../src/protocol/crypto/suite-node.js'
import { vrfProve, vrfSecretKeyOf } from '../../../src/protocol/crypto/ecvrf.js'
import { beaconInput, nextBeacon } from '../../../src/protocol/election.js'
import { Roster, RoundResult, Signed } from '../../../src/protocol/pb/messages.js'
import { rehearseRoster } from '../../../src/simulation/simulation.js'
import { carrying, honest, resignedResult, rosterOf, run, scenario, type Scenario } from '../../support/adversary.js'
import type { RoundEvent } from '../../../src/protocol/round/events.js'

let s: Scenario
let genuine: Uint8Array
let transcript: Uint8Array

beforeAll(async () => {
  s = await scenario({ n: 8 })
  const { report } = await run(s)
  genuine = report.aggregator.outcome!.signedResult
  transcript = report.aggregator.outcome!.transcript!
})

const aggregatorPeer = (): Scenario['peers'][number] => s.peers[s.aggregator]
const aborts = (events: RoundEvent[]): string[] => events.flatMap(e => e.type === 'aborted' ? [`${e.reason}: ${e.message}`] : [])

/** Runs the scenario with every participant given `result` in place of the genuine one. */
async function withResult (result: Uint8Array): Promise<string[][]> {
  const { report } = await run(s, (message) => [message.type === 'result' ? { type: 'result', bytes: carrying(transcript, result) } : message])
  return honest(s).map(i => aborts(report.participants[i].events))
}

describe('the signed result', () => {
  it('is refused by every participant when it carries a junk signature beside the real ones, or repeats one', async () => {
    const junk = await resignedResult(genuine, aggregatorPeer(), r => ({ ...r, signatures: [...r.signatures, { signer: r.signatures[0].signer, signature: new Uint8Array(64) as Uint8Array<ArrayBuffer> }].sort((a, b) => compareBytes(a.signer, b.signer)) }))
    for (const reasons of await withResult(junk)) expect(reasons.join()).toMatch(/invalid-result: signatures are not sorted by signer without repeats/)
  })

  it('is refused when a signer\'s signature is swapped for junk, by the peers that verified its real one before', async () => {
    // the peers that verified the real signature in their consistency proof skip verifying it again only
    // when the result carries those very bytes; the others verify it
    const signer = honest(s)[1]
    const swapped = await resignedResult(genuine, aggregatorPeer(), r => ({ ...r, signatures: r.signatures.map(x => equalBytes(x.signer, s.peers[signer].identity.bytes) ? { ...x, signature: new Uint8Array(64).fill(7) as Uint8Array<ArrayBuffer> } : x) }))
    const reasons = await withResult(swapped)
    honest(s).forEach((peer, i) => {
      expect(reasons[i].join()).toMatch(peer === signer ? /leaves out this peer's signature/ : /invalid-result: a consistency signature does not verify/)
    })
  })

  it('is refused by a participant whose signature it leaves out, though it revealed its shares', async () => {
    const left = honest(s)[0]
    const without = await resignedResult(genuine, aggregatorPeer(), r => ({ ...r, signatures: r.signatures.filter(x => !equalBytes(x.signer, s.peers[left].identity.bytes)) }))
    const reasons = await withResult(without)
    expect(reasons[0].join()).toMatch(/leaves out this peer's signature/)
  })

  it('is refused when its beacon proof is not the aggregator\'s VRF proof for this round, or its beacon is another', async () => {
    const other = s.peers[honest(s)[0]]
    const r = RoundResult.decode(Signed.decode(genuine).body)
    const foreignProof = vrfProve(vrfSecretKeyOf(other.privateKey), beaconInput(r.ref!.session, 1, r.ref!.attempt, r.beacon))
    const wrongProof = await resignedResult(genuine, aggregatorPeer(), x => ({ ...x, beaconProof: foreignProof as Uint8Array<ArrayBuffer> }))
    for (const reasons of await withResult(wrongProof)) expect(reasons.join()).toMatch(/beacon proof does not verify/)
    const wrongBeacon = await resignedResult(genuine, aggregatorPeer(), x => ({ ...x, beacon: new Uint8Array(32).fill(9) as Uint8Array<ArrayBuffer> }))
    for (const reasons of await withResult(wrongBeacon)) expect(reasons.join()).toMatch(/beacon other than its round's/)
  })

  it('gives the same next beacon whatever else the aggregator varies: signers, sum, its own signature', async () => {
    const variants = await Promise.all([
      resignedResult(genuine, aggregatorPeer(), r => ({ ...r, signatures: r.signatures.slice(1) })),
      resignedResult(genuine, aggregatorPeer(), r => ({ ...r, sum: r.sum.map(b => b ^ 1) as Uint8Array<ArrayBuffer> }))
    ])
    for (const variant of variants) {
      expect(equalBytes(variant, genuine)).toBe(false)
      // the beacon once hashed the signed result's bytes: each variant was a fresh draw of the next aggregator
      expect(nextBeacon(s.params.sessionId, variant)).toEqual(nextBeacon(s.params.sessionId, genuine))
    }
  })
})

describe('the neighbour graph', () => {
  it('changes with the attempt\'s fresh keys: the same peers, round and beacon under other keys give another graph', async () => {
    const input = { params: s.params, peers: s.peers, updates: s.updates, aggregator: s.aggregator, beacon: s.beacon, crypto: nodeCryptoSuite }
    const a = await rehearseRoster({ ...input, seed: 'keys A' })
    const b = await rehearseRoster({ ...input, seed: 'keys B' })
    const neighbours = (roster: typeof a): string[] => s.peers.map(p => roster.neighboursOf(p.identity.bytes).map(n => roster.identityOf(n).id).sort().join())
    expect(neighbours(a)).not.toEqual(neighbours(b))
  })

  it('is refused by a participant whose own advertisement, or a neighbour\'s, the roster lists with another digest', async () => {
    const roster = rosterOf(s)
    const target = honest(s)[0]
    const at = roster.xOf(s.peers[target].identity.bytes) - 1
    const neighbour = roster.neighboursOf(s.peers[target].identity.bytes)[0]
    const nat = roster.xOf(neighbour) - 1
    // (a neighbour's digest changed redraws the whole graph: the keys relayed then fit no longer)
    for (const [index, pattern] of [[at, /digest other than this peer's advertisement/], [nat, /invalid-roster/]] as const) {
      const { report } = await run(s, (message, recipient) => {
        if (message.type !== 'roster' || recipient !== target) return [message]
        const r = Roster.decode(message.bytes)
        return [{ type: 'roster', bytes: Roster.encode({ ...r, digests: r.digests.map((d, i) => i === index ? new Uint8Array(32).fill(1) as Uint8Array<ArrayBuffer> : d) }) }]
      })
      expect(aborts(report.participants[target].events).join()).toMatch(pattern)
    }
  })
})
