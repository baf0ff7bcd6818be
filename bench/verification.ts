/**
 * What makes a round's sum verifiable costs, in the round of round-costs.ts (n = 100, d = 1,000,000,
 * 10% of peers dropping out after sharing keys): a participant's commitment to its masked vector and
 * its signature, the aggregator's check of every upload against its commitment, a full audit of the
 * round's transcript, and the bytes the commitment adds to an upload.
 *
 * The floors are the AES-CTR keystream floors (floors.ts) of the same masks, not the protocol's masking
 * and unmasking replayed: those now commit and check as they go, so a replay would hold the very work
 * measured against it.
 */
import { randomBytes } from 'node:crypto'
import { nodeCryptoSuite } from '../src/protocol/crypto/suite-node.js'
import { toHex } from '../src/protocol/crypto/bytes.js'
import { SignatureDomain } from '../src/protocol/crypto/identity.js'
import { InputCommitment, MaskedInputChunk, RoundResult, RoundTranscript, Signed } from '../src/protocol/pb/messages.js'
import { MASKED_CHUNK_COORDINATES } from '../src/protocol/round/participant/masked-input.js'
import { signedEnvelope } from '../src/protocol/round/wire.js'
import { auditTranscript, forgetAudits } from '../src/protocol/verification/audit.js'
import { Committer, COMMITMENT_ROWS, FIELDS, jsBlockKernel } from '../src/protocol/verification/commitment.js'
import { simdBlockKernel } from '../src/protocol/crypto/wasm/ntt.js'
import { RING_DEGREE } from '../src/protocol/verification/ntt.js'
import { UploadCheck } from '../src/protocol/verification/upload-check.js'
import { simulateRound } from '../src/simulation/simulation.js'
import { keystreamAddFloor, median, vectorAddFloor } from './floors.js'
import { benchRound, SEED } from './bench-round.js'
import type { BenchResult } from './result.js'

/** Each repeat audits the whole round once, over a second of work. */
const REPEATS = 3

export async function verification (n = 100, dimension = 1_000_000): Promise<BenchResult[]> {
  // The round of round-costs.ts, recorded once for a real transcript and a real last chunk.
  const { params, peers, dropped, updates } = await benchRound(n, dimension)
  const client = 1
  let lastChunk: Uint8Array | undefined
  const simulating = performance.now()
  const report = await simulateRound({
    params, peers, updates, aggregator: 0, crypto: nodeCryptoSuite, drops: dropped, seed: SEED,
    // a participant's chunks arrive in order, so the last one seen is the one with its commitment
    observe: (d) => { if (d.from === client && d.type === 'masked-input') lastChunk = d.bytes }
  })
  const simulatedSeconds = (performance.now() - simulating) / 1000
  const outcome = report.aggregator.outcome
  if (outcome?.transcript === undefined) throw new Error(`benchmark round gave no transcript: ${report.aggregator.abort?.message}`)
  const transcriptBytes = outcome.transcript

  const chunk = MaskedInputChunk.decode(lastChunk!)
  const signedBody = InputCommitment.decode(chunk.commitment!.body)
  const commitmentField = lastChunk!.length - MaskedInputChunk.encode({ ...chunk, commitment: undefined }).length
  // Each peer receiving the result gets its carries, and, as the result travels inside the transcript,
  // the rest of the transcript too: this much more than a result without carries.
  const carries = RoundResult.decode(Signed.decode(outcome.signedResult).body).carries.length
  const resultGrowth = transcriptBytes.length - outcome.signedResult.length + carries
  const clientMasks = 1 + signedBody.maskedWith.length
  // What the aggregator removes and the auditor rebuilds: each survivor's self mask, and its pairwise
  // masks with peers that dropped.
  const commitments = RoundTranscript.decode(transcriptBytes).commitments.map(e => InputCommitment.decode(e.body))
  const surviving = new Set(commitments.map(c => toHex(c.peer)))
  const survivors = commitments.length
  const pairwise = commitments.reduce((sum, c) => sum + c.maskedWith.filter(p => !surviving.has(toHex(p))).length, 0)

  const bits = params.encoding.modulusBits
  const total = dimension + 1
  // The commitment and the check cost the same whatever the values: one random m-bit vector stands for every upload.
  const values = Uint32Array.from({ length: total }, () => Math.floor(Math.random() * 2 ** bits))
  const context = { sessionId: params.sessionId, round: 1, attempt: 0 }
  const target = new Uint32Array(total)
  const clientRuns: number[] = []
  const clientFloors: number[] = []
  const nttRuns: number[] = []
  const aggregatorRuns: number[] = []
  const auditRuns: number[] = []
  const unmaskFloors: number[] = []
  for (let r = 0; r < REPEATS; r++) {
    clientFloors.push(keystreamAddFloor(target.length, clientMasks))
    let started = performance.now()
    const committer = new Committer(nodeCryptoSuite.prg, context, total)
    for (let offset = 0; offset < total; offset += MASKED_CHUNK_COORDINATES) await committer.absorb(values.subarray(offset, offset + MASKED_CHUNK_COORDINATES))
    await signedEnvelope(InputCommitment, { ...signedBody, commitment: await committer.finish() as Uint8Array<ArrayBuffer> }, peers[client].privateKey, SignatureDomain.inputCommitment)
    clientRuns.push(performance.now() - started)
    nttRuns.push(nttMs(values))

    unmaskFloors.push(keystreamAddFloor(target.length, survivors + pairwise) + vectorAddFloor(target.length, survivors))
    started = performance.now()
    const check = await UploadCheck.create(nodeCryptoSuite.prg, context, total, randomBytes(32))
    for (let u = 0; u < survivors; u++) {
      const digest = check.start()
      for (let offset = 0; offset < total; offset += MASKED_CHUNK_COORDINATES) check.absorb(digest, offset, values.subarray(offset, offset + MASKED_CHUNK_COORDINATES))
    }
    aggregatorRuns.push(performance.now() - started)

    // each repeat a whole audit, as a peer meeting the transcript once pays it, not the cache's verdict
    forgetAudits()
    started = performance.now()
    const audit = await auditTranscript(transcriptBytes, params, nodeCryptoSuite)
    auditRuns.push(performance.now() - started)
    if (audit.verdict !== 'verified') throw new Error(`the benchmark round's transcript audits as ${audit.verdict}: ${'reason' in audit ? audit.reason : ''}`)
  }

  const unmask = `aggregator's unmask floor: keystreams of ${survivors} self + ${pairwise} pairwise masks, ${survivors} vector adds`
  return [
    { name: 'verify-client', value: median(clientRuns), unit: 'ms', floor: median(clientFloors), detail: `commit to ${total} ${bits}-bit values (NTT ${Math.round(median(nttRuns))} ms of it) and sign, against ${clientMasks} masks' keystream floor` },
    { name: 'verify-aggregator', value: median(aggregatorRuns), unit: 'ms', floor: median(unmaskFloors), detail: `UploadCheck.create and ${survivors} uploads absorbed (the check alone: in a round it runs in one pass with unpacking and summing, inside aggregator-unmask), against the ${unmask}` },
    { name: 'verify-auditor', value: median(auditRuns), unit: 'ms', floor: median(unmaskFloors), detail: `auditTranscript (round simulated once, ${Math.round(simulatedSeconds)} s), against the ${unmask}` },
    { name: 'verify-bytes', value: commitmentField, unit: 'bytes', floor: report.bytesSent[client], detail: `signed commitment field of the last chunk, against one participant's whole round; each result receiver gets ${resultGrowth} more: ${carries} of carries, and the ${transcriptBytes.length}-byte transcript around the result` }
  ]
}

/**
 * Milliseconds of the transforms a commitment to `values` makes, one per block of 1024 and prime, in the
 * block kernel a Committer uses (WebAssembly SIMD where the runtime has it).
 */
function nttMs (values: Uint32Array): number {
  const kernel = simdBlockKernel(FIELDS, COMMITMENT_ROWS) ?? jsBlockKernel()
  const started = performance.now()
  for (let at = 0; at < values.length; at += RING_DEGREE) {
    const block = values.subarray(at, at + RING_DEGREE)
    kernel.pending.set(block)
    kernel.pending.fill(0, block.length)
    for (let f = 0; f < FIELDS.length; f++) kernel.forward(f)
  }
  return performance.now() - started
}
