/**
 * A malicious aggregator against honest participants. Each test runs a simulated round whose
 * aggregator rewrites its own messages in one way (see test/support/adversary.ts), and checks that
 * the honest participants refuse or detect it with the typed abort reason the design promises, that
 * a peer that refused reveals no share afterwards, and that it ends without a result. The controls
 * at the top run the same rounds untouched, so every failure below is the attack's doing.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { constantTimeEqual, toHex } from '../../../src/protocol/crypto/bytes.js'
import { sign, SignatureDomain, verify, type Identity } from '../../../src/protocol/crypto/identity.js'
import { ConsistencyProof, KeyAdvertisement, NeighbourKeys, Roster, ShareKind, UnmaskShares, type Signed } from '../../../src/protocol/pb/messages.js'
import { exactSum } from '../../support/round-fixtures.js'
import {
  advertisedPeers, consistencySignatures, editAdvertisement, forgedProof, foreignPublicKey, honest, isCanonical,
  keyAdvertisements, neighboursOf, ownersRevealedBothWays, Recorder, refOfScenario, relayedProof, reorderedRoster,
  carrying, resignedAnnouncement, resignedResult, resultIn, revealedShares, rosterOf, run, scenario, sentBy, survivorSetWithout, survivorsIn,
  type Run, type Scenario, type Tamper
} from '../../support/adversary.js'
import type { AbortReason } from '../../../src/protocol/round/errors.js'
import type { MessageType } from '../../../src/protocol/round/events.js'
import type { Phase } from '../../../src/protocol/round/phases.js'

/** Every survivor listed in `receivers`, and the aggregator, got exactly the sum of `contributors`' inputs. */
function expectExactSum (r: Run, s: Scenario, contributors: number[], receivers: number[] = contributors): void {
  const expected = Array.from(exactSum(s.updates, contributors))
  expect(r.report.aggregator.abort).toBeUndefined()
  expect(Array.from(r.report.aggregator.outcome!.sum)).toEqual(expected)
  expect(r.report.aggregator.outcome!.weightSum).toBe(contributors.length)
  for (const i of receivers) {
    expect(r.report.participants[i].abort, `participant ${i}`).toBeUndefined()
    expect(Array.from(r.report.participants[i].outcome!.sum), `participant ${i}`).toEqual(expected)
  }
}

/**
 * Each of `refusing` aborted with `reason` in `phase`, ends without a result, and sent the aggregator
 * nothing but `mayHaveSent` (so no share after refusing when 'unmask-shares' is not among them); and
 * the aggregator never got both kinds of share of any peer.
 */
function expectRefused (r: Run, refusing: number[], reason: AbortReason, phase: Phase, mayHaveSent: MessageType[]): void {
  expect(refusing.length).toBeGreaterThan(0)
  for (const i of refusing) {
    const report = r.report.participants[i]
    expect(report.abort?.reason, `participant ${i}: ${report.abort?.message ?? 'no abort'}`).toBe(reason)
    expect(report.abort?.phase, `participant ${i}`).toBe(phase)
    expect(report.outcome, `participant ${i}`).toBeUndefined()
    const sent = new Set(sentBy(r.log, i).map(d => d.type))
    expect([...sent].filter(type => !mayHaveSent.includes(type)), `participant ${i} sent`).toEqual([])
  }
  expect(ownersRevealedBothWays(r.log)).toEqual([])
}

const UP_TO_UNMASK: MessageType[] = ['key-advertisement', 'share-keys', 'share-check', 'masked-input', 'consistency-signature']

/** The untouched round of a scenario, recorded: what the aggregator sent each peer, by type. */
async function recorded (s: Scenario): Promise<{ control: Run, sent: Recorder }> {
  const sent = new Recorder()
  return { control: await run(s, sent.tamper), sent }
}

const only = (targets: number[], tamper: Tamper): Tamper => (message, recipient, log) => targets.includes(recipient) ? tamper(message, recipient, log) : [message]

describe('controls: the attacked rounds without the attack', () => {
  it.each([
    ['10 peers, Harary graph', { n: 10 }],
    ['20 peers, Harary graph', { n: 20 }],
    ['5 peers, complete graph, round 1 attempt 0', { n: 5, shape: 'complete' as const }],
    ['5 peers, complete graph, round 1 attempt 1', { n: 5, shape: 'complete' as const, attempt: 1 }],
    ['5 peers, complete graph, round 2 attempt 0', { n: 5, shape: 'complete' as const, round: 2 }]
  ])('%s: every peer gets the exact sum', async (_, options) => {
    const s = await scenario(options)
    const { control } = await recorded(s)
    expectExactSum(control, s, s.peers.map((_, i) => i))
    expect(ownersRevealedBothWays(control.log)).toEqual([])
  })

  it('20 peers with 2 dropped at masked-input: every survivor gets the exact sum of the survivors', async () => {
    const s = await scenario({ n: 20, drops: new Map([[3, 'masked-input'], [7, 'masked-input']]) })
    const { control } = await recorded(s)
    const survivors = s.peers.map((_, i) => i).filter(i => i !== 3 && i !== 7)
    expectExactSum(control, s, survivors)
  })

  it('the crafting helpers with an empty edit reproduce the aggregator\'s messages byte for byte', async () => {
    const s = await scenario({ n: 10 })
    const { sent } = await recorded(s)
    const announcement = sent.of('announcement', 1)[0]
    expect(await resignedAnnouncement(announcement, s.peers[s.aggregator], a => a)).toEqual(announcement)
    const roster = sent.of('roster', 1)[0]
    expect(reorderedRoster(roster, peers => peers)).toEqual(roster)
    const keys = sent.of('neighbour-keys', 1)[0]
    expect(editAdvertisement(keys, 0, a => a)).toEqual(keys)
    const set = sent.of('survivor-set', 1)[0]
    expect(survivorSetWithout(set, [])).toEqual(set)
    const proof = sent.of('consistency-proof', 1)[0]
    const decoded = ConsistencyProof.decode(proof)
    expect(relayedProof(decoded.survivorSet, decoded.signatures.map(p => ({ signer: rosterOf(s).identityOf(p.signer), signature: p.signature })))).toEqual(proof)
  })
})

describe('an aggregator that asks a peer for both kinds of share of one neighbour', () => {
  let s: Scenario
  /** The survivor set every peer was shown in the untouched round. */
  let S: Uint8Array
  /** Per honest peer r: a neighbour w of r, S without w, and a proof over that set with t valid neighbour signatures. */
  const forged = new Map<number, { w: number, set: Uint8Array, proof: Uint8Array }>()

  beforeAll(async () => {
    s = await scenario({ n: 10 })
    const { sent } = await recorded(s)
    S = sent.of('survivor-set', 1)[0]
    const roster = rosterOf(s)
    for (const r of honest(s)) {
      const neighbours = neighboursOf(s, r, roster)
      const w = neighbours.find(v => v !== s.aggregator)!
      const set = survivorSetWithout(S, [s.peers[w].identity.bytes])
      // As if the aggregator had shown S' to r's other neighbours (or they collude): they sign it.
      const signers = neighbours.filter(v => v !== w)
      expect(signers.length).toBeGreaterThanOrEqual(roster.threshold)
      forged.set(r, { w, set, proof: await forgedProof(set, signers.map(v => s.peers[v])) })
    }
  })

  /** The shares r revealed: exactly one message, only self-mask shares, including w's. */
  function expectRevealedOnceForS (r: Run, i: number): void {
    const unmasks = sentBy(r.log, i, 'unmask-shares')
    expect(unmasks).toHaveLength(1)
    const shares = UnmaskShares.decode(unmasks[0].bytes).shares
    expect(shares.map(x => x.kind).every(kind => kind === ShareKind.SELF_MASK)).toBe(true)
    const w = s.peers[forged.get(i)!.w].identity.bytes
    expect(shares.find(x => constantTimeEqual(x.owner!, w))?.kind).toBe(ShareKind.SELF_MASK)
  }

  it('(control) the forged proof over S\' passes every check of a peer that was shown and signed S\': it reveals w\'s mask-key share', async () => {
    const target = honest(s)[0]
    const { w, set, proof } = forged.get(target)!
    const r = await run(s, only([target], (m) => {
      if (m.type === 'survivor-set') return [{ type: 'survivor-set', bytes: set }]
      // The aggregator drops the peer that signed S' from its own proofs; it slips the forged proof in before the result.
      if (m.type === 'result') return [{ type: 'consistency-proof', bytes: proof }, m]
      return [m]
    }))
    const revealed = revealedShares(r.log).filter(x => x.holder === target)
    expect(revealed.find(x => x.owner === toHex(s.peers[w].identity.bytes))?.kind).toBe(ShareKind.MASK_KEY)
  })

  it('a peer that signed S and revealed its shares refuses a second unmask request over S\' (S without a neighbour it said survived): conflicting-request, nothing more revealed, no result', async () => {
    const r = await run(s, (m, i) => m.type === 'consistency-proof' ? [m, { type: 'consistency-proof', bytes: forged.get(i)!.proof }] : [m])
    expectRefused(r, honest(s), 'conflicting-request', 'unmask', [...UP_TO_UNMASK, 'unmask-shares'])
    for (const i of honest(s)) expectRevealedOnceForS(r, i)
  })

  it('a peer that revealed its shares ignores a byte-identical repeat of the unmask request (a retransmission): shares revealed once, result kept', async () => {
    const r = await run(s, (m) => m.type === 'consistency-proof' ? [m, m] : [m])
    for (const i of honest(s)) {
      expect(sentBy(r.log, i, 'unmask-shares')).toHaveLength(1)
      expect(r.report.participants[i].abort).toBeUndefined()
      expect(r.report.participants[i].outcome).toBeDefined()
    }
  })

  it('a peer that signed S and revealed its shares refuses a second survivor set S\': conflicting-request, nothing more signed or revealed, no result', async () => {
    const r = await run(s, (m, i) => m.type === 'consistency-proof' ? [m, { type: 'survivor-set', bytes: forged.get(i)!.set }] : [m])
    expectRefused(r, honest(s), 'conflicting-request', 'unmask', [...UP_TO_UNMASK, 'unmask-shares'])
    for (const i of honest(s)) {
      expectRevealedOnceForS(r, i)
      expect(sentBy(r.log, i, 'consistency-signature')).toHaveLength(1)
    }
  })

  it('a peer that signed S refuses a second, different survivor set S\' before any proof: conflicting-request, reveals nothing, no result', async () => {
    const r = await run(s, (m, i) => m.type === 'survivor-set' ? [m, { type: 'survivor-set', bytes: forged.get(i)!.set }] : [m])
    expectRefused(r, honest(s), 'conflicting-request', 'consistency-check', UP_TO_UNMASK)
    for (const i of honest(s)) {
      const signatures = sentBy(r.log, i, 'consistency-signature')
      expect(signatures).toHaveLength(1)
      const signature = consistencySignatures(r.log).get(i)!
      expect(await verify(s.peers[i].identity, SignatureDomain.survivorSet, S, signature)).toBe(true)
      expect(await verify(s.peers[i].identity, SignatureDomain.survivorSet, forged.get(i)!.set, signature)).toBe(false)
    }
    expect(revealedShares(r.log).filter(x => x.holder !== s.aggregator)).toEqual([])
    expect(r.report.aggregator.outcome).toBeUndefined()
  })

  it('a peer that signed S refuses a proof (with t valid neighbour signatures) over a set S\' it did not sign: conflicting-request, reveals nothing, no result', async () => {
    const r = await run(s, (m, i) => m.type === 'consistency-proof' ? [{ type: 'consistency-proof', bytes: forged.get(i)!.proof }] : [m])
    expectRefused(r, honest(s), 'conflicting-request', 'consistency-check', UP_TO_UNMASK)
    expect(revealedShares(r.log).filter(x => x.holder !== s.aggregator)).toEqual([])
  })

  it('in a round with 2 of 20 peers dropped at masked-input, the aggregator never receives both kinds of share of any peer', async () => {
    const dropped = [3, 7]
    const s20 = await scenario({ n: 20, drops: new Map(dropped.map(i => [i, 'masked-input' as const])) })
    const r = await run(s20)
    const survivors = s20.peers.map((_, i) => i).filter(i => !dropped.includes(i))
    expectExactSum(r, s20, survivors)
    const roster = rosterOf(s20)
    const shares = revealedShares(r.log)
    // Not vacuous: the dropped peers' mask keys and the survivors' self-mask seeds were both revealed.
    for (const i of dropped) {
      const owner = toHex(s20.peers[i].identity.bytes)
      expect(shares.filter(x => x.owner === owner && x.kind === ShareKind.MASK_KEY).length).toBeGreaterThanOrEqual(roster.threshold)
    }
    for (const i of survivors) {
      const owner = toHex(s20.peers[i].identity.bytes)
      expect(shares.filter(x => x.owner === owner && x.kind === ShareKind.SELF_MASK).length).toBeGreaterThanOrEqual(roster.threshold)
    }
    expect(ownersRevealedBothWays(r.log)).toEqual([])
  })
})

describe('an aggregator that shows different survivor sets to different peers (split view)', () => {
  let s: Scenario
  let S: Uint8Array
  /** w survives in S, and is left out of S' = S \ {w}, which group B (two of w's neighbours) is shown. */
  let w: number
  let B: number[]
  let SPrime: Uint8Array
  /** Per member of B: t valid signatures on S' by peers that are not its neighbours (colluders, or a third group). */
  const strangers = new Map<number, Uint8Array>()
  /** Per member of B: one neighbour's valid signature on S', repeated t times. */
  const repeated = new Map<number, Uint8Array>()
  /** Per member of B: t valid signatures on S' by neighbours, one of them w's, whom S' leaves out. */
  const withOutsider = new Map<number, Uint8Array>()
  /** The aggregator's signed result, re-signed over S' instead of the S everyone signed. */
  let resultOverSPrime: Uint8Array

  beforeAll(async () => {
    s = await scenario({ n: 20 })
    const { sent } = await recorded(s)
    S = sent.of('survivor-set', 1)[0]
    w = honest(s)[0]
    B = neighboursOf(s, w).filter(v => v !== s.aggregator).slice(0, 2)
    SPrime = survivorSetWithout(S, [s.peers[w].identity.bytes])
    const t = rosterOf(s).threshold
    for (const b of B) {
      const far = honest(s).filter(v => v !== b && v !== w && !neighboursOf(s, b).includes(v)).slice(0, t)
      strangers.set(b, await forgedProof(SPrime, far.map(v => s.peers[v])))
      const one = ConsistencyProof.decode(await forgedProof(SPrime, [s.peers[neighboursOf(s, b).find(v => v !== w)!]]))
      repeated.set(b, ConsistencyProof.encode({ survivorSet: one.survivorSet, signatures: Array.from({ length: t }, () => one.signatures[0]) }))
      const members = neighboursOf(s, b).filter(v => v !== w).slice(0, t - 1)
      withOutsider.set(b, await forgedProof(SPrime, [w, ...members].map(v => s.peers[v])))
    }
    const genuine = sent.of('result', 1)[0]
    resultOverSPrime = carrying(genuine, await resignedResult(resultIn(genuine), s.peers[s.aggregator], r => ({ ...r, survivorSet: SPrime as Uint8Array<ArrayBuffer> })))
  })

  type Log = Parameters<Tamper>[2]

  /** Group B is shown S'; once the others are done, the aggregator sends each of B a proof (`proofFor`), then the result. */
  const splitView = (proofFor: (i: number, log: Log) => Uint8Array): Tamper => only(B, (m, i, log) => {
    if (m.type === 'survivor-set') return [{ type: 'survivor-set', bytes: SPrime }]
    if (m.type === 'result') return [{ type: 'consistency-proof', bytes: proofFor(i, log) }, m]
    return [m]
  })

  /** The consistency signatures of i's neighbours the aggregator collected, whatever set each signed. */
  const neighbourSignatures = (i: number, log: Log, from: (v: number) => boolean = () => true): Array<{ signer: Identity, signature: Uint8Array }> => {
    const signatures = consistencySignatures(log)
    return neighboursOf(s, i).filter(v => signatures.has(v) && from(v)).map(v => ({ signer: s.peers[v].identity, signature: signatures.get(v)! }))
  }

  it('threshold over half the degree: no peer can have t neighbours in each of two disjoint groups', () => {
    const roster = rosterOf(s)
    expect(2 * roster.threshold).toBeGreaterThan(roster.parameters.degree)
  })

  it.each([
    ['over S\', relaying its neighbours\' signatures (those on S do not verify)', 'invalid-consistency-proof' as const, (i: number, log: Log) => relayedProof(SPrime, neighbourSignatures(i, log))],
    ['over S\' with t valid signatures on S\' by peers that are not its neighbours', 'invalid-consistency-proof' as const, (i: number) => strangers.get(i)!],
    ['over S\' with one neighbour\'s valid signature on S\' repeated t times', 'invalid-consistency-proof' as const, (i: number) => repeated.get(i)!],
    ['over S\' with t valid neighbour signatures on S\', one by w, whom S\' leaves out', 'invalid-consistency-proof' as const, (i: number) => withOutsider.get(i)!],
    ['over S, with t valid neighbour signatures on S', 'conflicting-request' as const, (i: number, log: Log) => {
      const onS = neighbourSignatures(i, log, v => !B.includes(v))
      expect(onS.length).toBeGreaterThanOrEqual(rosterOf(s).threshold)
      return relayedProof(S, onS)
    }]
  ])('peers shown S\' refuse a proof %s (%s): no shares, and no result even when it is sent', async (_, reason, proofFor) => {
    const r = await run(s, splitView(proofFor))
    for (const i of B) {
      // They really were shown S', without w: their own signature is over it.
      expect(await verify(s.peers[i].identity, SignatureDomain.survivorSet, SPrime, consistencySignatures(r.log).get(i)!)).toBe(true)
      expect(survivorsIn(SPrime)).not.toContain(toHex(s.peers[w].identity.bytes))
    }
    expectRefused(r, B, reason, 'consistency-check', UP_TO_UNMASK)
    expect(revealedShares(r.log).filter(x => B.includes(x.holder))).toEqual([])
    // The peers shown a consistent S got the true sum: the attack gained nothing and corrupted nothing.
    const all = s.peers.map((_, i) => i)
    expectExactSum(r, s, all, all.filter(i => !B.includes(i)))
  })

  it('peers that signed S refuse a result the aggregator signed over another survivor set S\' (invalid-result): no result', async () => {
    const r = await run(s, (m) => m.type === 'result' ? [{ type: m.type, bytes: resultOverSPrime }] : [m])
    expectRefused(r, honest(s), 'invalid-result', 'unmask', [...UP_TO_UNMASK, 'unmask-shares'])
  })
})

describe('an aggregator that swaps a neighbour\'s public key', () => {
  let s: Scenario
  const target = 3
  let victim: number
  let foreign: Uint8Array<ArrayBuffer>
  /** An advertisement naming the victim with the aggregator's keys, signed by the aggregator. */
  let substitute: Signed

  beforeAll(async () => {
    s = await scenario({ n: 10 })
    victim = neighboursOf(s, target).find(v => v !== s.aggregator)!
    foreign = await foreignPublicKey('aggregator key')
    const body = KeyAdvertisement.encode({ ref: refOfScenario(s), peer: s.peers[victim].identity.bytes as Uint8Array<ArrayBuffer>, encryptionKey: foreign, maskKey: await foreignPublicKey('aggregator mask key') })
    substitute = { body: body as Uint8Array<ArrayBuffer>, signature: await sign(s.peers[s.aggregator].privateKey, SignatureDomain.keyAdvertisement, body) as Uint8Array<ArrayBuffer> }
  })

  const victimAt = (bytes: Uint8Array): number => advertisedPeers(bytes).indexOf(toHex(s.peers[victim].identity.bytes))

  it.each([
    ['the encryption key inside the neighbour\'s signed advertisement', (bytes: Uint8Array) => editAdvertisement(bytes, victimAt(bytes), a => ({ ...a, encryptionKey: foreign }))],
    ['the mask key inside the neighbour\'s signed advertisement', (bytes: Uint8Array) => editAdvertisement(bytes, victimAt(bytes), a => ({ ...a, maskKey: foreign }))],
    ['the neighbour\'s advertisement for one naming it but signed by the aggregator', (bytes: Uint8Array) => {
      const keys = NeighbourKeys.decode(bytes)
      keys.advertisements[victimAt(bytes)] = substitute
      return NeighbourKeys.encode(keys)
    }]
  ])('swapping %s is refused (invalid-roster): the peer shares nothing, and the others\' sum is exact without it', async (_, swap) => {
    const r = await run(s, only([target], (m) => m.type === 'neighbour-keys' ? [{ type: m.type, bytes: swap(m.bytes) }] : [m]))
    expectRefused(r, [target], 'invalid-roster', 'advertise-keys', ['key-advertisement'])
    const others = s.peers.map((_, i) => i).filter(i => i !== target)
    expectExactSum(r, s, others)
  })
})

describe('an aggregator that replays a message from another round or attempt', () => {
  const REPLAYS: Array<{ type: MessageType, reason: AbortReason, phase: Phase, mayHaveSent: MessageType[] }> = [
    { type: 'announcement', reason: 'invalid-announcement', phase: 'announce', mayHaveSent: [] },
    { type: 'roster', reason: 'invalid-roster', phase: 'advertise-keys', mayHaveSent: ['key-advertisement'] },
    { type: 'neighbour-keys', reason: 'invalid-roster', phase: 'advertise-keys', mayHaveSent: ['key-advertisement'] },
    { type: 'share-delivery', reason: 'invalid-shares', phase: 'share-keys', mayHaveSent: ['key-advertisement', 'share-keys'] },
    { type: 'survivor-set', reason: 'invalid-survivor-set', phase: 'consistency-check', mayHaveSent: ['key-advertisement', 'share-keys', 'share-check', 'masked-input'] },
    // The shares went out, rightly, before the result; the replayed result is then refused.
    { type: 'result', reason: 'invalid-result', phase: 'unmask', mayHaveSent: [...UP_TO_UNMASK, 'unmask-shares'] }
  ]
  const EARLIER = {
    attempt: { earlier: { round: 1, attempt: 0 }, now: { round: 1, attempt: 1 } },
    round: { earlier: { round: 1, attempt: 0 }, now: { round: 2, attempt: 0 } }
  }
  const captured = new Map<keyof typeof EARLIER, Recorder>()
  const current = new Map<keyof typeof EARLIER, Scenario>()
  /** The earlier result re-signed over the current survivor set: a stale sum dressed for this attempt. */
  const staleResult = new Map<keyof typeof EARLIER, Uint8Array>()

  beforeAll(async () => {
    // A complete graph, so the neighbours are the same in every round: only the round binding tells the messages apart.
    for (const [what, { earlier, now }] of Object.entries(EARLIER) as Array<[keyof typeof EARLIER, typeof EARLIER.round]>) {
      const before = await recorded(await scenario({ n: 5, shape: 'complete', ...earlier }))
      expectExactSum(before.control, await scenario({ n: 5, shape: 'complete', ...earlier }), [0, 1, 2, 3, 4])
      captured.set(what, before.sent)
      const s = await scenario({ n: 5, shape: 'complete', ...now })
      current.set(what, s)
      const currentSet = (await recorded(s)).sent.of('survivor-set', 1)[0]
      const stale = before.sent.of('result', 1)[0]
      staleResult.set(what, carrying(stale, await resignedResult(resultIn(stale), s.peers[s.aggregator], r => ({ ...r, survivorSet: currentSet as Uint8Array<ArrayBuffer> }))))
    }
  })

  const replay = (what: keyof typeof EARLIER, type: MessageType): Tamper => (m, i) => {
    if (m.type !== type) return [m]
    const old = captured.get(what)!.of(type, i)
    expect(old.length).toBeGreaterThan(0)
    expect(old[0]).not.toEqual(m.bytes)
    return old.map(bytes => ({ type, bytes }))
  }

  for (const what of Object.keys(EARLIER) as Array<keyof typeof EARLIER>) {
    it.each(REPLAYS)(`replaying the $type of an earlier ${what} is refused ($reason), with nothing sent afterwards and no result`, async ({ type, reason, phase, mayHaveSent }) => {
      const s = current.get(what)!
      const r = await run(s, replay(what, type))
      expectRefused(r, honest(s), reason, phase, mayHaveSent)
    })

    it(`neighbour keys of an earlier ${what}, re-wrapped with this attempt's reference, are refused (invalid-roster)`, async () => {
      const s = current.get(what)!
      const r = await run(s, (m, i) => {
        if (m.type !== 'neighbour-keys') return [m]
        const old = NeighbourKeys.decode(captured.get(what)!.of('neighbour-keys', i)[0])
        // The same peers, each validly signed by its owner, only for another round or attempt.
        expect(old.advertisements.map(a => toHex(KeyAdvertisement.decode(a.body).peer)).sort()).toEqual(advertisedPeers(m.bytes).sort())
        return [{ type: m.type, bytes: NeighbourKeys.encode({ ref: refOfScenario(s), advertisements: old.advertisements }) }]
      })
      expectRefused(r, honest(s), 'invalid-roster', 'advertise-keys', ['key-advertisement'])
    })

    it(`neighbour keys labelled with an earlier ${what}'s reference are refused even when the keys inside are current (invalid-roster)`, async () => {
      const s = current.get(what)!
      const r = await run(s, (m, i) => {
        if (m.type !== 'neighbour-keys') return [m]
        const old = NeighbourKeys.decode(captured.get(what)!.of('neighbour-keys', i)[0])
        return [{ type: m.type, bytes: NeighbourKeys.encode({ ref: old.ref, advertisements: NeighbourKeys.decode(m.bytes).advertisements }) }]
      })
      expectRefused(r, honest(s), 'invalid-roster', 'advertise-keys', ['key-advertisement'])
    })

    it(`the result of an earlier ${what}, re-signed over this attempt's survivor set (a stale sum), is refused by its round reference (invalid-result)`, async () => {
      const s = current.get(what)!
      const r = await run(s, (m) => m.type === 'result' ? [{ type: m.type, bytes: staleResult.get(what)! }] : [m])
      expectRefused(r, honest(s), 'invalid-result', 'unmask', [...UP_TO_UNMASK, 'unmask-shares'])
    })
  }
})

describe('an aggregator that reorders the roster or picks the neighbours', () => {
  let s: Scenario
  let sent: Recorder
  const target = 3

  beforeAll(async () => {
    s = await scenario({ n: 10 })
    sent = (await recorded(s)).sent
  })

  it('a roster not in canonical byte order is refused (invalid-roster): the peer shares nothing, and the others\' sum is exact without it', async () => {
    const r = await run(s, only([target], (m) => {
      if (m.type !== 'roster') return [m]
      const bytes = reorderedRoster(m.bytes, peers => peers.reverse())
      return [{ type: m.type, bytes }]
    }))
    const shown = Roster.decode(reorderedRoster(sent.of('roster', target)[0], peers => peers.reverse())).peers
    expect(isCanonical(shown)).toBe(false)
    expect(shown.map(toHex).sort()).toEqual(Roster.decode(sent.of('roster', target)[0]).peers.map(toHex).sort())
    expectRefused(r, [target], 'invalid-roster', 'advertise-keys', ['key-advertisement'])
    expectExactSum(r, s, s.peers.map((_, i) => i).filter(i => i !== target))
  })

  it('a roster in another order sent to every peer is refused by all of them (invalid-roster), and nobody gets a result', async () => {
    const r = await run(s, (m) => m.type === 'roster' ? [{ type: m.type, bytes: reorderedRoster(m.bytes, peers => [peers[1], peers[0], ...peers.slice(2)]) }] : [m])
    expectRefused(r, honest(s), 'invalid-roster', 'advertise-keys', ['key-advertisement'])
    expect(r.report.aggregator.outcome).toBeUndefined()
  })

  /** A neighbour the beacon-seeded graph does not give `target`, with its real signed advertisement. */
  const nonNeighbour = (): number => s.peers.map((_, i) => i).find(i => i !== target && !neighboursOf(s, target).includes(i))!

  it.each([
    ['swap a neighbour\'s keys for a non-neighbour\'s validly signed keys', (bytes: Uint8Array, ads: Map<number, Signed>) => {
      const keys = NeighbourKeys.decode(bytes)
      keys.advertisements[0] = ads.get(nonNeighbour())!
      return NeighbourKeys.encode(keys)
    }],
    ['add a non-neighbour\'s validly signed keys', (bytes: Uint8Array, ads: Map<number, Signed>) => {
      const keys = NeighbourKeys.decode(bytes)
      keys.advertisements.push(ads.get(nonNeighbour())!)
      return NeighbourKeys.encode(keys)
    }],
    ['leave a neighbour out', (bytes: Uint8Array) => {
      const keys = NeighbourKeys.decode(bytes)
      keys.advertisements.pop()
      return NeighbourKeys.encode(keys)
    }]
  ])('neighbour keys that %s are refused (invalid-roster): the peer shares nothing, and the others\' sum is exact without it', async (_, pick) => {
    const r = await run(s, only([target], (m, _i, log) => m.type === 'neighbour-keys' ? [{ type: m.type, bytes: pick(m.bytes, keyAdvertisements(log)) }] : [m]))
    expectRefused(r, [target], 'invalid-roster', 'advertise-keys', ['key-advertisement'])
    expectExactSum(r, s, s.peers.map((_, i) => i).filter(i => i !== target))
  })

  it('neighbour keys following a graph seeded by a beacon the aggregator chose are refused (invalid-roster) by every peer whose neighbours change', async () => {
    const chosen = rosterOf(s, new Uint8Array(32).fill(0x77))
    const fair = rosterOf(s)
    const moved = honest(s).filter(i => {
      const a = chosen.neighboursOf(s.peers[i].identity.bytes).map(toHex).sort()
      const b = fair.neighboursOf(s.peers[i].identity.bytes).map(toHex).sort()
      return a.join() !== b.join()
    })
    expect(moved.length).toBeGreaterThan(honest(s).length / 2)
    const r = await run(s, (m, i, log) => {
      if (m.type !== 'neighbour-keys') return [m]
      const ads = keyAdvertisements(log)
      const advertisements = chosen.neighboursOf(s.peers[i].identity.bytes).map(p => ads.get(s.peers.findIndex(q => constantTimeEqual(q.identity.bytes, p)))!)
      return [{ type: m.type, bytes: NeighbourKeys.encode({ ref: refOfScenario(s), advertisements }) }]
    })
    expectRefused(r, moved, 'invalid-roster', 'advertise-keys', ['key-advertisement'])
  })

  it('an announcement validly signed by the aggregator but carrying another beacon is refused by every peer (invalid-announcement), which then sends nothing', async () => {
    const original = sent.of('announcement', 1)[0]
    const reBeaconed = await resignedAnnouncement(original, s.peers[s.aggregator], a => ({ ...a, beacon: new Uint8Array(32).fill(0x77) }))
    const r = await run(s, (m) => m.type === 'announcement' ? [{ type: m.type, bytes: reBeaconed }] : [m])
    expectRefused(r, honest(s), 'invalid-announcement', 'announce', [])
    expect(r.report.aggregator.outcome).toBeUndefined()
  })
})

