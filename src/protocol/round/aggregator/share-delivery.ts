/**
 * The aggregator's share deliveries, encoded by hand into one array each: the bytes protons'
 * ShareDelivery.encode gives (share-delivery.test.ts checks it on any delivery), at a fraction of its
 * cost.
 *
 * Why: at the close of share-keys an aggregator of n peers on a complete graph encodes n deliveries
 * of n - 1 dealers each, every one with its dealer's signed commitments: 9,900 DealtShares and 35 MB at
 * n = 100. protons writes each field through its writer's list of operations, about 26 per dealer.
 * Timed on such deliveries on the 2-core machine, best of nine, four times: protons 36-58 ms, this
 * 13-17 ms, and copying the same bytes into one array per delivery, nothing else, 8-10 ms.
 */
import { encodeUint8Array, encodingLength } from 'uint8-varint'
import { RoundRef, Signed, type DealtShares } from '../../pb/messages.js'

/** Wire tags: field number << 3 | 2 (length-delimited), as messages.proto numbers the fields. */
const DELIVERY_REF = 0x0a
const DELIVERY_DEALER = 0x12
const DEALT_COMMITMENTS = 0x0a
const DEALT_SHARE = 0x12
const DEALT_PATH = 0x1a

/** A length-delimited field's size: tag, length, bytes. */
function fieldLength (bytes: number): number {
  return 1 + encodingLength(bytes) + bytes
}

class Output {
  private at = 0
  constructor (readonly bytes: Uint8Array) {}

  /** A tag and a length: the head of a length-delimited field. */
  head (tag: number, length: number): void {
    this.bytes[this.at++] = tag
    encodeUint8Array(length, this.bytes, this.at)
    this.at += encodingLength(length)
  }

  field (tag: number, bytes: Uint8Array): void {
    this.head(tag, bytes.length)
    this.bytes.set(bytes, this.at)
    this.at += bytes.length
  }
}

/**
 * Encodes deliveries that share their dealers' signed commitments: each Signed is encoded once, the
 * first time a delivery holds it, and copied into every delivery after. So a Signed must not change
 * while its encoder is in use: closeShareKeys keeps one for the deliveries of one close.
 */
export class ShareDeliveryEncoder {
  private readonly signed = new Map<Signed, Uint8Array>()
  private readonly ref: Uint8Array

  constructor (ref: RoundRef) {
    this.ref = RoundRef.encode(ref)
  }

  /** ShareDelivery.encode({ ref, dealers }), byte for byte. */
  encode (dealers: readonly DealtShares[]): Uint8Array {
    const commitments = dealers.map(dealt => this.commitmentsOf(dealt))
    const lengths = dealers.map((dealt, i) => dealtLength(dealt, commitments[i]))
    let total = fieldLength(this.ref.length)
    for (const length of lengths) total += fieldLength(length)
    const out = new Output(new Uint8Array(total))
    out.field(DELIVERY_REF, this.ref)
    dealers.forEach((dealt, i) => {
      out.head(DELIVERY_DEALER, lengths[i])
      const encoded = commitments[i]
      if (encoded !== undefined) out.field(DEALT_COMMITMENTS, encoded)
      if (dealt.share.length > 0) out.field(DEALT_SHARE, dealt.share)
      for (const node of dealt.path) out.field(DEALT_PATH, node)
    })
    return out.bytes
  }

  private commitmentsOf (dealt: DealtShares): Uint8Array | undefined {
    if (dealt.commitments == null) return undefined
    let encoded = this.signed.get(dealt.commitments)
    if (encoded === undefined) this.signed.set(dealt.commitments, encoded = Signed.encode(dealt.commitments))
    return encoded
  }
}

/** One DealtShares' encoded length, as protons writes it: no share field when the share is empty. */
function dealtLength (dealt: DealtShares, commitments: Uint8Array | undefined): number {
  let length = commitments === undefined ? 0 : fieldLength(commitments.length)
  if (dealt.share.length > 0) length += fieldLength(dealt.share.length)
  for (const node of dealt.path) length += fieldLength(node.length)
  return length
}
