/**
 * Screening of announcements and results before a participant acts on them. A participant aborts its
 * attempt on a bad announcement from its aggregator, and on a result that comes before its unmask phase
 * (the round ended without it), so anything that merely names that aggregator (a forgery on the session
 * topic, a replay from an earlier round or attempt) must be dropped here, or any peer could end attempts
 * at will. Every number read here is checked to fit a JavaScript number exactly.
 */
import { constantTimeEqual, equalBytes } from '../crypto/bytes.js'
import { SignatureDomain, verify, type Identity } from '../crypto/identity.js'
import { Announcement, RoundResult, RoundTranscript, Signed } from '../pb/messages.js'
import { TRANSCRIPT_LIMITS } from '../verification/audit.js'
import { safeNumber } from './numbers.js'

/** What an announcement says about itself, before anyone checks its signature. */
export interface AnnouncementHeader {
  session: Uint8Array
  round: number
  attempt: number
  aggregator: Uint8Array
  beacon: Uint8Array
  /** Until when (Unix ms) its aggregator takes keys: its advertise-keys deadline. */
  keysUntil: number
}

/** Reads an announcement's header; undefined when it does not decode or holds unusable numbers. */
export function announcementHeader (bytes: Uint8Array): AnnouncementHeader | undefined {
  try {
    const announcement = Announcement.decode(Signed.decode(bytes).body)
    const ref = announcement.ref
    if (ref == null) return undefined
    const round = safeNumber(ref.round)
    const keysUntil = announcement.deadlines[0] === undefined ? undefined : safeNumber(announcement.deadlines[0])
    if (round === undefined || round < 1 || keysUntil === undefined) return undefined
    return { session: ref.session, round, attempt: ref.attempt, aggregator: announcement.aggregator, beacon: announcement.beacon, keysUntil }
  } catch {
    return undefined
  }
}

/** An attempt as the screening sees it. */
export interface AttemptRef {
  session: Uint8Array
  round: number
  attempt: number
  beacon: Uint8Array
}

/** True when `aggregator` signed this announcement for exactly this attempt and beacon. */
export async function isAnnouncementBy (bytes: Uint8Array, aggregator: Identity, ref: AttemptRef): Promise<boolean> {
  const header = announcementHeader(bytes)
  if (header === undefined || !equalBytes(header.session, ref.session) || header.round !== ref.round || header.attempt !== ref.attempt) return false
  if (!constantTimeEqual(header.beacon, ref.beacon) || !equalBytes(header.aggregator, aggregator.bytes)) return false
  const signed = Signed.decode(bytes)
  return verify(aggregator, SignatureDomain.announcement, signed.body, signed.signature)
}

/** The round and attempt a result names (as it travels: in its transcript), if it decodes with usable numbers. */
export function resultRef (bytes: Uint8Array): { session: Uint8Array, round: number, attempt: number } | undefined {
  try {
    const ref = RoundResult.decode(Signed.decode(RoundTranscript.decode(bytes, { limits: TRANSCRIPT_LIMITS }).result).body).ref
    const round = ref == null ? undefined : safeNumber(ref.round)
    return ref == null || round === undefined ? undefined : { session: ref.session, round, attempt: ref.attempt }
  } catch {
    return undefined
  }
}
