/**
 * What verifiable secret sharing costs one participant per round, at n = 100 and n = 1000 with the
 * degree k and threshold t the finder gives for the default policy (Harary graph, dropout 0.1, corrupt
 * 0.05 of the session, malicious aggregator; the session as large as the round):
 *  - dealing: sharing the self-mask seed and the mask-key scalar among k holders with Feldman commitments
 *    to both polynomials (2t base-point multiplications, encoded with one inversion per polynomial);
 *  - verifying: for each of its k dealers, decoding their 2t commitments, checking that the mask-key
 *    commitment binds the advertised key, and the two Horner checks of its own shares;
 *  - a complaint: proving the pair's shared secret (the holder) and checking that proof (the aggregator).
 *
 * Each figure sits next to its floor, measured in the same run: the curve arithmetic alone, done in a
 * loop with the code the protocol uses for it: for complaints, @noble/curves' variable-base
 * multiplications; for dealing, ed25519.wat's base-point multiplications; for verifying, its Horner sums
 * and s B checks on points already loaded (what @noble/curves takes for the same is printed beside
 * each). A ratio near 1 says the protocol adds nothing around the curve
 * arithmetic; what it does add (decoding points, hashing, BigInt scalars) shows as the excess.
 */
import { Point } from '../src/protocol/crypto/ed25519-group.js'
import { deal, decodeCommitments, nafDigits, verifyShare } from '../src/protocol/crypto/feldman.js'
import { ed25519Kernel } from '../src/protocol/crypto/wasm/ed25519.js'
import { maskPublicKeyOf, maskSecretKey, randomMaskScalar } from '../src/protocol/crypto/mask-key.js'
import { deterministicRandom } from '../src/protocol/crypto/random.js'
import { randomScalar, randomSecret, scalarToBytes } from '../src/protocol/crypto/shamir.js'
import { proveSharedSecret, verifySharedSecret } from '../src/protocol/crypto/shared-secret-proof.js'
import { nodeX25519 } from '../src/protocol/crypto/x25519-node.js'
import { constantTimeEqual, utf8 } from '../src/protocol/crypto/bytes.js'
import { DEFAULT_ENCODING, resolveEncoding } from '../src/protocol/encoding/params.js'
import { DEFAULT_GRAPH, graphParametersFor } from '../src/protocol/round/params.js'
import { median } from './floors.js'
import type { BenchResult } from './result.js'

const REPEATS = 5
const random = deterministicRandom('vss-cost')

/** The holders' x-coordinates of one dealer: k of 1..n, spread out, so their bit lengths are typical. */
function holderXs (n: number, k: number): number[] {
  return Array.from({ length: k }, (_, i) => 1 + Math.floor(i * n / k))
}

function time (run: () => void): number {
  const started = performance.now()
  run()
  return performance.now() - started
}

/**
 * Milliseconds of `count` base-point multiplications by random scalars: the constant-time kind a dealer
 * uses on its secret coefficients, or the variable-time kind a holder uses on its public share.
 */
function baseMultiplications (count: number, kind: 'secret' | 'public' = 'secret'): number {
  const scalars = Array.from({ length: count }, () => randomScalar(random))
  if (kind === 'public') return time(() => { for (const s of scalars) Point.BASE.multiplyUnsafe(s) })
  return time(() => { for (const s of scalars) Point.BASE.multiply(s) })
}

/** Milliseconds of `doublings` doublings and `additions` additions of points in general position. */
function doublingsAndAdditions (doublings: number, additions: number): number {
  const p = Point.BASE.multiply(randomScalar(random))
  const q = Point.BASE.multiply(randomScalar(random))
  return time(() => {
    let acc = p
    for (let i = 0; i < doublings; i++) acc = acc.double()
    for (let i = 0; i < additions; i++) acc = acc.add(q)
  })
}

/** Milliseconds of `count` base-point multiplications by random secret scalars in ed25519.wat, as a dealer commits. */
function kernelBaseMultiplications (count: number): number {
  const kernel = ed25519Kernel()
  if (kernel === undefined) throw new Error('vss-cost: WebAssembly is missing')
  const scalars = Array.from({ length: count }, () => scalarToBytes(randomScalar(random)))
  return time(() => { for (const s of scalars) kernel.baseMultiply(s) })
}

/** Milliseconds of `count` Horner checks by ed25519.wat of holder xs[holder]'s share, on one polynomial of t commitments loaded once. */
function kernelChecks (count: number, t: number, xs: number[], holder: number): number {
  const kernel = ed25519Kernel()
  if (kernel === undefined) throw new Error('vss-cost: WebAssembly is missing')
  const { commitments, shares } = deal(randomSecret(random), xs, t, random)
  kernel.load(commitments)
  const digits = nafDigits(xs[holder])
  return time(() => {
    for (let i = 0; i < count; i++) {
      kernel.horner(digits)
      if (!kernel.commits(shares[holder])) throw new Error('vss-cost: a share failed its check')
    }
  })
}

/** Milliseconds of `count` variable-base multiplications by random scalars. */
function variableMultiplications (count: number): number {
  const p = Point.BASE.multiply(randomScalar(random))
  const scalars = Array.from({ length: count }, () => randomScalar(random))
  return time(() => { for (const s of scalars) p.multiplyUnsafe(s) })
}

/** The doublings and additions of one Horner check at x with t coefficients (signed binary digits of x), and its final 3 doublings. */
function hornerOperations (x: number, t: number): { doublings: number, additions: number } {
  let digits = 0
  let nonzero = 0
  for (let v = x; v > 0; v /= 2) {
    digits++
    if (v % 2 === 1) {
      nonzero++
      v -= 2 - (v % 4)
    }
  }
  // per coefficient below the top: x * P (digits - 1 doublings, nonzero - 1 additions) and + C_i; then s*B - sum
  return { doublings: (t - 1) * (digits - 1) + 3, additions: (t - 1) * nonzero + 1 }
}

interface Dealer {
  selfMask: Uint8Array[]
  maskKey: Uint8Array[]
  maskPublic: Uint8Array
  shares: { selfMask: Uint8Array, maskKey: Uint8Array }
}

async function dealers (count: number, xs: number[], t: number, holder: number): Promise<Dealer[]> {
  const out: Dealer[] = []
  for (let j = 0; j < count; j++) {
    const m = randomMaskScalar(random)
    const selfMask = deal(randomSecret(random), xs, t, random)
    const maskKey = deal(scalarToBytes(m), xs, t, random)
    out.push({
      selfMask: selfMask.commitments,
      maskKey: maskKey.commitments,
      maskPublic: await nodeX25519.publicKey(maskSecretKey(m)),
      shares: { selfMask: selfMask.shares[holder], maskKey: maskKey.shares[holder] }
    })
  }
  return out
}

async function costsAt (n: number): Promise<BenchResult[]> {
  const encoding = resolveEncoding({ ...DEFAULT_ENCODING, maxParticipants: n })
  const { degree: k, threshold: t } = graphParametersFor({ graph: DEFAULT_GRAPH, encoding }, n)
  const xs = holderXs(n, k)
  const holder = k >> 1
  const x = xs[holder]
  const from = await dealers(k, xs, t, holder)

  const dealRuns: number[] = []
  const dealFloors: number[] = []
  const nobleDealFloors: number[] = []
  const verifyRuns: number[] = []
  const verifyFloors: number[] = []
  const nobleFloors: number[] = []
  const horner = hornerOperations(x, t)
  for (let r = 0; r < REPEATS; r++) {
    dealFloors.push(kernelBaseMultiplications(2 * t))
    nobleDealFloors.push(baseMultiplications(2 * t))
    const seed = randomSecret(random)
    const m = scalarToBytes(randomMaskScalar(random))
    dealRuns.push(time(() => {
      deal(seed, xs, t, random)
      deal(m, xs, t, random)
    }))

    verifyFloors.push(kernelChecks(2 * k, t, xs, holder))
    nobleFloors.push(baseMultiplications(2 * k, 'public') + doublingsAndAdditions(2 * k * horner.doublings, 2 * k * horner.additions))
    verifyRuns.push(time(() => {
      for (const dealer of from) {
        const selfMask = decodeCommitments(dealer.selfMask, t)
        const maskKey = decodeCommitments(dealer.maskKey, t)
        if (!constantTimeEqual(maskPublicKeyOf(maskKey.point(0))!, dealer.maskPublic)) throw new Error('the binding failed')
        if (!verifyShare(selfMask, x, dealer.shares.selfMask) || !verifyShare(maskKey, x, dealer.shares.maskKey)) throw new Error('a share failed')
      }
    }))
  }
  return [
    {
      name: `vss-deal-n${n}`,
      value: median(dealRuns),
      unit: 'ms',
      floor: median(dealFloors),
      detail: `k = ${k}, t = ${t}: both secrets shared among k holders, with 2t = ${2 * t} commitments; floor: 2t base-point multiplications ` +
        `in ed25519.wat (@noble/curves' constant-time ones: ${median(nobleDealFloors).toFixed(1)} ms)`
    },
    {
      name: `vss-verify-n${n}`,
      value: median(verifyRuns),
      unit: 'ms',
      floor: median(verifyFloors),
      detail: `k = ${k} dealers, t = ${t}, holder x = ${x}: 2kt = ${2 * k * t} points decoded, k bindings, 2k Horner checks; ` +
        `floor: the 2k checks' Horner sums and s B alone in ed25519.wat (@noble/curves: their 2k base-point multiplications, ` +
        `${2 * k * horner.doublings} doublings and ${2 * k * horner.additions} additions alone, ${median(nobleFloors).toFixed(1)} ms)`
    }
  ]
}

async function complaintCost (): Promise<BenchResult[]> {
  const holderSecret = random(32).slice()
  const dealerSecret = random(32).slice()
  const holderPublic = await nodeX25519.publicKey(holderSecret)
  const dealerPublic = await nodeX25519.publicKey(dealerSecret)
  const context = utf8('vss-cost complaint')
  const proveRuns: number[] = []
  const checkRuns: number[] = []
  const floors: number[] = []
  for (let r = 0; r < REPEATS; r++) {
    let proof: Uint8Array = new Uint8Array(0)
    proveRuns.push(time(() => { proof = proveSharedSecret(holderSecret, dealerPublic, context, random).proof }))
    checkRuns.push(time(() => verifySharedSecret(holderPublic, dealerPublic, context, proof)))
    // checking: a torsion test of the revealed point and three more variable-base multiplications
    floors.push(variableMultiplications(4) + baseMultiplications(1, 'public'))
  }
  return [
    { name: 'vss-complaint-prove', value: median(proveRuns), unit: 'ms', floor: median(floors), detail: 'a holder proves the X25519 secret it shares with a dealer; floor: 4 variable-base and 1 base-point multiplication' },
    { name: 'vss-complaint-check', value: median(checkRuns), unit: 'ms', floor: median(floors), detail: 'the aggregator (or anyone) checks that proof; floor: the same' }
  ]
}

export async function vssCost (sizes: number[] = [100, 1000]): Promise<BenchResult[]> {
  const results: BenchResult[] = []
  for (const n of sizes) results.push(...await costsAt(n))
  results.push(...await complaintCost())
  return results
}
