/**
 * The tamper suite: a round among simulated peers, then every way an aggregator could report a sum other
 * than the survivors' inputs, each audited from its transcript. The uploads are recorded as they go to
 * the aggregator, so the test knows the integer sum Y of the survivors' masked vectors and can play a
 * malicious aggregator exactly: reporting Y' instead of Y means the sum s + (Y' - Y) mod 2^m and the
 * carries floor(Y' / 2^m), with the result signed again by the aggregator's key.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { nodeCryptoSuite } from '../../../src/protocol/crypto/suite-node.js'
import { applyMasks } from '../../../src/protocol/crypto/suite.js'
import { sign, SignatureDomain } from '../../../src/protocol/crypto/identity.js'
import { deterministicRandom } from '../../../src/protocol/crypto/random.js'
import { pack, unpackInto } from '../../../src/protocol/encoding/bit-pack.js'
import { InputCommitment, MaskedInputChunk, RoundResult, RoundTranscript, ShareKind, Signed, SurvivorSet } from '../../../src/protocol/pb/messages.js'
import { selfMaskKey } from '../../../src/protocol/round/masks.js'
import { signed, signedDigest, signedEnvelope } from '../../../src/protocol/round/wire.js'
import { carryBits } from '../../../src/protocol/round/aggregator/integer-sum.js'
import { auditTranscript, forgetAudits, type AuditVerdict } from '../../../src/protocol/verification/audit.js'
import { simulatedPeers, type SimulatedPeer } from '../../../src/simulation/peers.js'
import { simulateRound, type SimulationReport } from '../../../src/simulation/simulation.js'
import { exactSum, gridUpdates, testParams } from '../../support/round-fixtures.js'
import type { ResolvedParams } from '../../../src/protocol/round/params.js'
import type { RoundContext } from '../../../src/protocol/crypto/kdf.js'

const N = 20
const DIMENSION = 2500
// peer 3 sends one chunk of its masked input and drops: U2 but not U3, its mask key is rebuilt
const PARTIAL = 3
// peer 7 drops in unmask: a survivor that reveals nothing
const LATE = 7
const AGGREGATOR = 0

interface Round {
  params: ResolvedParams
  peers: SimulatedPeer[]
  report: SimulationReport
  transcript: Uint8Array
  context: RoundContext
  /** Each peer's masked values as the aggregator received them (a partial upload only in part). */
  uploads: Float64Array[]
  survivors: number[]
  /** Y: the survivors' masked vectors summed over the integers. */
  integerSum: Float64Array
  sum: Uint32Array
  bits: number
}

type UploadTamper = (chunk: Uint8Array, sender: number, peers: SimulatedPeer[]) => Uint8Array | Promise<Uint8Array>

async function playRound (tamperUpload?: UploadTamper, drops = new Map([[PARTIAL, 'masked-input-partial' as const], [LATE, 'unmask' as const]])): Promise<Round> {
  const params = testParams({ dimension: DIMENSION, encoding: { maxParticipants: N }, minParticipants: 10 })
  const peers = await simulatedPeers(N, 'tamper')
  const updates = gridUpdates(params, N, 'tamper')
  const bits = params.encoding.modulusBits
  const total = DIMENSION + 1
  const uploads = peers.map(() => new Float64Array(total))
  const report = await simulateRound({
    params,
    peers,
    updates,
    aggregator: AGGREGATOR,
    crypto: nodeCryptoSuite,
    drops,
    chunkCoordinates: 1024,
    tamperUpload: tamperUpload === undefined ? undefined : async (chunk, sender) => tamperUpload(chunk, sender, peers),
    observe: (delivery) => {
      if (delivery.type !== 'masked-input' || delivery.to !== 'aggregator') return
      const chunk = MaskedInputChunk.decode(delivery.bytes)
      const values = new Uint32Array(chunk.count)
      unpackInto(chunk.data, bits, values, 'fill')
      uploads[delivery.from].set(values, chunk.offset)
    }
  })
  const outcome = report.aggregator.outcome
  if (outcome === undefined) throw new Error(`the round did not complete: ${JSON.stringify(report.aggregator.abort)}`)
  const survivors = outcome.survivors.map(id => peers.findIndex(p => p.identity.id === id))
  const integerSum = new Float64Array(total)
  for (const u of survivors) for (let i = 0; i < total; i++) integerSum[i] += uploads[u][i]
  return {
    params,
    peers,
    report,
    transcript: outcome.transcript!,
    context: { sessionId: params.sessionId, round: 1, attempt: 0 },
    uploads,
    survivors,
    integerSum,
    sum: outcome.quantizedSum.slice(),
    bits
  }
}

/** The transcript with the result re-signed by the aggregator after `change` edits it. */
async function withResult (round: Round, change: (result: RoundResult) => void, transcript = round.transcript): Promise<Uint8Array> {
  const decoded = RoundTranscript.decode(transcript)
  const result = RoundResult.decode(Signed.decode(decoded.result).body)
  change(result)
  const { bytes } = await signed(RoundResult, result, round.peers[AGGREGATOR].privateKey, SignatureDomain.result)
  return RoundTranscript.encode({ ...decoded, result: bytes as Uint8Array<ArrayBuffer> })
}

/** What an aggregator reporting the integer sum `claimed` instead of Y signs: its sum mod 2^m and its carries. */
async function claiming (round: Round, claimed: Float64Array, carries?: (honest: Uint32Array) => Uint32Array): Promise<Uint8Array> {
  const modulus = 2 ** round.bits
  const sum = round.sum.map((s, i) => ((s + claimed[i] - round.integerSum[i]) % modulus + modulus) % modulus)
  const honestCarries = Uint32Array.from(claimed, y => Math.floor(y / modulus))
  return withResult(round, result => {
    result.sum = pack(sum, round.bits) as Uint8Array<ArrayBuffer>
    result.carries = pack(carries?.(honestCarries) ?? honestCarries, carryBits(round.survivors.length)) as Uint8Array<ArrayBuffer>
  })
}

/**
 * The transcript after survivor `s` (its place in the survivor set) signs its commitment again with the
 * masks it names changed, and every survivor signs the survivor set listing that commitment: what
 * survivors colluding with the aggregator could hand it, the result signed over that set.
 */
async function withMaskedWith (round: Round, s: number, change: (maskedWith: Uint8Array[]) => Uint8Array[]): Promise<Uint8Array> {
  const decoded = RoundTranscript.decode(round.transcript)
  const peer = round.peers[round.survivors[s]]
  const body = InputCommitment.decode(decoded.commitments[s].body)
  const commitment = await signedEnvelope(InputCommitment, { ...body, maskedWith: change(body.maskedWith) as Array<Uint8Array<ArrayBuffer>> }, peer.privateKey, SignatureDomain.inputCommitment)
  const commitments = decoded.commitments.map((envelope, i) => i === s ? commitment : envelope)
  const result = RoundResult.decode(Signed.decode(decoded.result).body)
  const set = SurvivorSet.decode(result.survivorSet)
  result.survivorSet = SurvivorSet.encode({ ...set, commitments: commitments.map(envelope => signedDigest(envelope) as Uint8Array<ArrayBuffer>) })
  const keyOf = new Map(round.peers.map(p => [p.identity.id, p.privateKey]))
  result.signatures = await Promise.all(result.signatures.map(async ({ signer }) => {
    const key = keyOf.get(round.peers.find(p => Buffer.from(p.identity.bytes).equals(Buffer.from(signer)))!.identity.id)!
    return { signer, signature: await sign(key, SignatureDomain.survivorSet, result.survivorSet) as Uint8Array<ArrayBuffer> }
  }))
  const { bytes } = await signed(RoundResult, result, round.peers[AGGREGATOR].privateKey, SignatureDomain.result)
  return RoundTranscript.encode({ ...decoded, result: bytes as Uint8Array<ArrayBuffer>, commitments })
}

async function audit (round: Round, transcript: Uint8Array): Promise<AuditVerdict> {
  return auditTranscript(transcript, round.params, nodeCryptoSuite)
}

describe('an honest round', () => {
  let round: Round
  beforeAll(async () => { round = await playRound() })

  it('is verified from its transcript, with a dropped peer\'s masks and a silent survivor', async () => {
    expect(round.survivors).not.toContain(PARTIAL)
    expect(round.survivors).toContain(LATE)
    const verdict = await audit(round, round.transcript)
    expect(verdict).toEqual({ verdict: 'verified', round: 1, attempt: 0, aggregator: round.peers[AGGREGATOR].identity.id, survivors: round.report.aggregator.outcome!.survivors })
    // and the sum is the survivors' inputs
    const updates = gridUpdates(round.params, N, 'tamper')
    expect(Array.from(round.report.aggregator.outcome!.sum)).toEqual(Array.from(exactSum(updates, round.survivors)))
  })

  it('is audited once when many readers in one process ask for it at once', async () => {
    // masks applied off this thread (maskWorkers, or WebCrypto's AES-CTR) give the other readers' calls
    // their turn while the first audit runs
    let audits = 0
    const counting = {
      ...nodeCryptoSuite,
      applyMasks: async (target: Uint32Array, masks: Parameters<NonNullable<typeof nodeCryptoSuite.applyMasks>>[1]) => {
        audits++
        await new Promise(resolve => setImmediate(resolve))
        await applyMasks(nodeCryptoSuite, target, masks)
      }
    }
    forgetAudits()
    const verdicts = await Promise.all(Array.from({ length: 5 }, async () => auditTranscript(round.transcript, round.params, counting)))
    expect(verdicts.map(v => v.verdict)).toEqual(Array(5).fill('verified'))
    expect(audits).toBe(1)
    // each reader has its own copy of the verdict
    verdicts[0].verdict = 'unverifiable'
    expect((await auditTranscript(round.transcript, round.params, counting)).verdict).toBe('verified')
    expect(audits).toBe(1)
  })

  it('checks the aggregator\'s signature unless the caller vouches for it, with the very result it checked', async () => {
    const decoded = RoundTranscript.decode(round.transcript)
    const envelope = Signed.decode(decoded.result)
    const unsigned = Signed.encode({ ...envelope, signature: new Uint8Array(64).fill(5) as Uint8Array<ArrayBuffer> })
    const transcript = RoundTranscript.encode({ ...decoded, result: unsigned as Uint8Array<ArrayBuffer> })
    const withOptions = async (options: Parameters<typeof auditTranscript>[3]): Promise<string> => (await auditTranscript(transcript, round.params, nodeCryptoSuite, options)).verdict
    expect(await withOptions({})).toBe('unverifiable')
    // a caller's word counts only for the result it names, and only for the signatures it names
    expect(await withOptions({ signaturesChecked: true, resultSignatureChecked: true })).toBe('unverifiable')
    expect(await withOptions({ result: unsigned, signaturesChecked: true })).toBe('unverifiable')
    expect(await withOptions({ result: unsigned, signaturesChecked: true, resultSignatureChecked: true })).toBe('verified')
  })

  it('convicts no aggregator of a result it did not sign, whatever the caller vouches for', async () => {
    // a wrong sum under the aggregator's name with a junk signature: a caller that says it checked the
    // signature must not make the transcript evidence against that aggregator
    const claimed = round.integerSum.slice()
    claimed[3] += 1
    const decoded = RoundTranscript.decode(await claiming(round, claimed))
    const unsigned = Signed.encode({ ...Signed.decode(decoded.result), signature: new Uint8Array(64).fill(5) as Uint8Array<ArrayBuffer> })
    const transcript = RoundTranscript.encode({ ...decoded, result: unsigned as Uint8Array<ArrayBuffer> })
    const verdict = await auditTranscript(transcript, round.params, nodeCryptoSuite, { result: unsigned, signaturesChecked: true, resultSignatureChecked: true })
    expect(verdict).toEqual({ verdict: 'unverifiable', reason: 'the result is not signed by the aggregator it names' })
    // signed, the same wrong sum convicts
    expect((await auditTranscript(RoundTranscript.encode(decoded), round.params, nodeCryptoSuite, { result: decoded.result, signaturesChecked: true, resultSignatureChecked: true })).verdict).toBe('forged')
  })

  it('keeps no verdict an audit reached for want of anything but the transcript, and a reader that joined it audits again', async () => {
    let calls = 0
    let started!: () => void
    const firstStarted = new Promise<void>(resolve => { started = resolve })
    const failingOnce = {
      ...nodeCryptoSuite,
      applyMasks: async (target: Uint32Array, masks: Parameters<NonNullable<typeof nodeCryptoSuite.applyMasks>>[1]) => {
        calls++
        // the first audit fails, late enough for the second reader (its digest takes a millisecond) to join it
        if (calls === 1) {
          started()
          await new Promise(resolve => setTimeout(resolve, 300))
          throw new Error('mask worker gone')
        }
        await applyMasks(nodeCryptoSuite, target, masks)
      }
    }
    forgetAudits()
    const first = auditTranscript(round.transcript, round.params, failingOnce)
    await firstStarted
    const joined = auditTranscript(round.transcript, round.params, failingOnce)
    expect(await first).toEqual({ verdict: 'unverifiable', reason: 'mask worker gone' })
    expect((await joined).verdict).toBe('verified')
    // neither verdict was kept: a later reader audits anew
    expect((await auditTranscript(round.transcript, round.params, failingOnce)).verdict).toBe('verified')
    expect(calls).toBe(3)
  })

  it('is verified when the result lists a participant twice', async () => {
    // a peer is found at its first place: the pairs of masks and the survivors come out the same
    const verdict = await audit(round, await withResult(round, result => { result.participants = [...result.participants, result.participants[0]] }))
    expect(verdict.verdict).toBe('verified')
  })

  it('is verified on the WebCrypto backend too', async () => {
    const { webCryptoSuite } = await import('../../../src/protocol/crypto/suite-web.js')
    expect((await auditTranscript(round.transcript, round.params, await webCryptoSuite())).verdict).toBe('verified')
  })

  it('is unverifiable when the transcript is asked for against another result', async () => {
    const other = await withResult(round, () => {})
    const verdict = await auditTranscript(round.transcript, round.params, nodeCryptoSuite, { result: RoundTranscript.decode(other).result })
    // Ed25519 signatures are deterministic: re-signing the same body gives the same result, so flip a byte
    expect(verdict.verdict).toBe('verified')
    const spoiled = RoundTranscript.decode(round.transcript).result.slice()
    spoiled[spoiled.length - 1] ^= 1
    expect((await auditTranscript(round.transcript, round.params, nodeCryptoSuite, { result: spoiled })).verdict).toBe('unverifiable')
  })

  it('is unverifiable, convicting no one, when the transcript is damaged in transit', async () => {
    const decoded = RoundTranscript.decode(round.transcript)
    const cases: Array<[string, Uint8Array]> = [
      ['bytes cut short', round.transcript.subarray(0, round.transcript.length - 1000)],
      ['a commitment dropped', RoundTranscript.encode({ ...decoded, commitments: decoded.commitments.slice(1) })],
      ['a secret dropped', RoundTranscript.encode({ ...decoded, secrets: decoded.secrets.slice(1) })],
      ['the dropped peer\'s advertisement left out', RoundTranscript.encode({ ...decoded, advertisements: decoded.advertisements.filter(a => !Buffer.from(a.body).includes(Buffer.from(round.peers[PARTIAL].identity.bytes))) })],
      ['dealer commitments swapped', RoundTranscript.encode({ ...decoded, dealerCommitments: [decoded.dealerCommitments[1], decoded.dealerCommitments[0], ...decoded.dealerCommitments.slice(2)] })]
    ]
    for (const [what, bytes] of cases) expect((await audit(round, bytes)).verdict, what).toBe('unverifiable')
  })
})

describe('an aggregator that reports a wrong sum is convicted by the transcript', () => {
  let round: Round
  beforeAll(async () => { round = await playRound() })

  const expectForged = async (transcript: Uint8Array): Promise<void> => {
    const verdict = await audit(round, transcript)
    expect(verdict.verdict, JSON.stringify(verdict)).toBe('forged')
    expect(verdict).toMatchObject({ aggregator: round.peers[AGGREGATOR].identity.id })
  }

  it('one coordinate of the sum changed by one, whatever carry it claims there', async () => {
    for (const i of [0, 1234, DIMENSION - 1]) {
      for (let carry = 0; carry < round.survivors.length; carry++) {
        const claimed = round.integerSum.slice()
        claimed[i] += 1
        await expectForged(await claiming(round, claimed, carries => { carries[i] = carry; return carries }))
      }
    }
  })

  it('only the top bit of one coordinate flipped', async () => {
    const top = 2 ** (round.bits - 1)
    await expectForged(await withResult(round, result => {
      const sum = new Uint32Array(DIMENSION + 1)
      unpackInto(result.sum, round.bits, sum, 'fill')
      sum[42] ^= top
      result.sum = pack(sum, round.bits) as Uint8Array<ArrayBuffer>
    }))
  })

  it('a wrong weight sum', async () => {
    const claimed = round.integerSum.slice()
    claimed[DIMENSION] += 1
    await expectForged(await claiming(round, claimed))
  })

  it('a carry changed with the sum left alone', async () => {
    await expectForged(await claiming(round, round.integerSum, carries => { carries[7] = carries[7] === 0 ? 1 : carries[7] - 1; return carries }))
  })

  it('a carry no number of survivors could reach', async () => {
    await expectForged(await claiming(round, round.integerSum, carries => { carries[7] = 2 ** carryBits(round.survivors.length) - 1; return carries }))
  })

  it('a survivor\'s masked input replaced by another vector', async () => {
    const random = deterministicRandom('replacement')
    const claimed = round.integerSum.slice()
    const u = round.survivors[2]
    for (let i = 0; i < claimed.length; i++) claimed[i] += (random(4).reduce((a, b) => a * 256 + b, 0) % 2 ** round.bits) - round.uploads[u][i]
    await expectForged(await claiming(round, claimed))
  })

  it('a dropped peer\'s (partial) masked input added', async () => {
    const claimed = round.integerSum.map((y, i) => y + round.uploads[PARTIAL][i])
    await expectForged(await claiming(round, claimed))
  })

  it('a survivor left out of the sum while listed', async () => {
    const u = round.survivors[4]
    await expectForged(await claiming(round, round.integerSum.map((y, i) => y - round.uploads[u][i])))
  })

  it('a rebuilt self-mask seed swapped: the true seed in the transcript, a sum unmasked with another', async () => {
    const u = round.peers[round.survivors[1]].identity
    const other = new Uint8Array(32).fill(9)
    const modulus = 2 ** round.bits
    const removedTrue = new Uint32Array(DIMENSION + 1)
    const removedOther = new Uint32Array(DIMENSION + 1)
    const seed = RoundTranscript.decode(round.transcript).secrets.find(s => s.kind === ShareKind.SELF_MASK && Buffer.from(s.owner).equals(Buffer.from(u.bytes)))!.value
    await nodeCryptoSuite.prg.open(selfMaskKey(round.context, seed, u.bytes)).apply(removedTrue, 'add')
    await nodeCryptoSuite.prg.open(selfMaskKey(round.context, other, u.bytes)).apply(removedOther, 'add')
    await expectForged(await withResult(round, result => {
      const sum = round.sum.map((s, i) => (s + removedTrue[i] - removedOther[i] + 2 * 2 ** 32) % modulus)
      result.sum = pack(sum, round.bits) as Uint8Array<ArrayBuffer>
    }))
  })

  it('a rebuilt seed swapped in the transcript as well: unverifiable, so never adopted', async () => {
    const decoded = RoundTranscript.decode(round.transcript)
    const secrets = decoded.secrets.map((s, i) => i === 0 ? { ...s, value: new Uint8Array(32).fill(9) as Uint8Array<ArrayBuffer> } : s)
    expect((await audit(round, RoundTranscript.encode({ ...decoded, secrets }))).verdict).toBe('unverifiable')
  })

  it('survivors that disagree on a pairwise mask, every signature in place', async () => {
    const names = (s: number): Uint8Array[] => InputCommitment.decode(RoundTranscript.decode(round.transcript).commitments[s].body).maskedWith
    // survivor 2 leaves out a survivor it masked with, whose mask then no longer cancels in the sum
    const survivorIds = new Set(round.survivors.map(u => Buffer.from(round.peers[u].identity.bytes).toString('hex')))
    const other = names(2).find(p => survivorIds.has(Buffer.from(p).toString('hex')))!
    const verdict = await audit(round, await withMaskedWith(round, 2, list => list.filter(p => !Buffer.from(p).equals(Buffer.from(other)))))
    expect(verdict).toMatchObject({ verdict: 'forged', reason: expect.stringMatching(/masked with .*, which did not mask with it/) })
  })

  it('a survivor that names a mask with itself, every signature in place', async () => {
    const self = round.peers[round.survivors[2]].identity.bytes
    const verdict = await audit(round, await withMaskedWith(round, 2, list => [...list, self].sort((a, b) => Buffer.compare(a, b))))
    expect(verdict).toMatchObject({ verdict: 'forged', reason: expect.stringMatching(/names a mask with itself/) })
  })

  it('a survivor set that lists a peer the result leaves off its participants', async () => {
    const left = round.peers[round.survivors[4]].identity.bytes
    const verdict = await audit(round, await withResult(round, result => { result.participants = result.participants.filter(p => !Buffer.from(p).equals(Buffer.from(left))) }))
    expect(verdict).toMatchObject({ verdict: 'forged', reason: 'the survivor set lists a peer outside the roster' })
  })

  it('the same masks signed again by a survivor still verify', async () => {
    // the helper's re-signing alone changes nothing the audit checks: the two cases above fail for their change
    expect((await audit(round, await withMaskedWith(round, 2, list => list))).verdict).toBe('verified')
  })

  it('a colluding survivor\'s second commitment, signed after the sum is known, does not replace its first', async () => {
    const decoded = RoundTranscript.decode(round.transcript)
    const c = round.survivors[3]
    const first = InputCommitment.decode(decoded.commitments[3].body)
    const shifted = round.uploads[c].map((y, i) => i === 5 ? y + 1 : y)
    const { commit } = await import('../../../src/protocol/verification/commitment.js')
    const second = await signedEnvelope(InputCommitment, { ...first, commitment: await commit(nodeCryptoSuite.prg, round.context, shifted) as Uint8Array<ArrayBuffer> }, round.peers[c].privateKey, SignatureDomain.inputCommitment)
    const commitments = decoded.commitments.map((envelope, i) => i === 3 ? second : envelope)
    const claimed = round.integerSum.slice()
    claimed[5] += 1
    const forged = RoundTranscript.decode(await claiming(round, claimed))
    // the survivor set the survivors signed lists the first commitment's digest: the swap is caught
    expect((await audit(round, RoundTranscript.encode({ ...forged, commitments }))).verdict).toBe('unverifiable')
  })
})

describe('a participant that lies about its masked input is excluded, never the honest aggregator', () => {
  const liar = 5
  // the liar is the one more peer the round loses, beside the partial upload
  const lying = async (tamper: UploadTamper): Promise<Round> => playRound(tamper, new Map([[PARTIAL, 'masked-input-partial']]))

  const expectExcluded = async (round: Round): Promise<void> => {
    const exclusion = round.report.aggregator.events.find(e => e.type === 'excluded')
    expect(exclusion).toMatchObject({ peer: round.peers[liar].identity.id, reason: 'invalid-commitment' })
    expect(round.survivors).not.toContain(liar)
    expect((await audit(round, round.transcript)).verdict).toBe('verified')
    const updates = gridUpdates(round.params, N, 'tamper')
    expect(Array.from(round.report.aggregator.outcome!.sum)).toEqual(Array.from(exactSum(updates, round.survivors)))
  }

  it('one value of its vector other than the one it committed to', async () => {
    await expectExcluded(await lying((chunk, sender) => {
      if (sender !== liar) return chunk
      const m = MaskedInputChunk.decode(chunk)
      if (m.offset !== 1024) return chunk
      const data = m.data.slice()
      data[0] ^= 1
      return MaskedInputChunk.encode({ ...m, data })
    }))
  })

  it('no commitment on its last chunk', async () => {
    await expectExcluded(await lying((chunk, sender) => {
      const m = MaskedInputChunk.decode(chunk)
      return sender === liar && m.commitment != null ? MaskedInputChunk.encode({ ...m, commitment: undefined }) : chunk
    }))
  })

  it('a commitment that leaves out one of the masks in its vector', async () => {
    await expectExcluded(await lying(async (chunk, sender, peers) => {
      const m = MaskedInputChunk.decode(chunk)
      if (sender !== liar || m.commitment == null) return chunk
      const body = InputCommitment.decode(m.commitment.body)
      const commitment = await signedEnvelope(InputCommitment, { ...body, maskedWith: body.maskedWith.slice(1) }, peers[liar].privateKey, SignatureDomain.inputCommitment)
      return MaskedInputChunk.encode({ ...m, commitment })
    }))
  })

  it('a commitment to another vector, validly signed', async () => {
    const { commit } = await import('../../../src/protocol/verification/commitment.js')
    await expectExcluded(await lying(async (chunk, sender, peers) => {
      const m = MaskedInputChunk.decode(chunk)
      if (sender !== liar || m.commitment == null) return chunk
      const body = InputCommitment.decode(m.commitment.body)
      const other = await commit(nodeCryptoSuite.prg, { sessionId: body.ref!.session, round: 1, attempt: 0 }, new Uint32Array(DIMENSION + 1).fill(3))
      const commitment = await signedEnvelope(InputCommitment, { ...body, commitment: other as Uint8Array<ArrayBuffer> }, peers[liar].privateKey, SignatureDomain.inputCommitment)
      return MaskedInputChunk.encode({ ...m, commitment })
    }))
  })
})
