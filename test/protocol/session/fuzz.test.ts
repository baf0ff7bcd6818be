/**
 * Fuzzing the session core's inputs: 10,000 messages, notices, fetched results and upload chunks, built
 * by damaging a recorded round's real traffic (bit flips, cuts, splices, random routes and numbers up to
 * 2^64, senders inside and outside the session), fed to a member while its own round runs. No input may
 * throw out of the core or be handled by its internal-error path, and no result but the round's genuine
 * one may be adopted.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { deterministicRandom } from '../../../src/protocol/crypto/random.js'
import { simulatedPeers } from '../../../src/simulation/peers.js'
import { startSimulation, updateFor } from '../../support/session-fixtures.js'
import type { Delivery, SessionSimulation } from '../../../src/simulation/session-simulation.js'
import type { MessageType } from '../../../src/protocol/round/events.js'
import type { Identity } from '../../../src/protocol/crypto/identity.js'

const CASES = 10_000
const TYPES: MessageType[] = ['announcement', 'key-advertisement', 'roster', 'neighbour-keys', 'share-keys', 'share-delivery', 'masked-input', 'survivor-set', 'consistency-signature', 'consistency-proof', 'unmask-shares', 'result']
const NUMBERS = [0n, 1n, 2n, 3n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n]

let recorded: Array<Extract<Delivery, { kind: 'message' }>>
let announcements: Uint8Array[]
let outsiders: Identity[]

beforeAll(async () => {
  const sim = await startSimulation(5, 'session-fuzz')
  recorded = []
  announcements = []
  ;(sim as any).options.observe = (d: Delivery) => {
    if (d.kind === 'message') recorded.push(d)
    if (d.kind === 'notice' && d.announcement !== undefined) announcements.push(d.announcement)
  }
  sim.members.forEach((_, i) => sim.submit(i, updateFor(i, 1)))
  await sim.runUntilSettled([0, 1, 2, 3, 4])
  outsiders = (await simulatedPeers(2, 'session-fuzz/outsiders')).map(p => p.identity)
})

/** Damages bytes the way a broken or hostile peer might. */
function damage (random: (n: number) => Uint8Array, bytes: Uint8Array, other: Uint8Array): Uint8Array {
  const pick = random(1)[0] % 7
  // a replay, undamaged, out of its context
  if (pick === 6) return bytes
  const at = bytes.length === 0 ? 0 : (random(4).reduce((a, b) => a * 256 + b, 0) % bytes.length)
  const out = Uint8Array.from(bytes)
  switch (pick) {
    case 0: if (out.length > 0) out[at] ^= 1 << (random(1)[0] % 8); return out
    case 1: return out.subarray(0, at)
    case 2: return Uint8Array.from([...out, ...random(1 + random(1)[0] % 64)])
    case 3: return random(random(1)[0] % 200)
    case 4: return Uint8Array.from([...out.subarray(0, at), ...other.subarray(at)])
    default: for (let i = 0; i < 1 + random(1)[0] % 8; i++) out[random(2).reduce((a, b) => a * 256 + b, 0) % Math.max(1, out.length)] = random(1)[0]; return out
  }
}

describe('the session core under fuzzed input', () => {
  it(`takes ${CASES} damaged messages, notices, results and chunks without an exception, an internal error or a forged adoption`, async () => {
    const sim: SessionSimulation = await startSimulation(5, 'session-fuzz')
    sim.members.forEach((_, i) => sim.submit(i, updateFor(i, 1)))
    const target = sim.members[0]
    const random = deterministicRandom('session-fuzz/cases')
    const genuineResults = new Set<string>()
    const senders = [...sim.members.map(m => m.peer.identity), ...outsiders]
    const results = recorded.filter(d => d.type === 'result')
    let thrown = 0
    for (let i = 0; i < CASES; i++) {
      const core = target.core!
      const base = recorded[random(2).reduce((a, b) => a * 256 + b, 0) % recorded.length]
      const other = recorded[random(2).reduce((a, b) => a * 256 + b, 0) % recorded.length]
      const from = senders[random(1)[0] % senders.length]
      const bytes = damage(random, base.bytes, other.bytes)
      const route = random(1)[0] % 3 === 0
        ? { session: sim.session.id, round: Number(NUMBERS[random(1)[0] % NUMBERS.length] % 2n ** 53n), attempt: random(1)[0] % 4 }
        : base.route
      const kind = random(1)[0] % 5
      try {
        if (kind === 0) await core.message(from, route, TYPES[random(1)[0] % TYPES.length], bytes)
        else if (kind === 1) await core.message(from, route, base.type, bytes)
        else if (kind === 2) await core.notice(from, [
          { presence: { latestRound: NUMBERS[random(1)[0] % NUMBERS.length], ready: true } },
          { announcement: damage(random, announcements[random(1)[0] % announcements.length], bytes), result: { round: NUMBERS[random(1)[0] % NUMBERS.length], attempt: 0 } },
          { peerLost: { round: NUMBERS[random(1)[0] % NUMBERS.length], attempt: random(1)[0] % 4, peer: random(1)[0] % 2 === 0 ? bytes : sim.members[random(1)[0] % sim.members.length].peer.identity.bytes } },
          { closedRound: NUMBERS[random(1)[0] % NUMBERS.length] }
        ][random(1)[0] % 4])
        else if (kind === 3) await core.fetched(from, damage(random, results[random(1)[0] % results.length].bytes, bytes))
        else await core.uploadChunk(from, route, bytes)
      } catch (err) {
        if (thrown++ === 0) console.log(err)
      }
      // Let the member's own round go on between inputs now and then.
      if (i % 500 === 0) await sim.run(() => false, 300)
    }
    await sim.runUntilSettled([1, 2, 3, 4], 60_000)
    for (const member of sim.members) for (const result of member.settled.values()) genuineResults.add(Buffer.from(result.signedResult).toString('hex'))
    expect(thrown).toBe(0)
    expect(sim.internalErrors()).toEqual([])
    const latest = target.core!.latestResult
    if (latest !== undefined) expect(genuineResults.has(Buffer.from(latest.signedResult).toString('hex'))).toBe(true)
  }, 120_000)
})
