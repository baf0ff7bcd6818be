/**
 * What a session must remember across a restart, and its file form. The promises a peer made to the
 * network outlive its process: once its masked input for a round has gone out, the same update may only
 * be summed again with the same rounding and, once it revealed unmask shares, only over the same
 * survivors; and an attempt it made keys in must never be joined again. A crash that forgot these could
 * let two sums differ by one input. The core emits the record (a `persist` action) before the message
 * that makes each promise.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { frame, fromHex, toHex, u32be } from '../crypto/bytes.js'
import type { PrivacyLedger } from '../dp/budget.js'

/** The round this peer's update is in, once something of it went out. */
export interface RoundLedger {
  round: number
  /** SHA-256 of the session, the update's bytes and its weight: only the same update may go on. */
  fingerprint: Uint8Array
  /** The update's stochastic rounding, the same in every attempt, so sums differ only by whole inputs. */
  roundingSeed: Uint8Array
  /** Attempts this peer made keys in: none may be joined again. */
  joined: number[]
  /** Attempts its masked input went out in: a result of one of them naming it a survivor is its own. */
  maskedIn: number[]
  /** The survivors of the first attempt it revealed unmask shares in: no later attempt may sum others. */
  required?: string[]
}

export interface SessionRecord {
  /** The latest result adopted, as it travels (its transcript, which holds the signed result): the next round's beacon comes from it. */
  latest?: Uint8Array
  round?: RoundLedger
  /** A DP session's spending: every round this peer's noisy input went out in. Never forgotten. */
  privacy?: PrivacyLedger
}

/** A ledger file that cannot be used; the message says what is wrong with it. */
export class InvalidSessionRecordError extends Error {
  static override name = 'InvalidSessionRecordError'
  override name = InvalidSessionRecordError.name
}

const FINGERPRINT_LABEL = 'libp2p-secagg/1/update-fingerprint'

/**
 * The fingerprint of an update in a session: of its values and weight, and of the name its caller gave
 * it. The name tells a resubmission after a restart (the same name) from a new update that happens to
 * have the same values, as a peer with nothing new to learn from sends: by values alone, the second
 * was taken for the first, and settled with the first's round. `hash` is SHA-256 (the crypto suite's,
 * where it has a native one: @noble/hashes' took 17 ms for an update of a million coordinates).
 */
export function updateFingerprint (sessionId: Uint8Array, update: Float32Array, weight: number, updateId: string, hash: (bytes: Uint8Array) => Uint8Array = sha256): Uint8Array {
  const weightBytes = new Uint8Array(new Float64Array([weight]).buffer)
  return hash(frame([FINGERPRINT_LABEL, sessionId, u32be(update.length), new Uint8Array(update.buffer, update.byteOffset, update.byteLength), weightBytes, new TextEncoder().encode(updateId)]))
}

/** The ledgers (the round's and the privacy spending) as JSON text, for a file. */
export function encodeSessionLedger ({ round, privacy }: Omit<SessionRecord, 'latest'>): string {
  return JSON.stringify({
    version: 1,
    ...(privacy !== undefined ? { privacy: { spent: privacy.spent.map(s => ({ round: s.round, ...(s.survivors !== undefined ? { survivors: s.survivors } : {}) })) } } : {}),
    ...(round !== undefined
      ? {
          round: {
            round: round.round,
            fingerprint: toHex(round.fingerprint),
            roundingSeed: toHex(round.roundingSeed),
            joined: round.joined,
            maskedIn: round.maskedIn,
            ...(round.required !== undefined ? { required: round.required } : {})
          }
        }
      : {})
  })
}

function fail (message: string): never {
  throw new InvalidSessionRecordError(`session record: ${message}`)
}

function hex (value: unknown, field: string, length: number): Uint8Array {
  if (typeof value !== 'string') fail(`${field} is not a hex string`)
  let bytes: Uint8Array
  try {
    bytes = fromHex(value)
  } catch {
    fail(`${field} is not a hex string`)
  }
  if (bytes.length !== length) fail(`${field} is not ${length} bytes`)
  return bytes
}

function attempts (value: unknown, field: string): number[] {
  if (!Array.isArray(value) || !value.every(n => Number.isInteger(n) && n >= 0 && n <= 0xffffffff)) fail(`${field} is not a list of attempt numbers`)
  return value
}

function privacyLedger (value: unknown): PrivacyLedger {
  const spent = (value as { spent?: unknown } | null)?.spent
  if (!Array.isArray(spent)) fail('privacy.spent is not a list')
  return {
    spent: spent.map((s: any, i) => {
      if (s === null || typeof s !== 'object' || !Number.isSafeInteger(s.round) || s.round < 1) fail(`privacy.spent[${i}].round is not a round number`)
      if (s.survivors !== undefined && !(Number.isSafeInteger(s.survivors) && s.survivors >= 1)) fail(`privacy.spent[${i}].survivors is not a count of peers`)
      return { round: s.round, ...(s.survivors !== undefined ? { survivors: s.survivors } : {}) }
    })
  }
}

/** Parses a ledger file; throws InvalidSessionRecordError naming the field that is wrong. */
export function decodeSessionLedger (text: string): Omit<SessionRecord, 'latest'> {
  let json: any
  try {
    json = JSON.parse(text)
  } catch (err: any) {
    fail(`not JSON: ${err.message}`)
  }
  if (json === null || typeof json !== 'object' || json.version !== 1) fail('not a version 1 record')
  const privacy = json.privacy === undefined ? {} : { privacy: privacyLedger(json.privacy) }
  if (json.round === undefined) return privacy
  const r = json.round
  if (r === null || typeof r !== 'object') fail('round is not an object')
  if (!Number.isSafeInteger(r.round) || r.round < 1) fail('round.round is not a round number')
  if (r.required !== undefined && !(Array.isArray(r.required) && r.required.every((id: unknown) => typeof id === 'string'))) fail('round.required is not a list of peer ids')
  return {
    ...privacy,
    round: {
      round: r.round,
      fingerprint: hex(r.fingerprint, 'round.fingerprint', 32),
      roundingSeed: hex(r.roundingSeed, 'round.roundingSeed', 16),
      joined: attempts(r.joined, 'round.joined'),
      maskedIn: attempts(r.maskedIn, 'round.maskedIn'),
      ...(r.required !== undefined ? { required: r.required } : {})
    }
  }
}
