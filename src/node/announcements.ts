/**
 * Screening of aggregators' announcements and results before a participant acts on them. A participant
 * aborts its attempt on a bad announcement from its aggregator, and on a result that comes before its
 * unmask phase (the round ended without it), so anything that merely names that aggregator (a forgery
 * on the session topic, a replay from an earlier round or attempt) must be dropped here, or any peer
 * could end attempts at will.
 */
import { Announcement, RoundResult, Signed } from '../protocol/pb/messages.js'
import { equalBytes } from '../protocol/crypto/bytes.js'
import { SignatureDomain, verify, type Identity } from '../protocol/crypto/identity.js'

export interface AttemptRef {
  session: Uint8Array
  round: number
  attempt: number
  beacon: Uint8Array
}

/** The aggregator an announcement names, if it decodes and is for this attempt; undefined otherwise. */
export function announcerOf (bytes: Uint8Array, ref: AttemptRef): Uint8Array | undefined {
  try {
    const announcement = Announcement.decode(Signed.decode(bytes).body)
    const r = announcement.ref
    if (r == null || !equalBytes(r.session, ref.session) || r.round !== BigInt(ref.round) || r.attempt !== ref.attempt) return undefined
    if (!equalBytes(announcement.beacon, ref.beacon)) return undefined
    return announcement.aggregator
  } catch {
    return undefined
  }
}

/** Whether a signed result names this attempt (its signature and contents are the participant's to check). */
export function isResultFor (bytes: Uint8Array, ref: Omit<AttemptRef, 'beacon'>): boolean {
  try {
    const r = RoundResult.decode(Signed.decode(bytes).body).ref
    return r != null && equalBytes(r.session, ref.session) && r.round === BigInt(ref.round) && r.attempt === ref.attempt
  } catch {
    return false
  }
}

/** Until when (Unix ms) an announcement's aggregator takes keys: its advertise-keys deadline. */
export function keysTakenUntil (bytes: Uint8Array): number | undefined {
  try {
    const deadline = Announcement.decode(Signed.decode(bytes).body).deadlines[0]
    return deadline === undefined ? undefined : Number(deadline)
  } catch {
    return undefined
  }
}

/** True when `aggregator` signed this announcement for this attempt. */
export async function isAnnouncementBy (bytes: Uint8Array, aggregator: Identity, ref: AttemptRef): Promise<boolean> {
  const announcer = announcerOf(bytes, ref)
  if (announcer === undefined || !equalBytes(announcer, aggregator.bytes)) return false
  const signed = Signed.decode(bytes)
  return verify(aggregator, SignatureDomain.announcement, signed.body, signed.signature)
}

/**
 * Announcements that arrive while a peer still gathers its view, one per announcer: the peer cannot
 * tell yet whom it will follow, and the aggregator sends its announcement directly only once. Only
 * signed announcements by members of the view are kept, so the store stays as small as the view and
 * no forgery can displace the real one.
 */
export class EarlyAnnouncements {
  private readonly byAnnouncer = new Map<string, Uint8Array>()

  async keep (bytes: Uint8Array, ref: AttemptRef, view: Identity[]): Promise<void> {
    const announcer = announcerOf(bytes, ref)
    const member = announcer === undefined ? undefined : view.find(m => equalBytes(m.bytes, announcer))
    if (member === undefined || this.byAnnouncer.has(member.id)) return
    if (await isAnnouncementBy(bytes, member, ref)) this.byAnnouncer.set(member.id, bytes)
  }

  take (announcer: Identity): Uint8Array | undefined {
    return this.byAnnouncer.get(announcer.id)
  }
}
