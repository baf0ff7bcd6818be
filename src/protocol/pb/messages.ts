import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface RoundRef {
  session: Uint8Array<ArrayBuffer>
  round: bigint
  attempt: number
}

export namespace RoundRef {
  let _codec: Codec<RoundRef>

  export const codec = (): Codec<RoundRef> => {
    if (_codec == null) {
      _codec = message<RoundRef>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.session != null && obj.session.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.session)
        }

        if ((obj.round != null && obj.round !== 0n)) {
          w.uint32(16)
          w.uint64(obj.round)
        }

        if ((obj.attempt != null && obj.attempt !== 0)) {
          w.uint32(24)
          w.uint32(obj.attempt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          session: uint8ArrayAlloc(0),
          round: 0n,
          attempt: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.session = reader.bytes()
              break
            }
            case 2: {
              obj.round = reader.uint64()
              break
            }
            case 3: {
              obj.attempt = reader.uint32()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.session`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.round`,
                value: reader.uint64()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.attempt`,
                value: reader.uint32()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface RoundRefSessionFieldEvent {
    field: '$.session'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoundRefRoundFieldEvent {
    field: '$.round'
    value: bigint
  }

  export interface RoundRefAttemptFieldEvent {
    field: '$.attempt'
    value: number
  }

  export function encode (obj: Partial<RoundRef>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RoundRef.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RoundRef>): RoundRef {
    return decodeMessage(buf, RoundRef.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RoundRef>): Generator<RoundRefSessionFieldEvent | RoundRefRoundFieldEvent | RoundRefAttemptFieldEvent> {
    return streamMessage(buf, RoundRef.codec(), opts)
  }
}

export interface Signed {
  body: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace Signed {
  let _codec: Codec<Signed>

  export const codec = (): Codec<Signed> => {
    if (_codec == null) {
      _codec = message<Signed>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.body != null && obj.body.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.body)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          body: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.body = reader.bytes()
              break
            }
            case 2: {
              obj.signature = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.body`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface SignedBodyFieldEvent {
    field: '$.body'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Signed>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Signed.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Signed>): Signed {
    return decodeMessage(buf, Signed.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Signed>): Generator<SignedBodyFieldEvent | SignedSignatureFieldEvent> {
    return streamMessage(buf, Signed.codec(), opts)
  }
}

export interface Announcement {
  ref?: RoundRef
  aggregator: Uint8Array<ArrayBuffer>
  beacon: Uint8Array<ArrayBuffer>
  deadlines: bigint[]
}

export namespace Announcement {
  let _codec: Codec<Announcement>

  export const codec = (): Codec<Announcement> => {
    if (_codec == null) {
      _codec = message<Announcement>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.ref != null) {
          w.uint32(10)
          RoundRef.codec().encode(obj.ref, w)
        }

        if ((obj.aggregator != null && obj.aggregator.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.aggregator)
        }

        if ((obj.beacon != null && obj.beacon.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.beacon)
        }

        if (obj.deadlines != null && obj.deadlines.length > 0) {
          for (const value of obj.deadlines) {
            w.uint32(32)
            w.uint64(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          aggregator: uint8ArrayAlloc(0),
          beacon: uint8ArrayAlloc(0),
          deadlines: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.ref = RoundRef.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.ref
              })
              break
            }
            case 2: {
              obj.aggregator = reader.bytes()
              break
            }
            case 3: {
              obj.beacon = reader.bytes()
              break
            }
            case 4: {
              if (opts.limits?.deadlines != null && obj.deadlines.length === opts.limits.deadlines) {
                throw new MaxLengthError('Decode error - repeated field "deadlines" had too many elements')
              }

              obj.deadlines.push(reader.uint64())
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          deadlines: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * RoundRef.codec().stream(reader, reader.uint32(), `${prefix}.ref`, {
                limits: opts.limits?.ref
              })

              break
            }
            case 2: {
              yield {
                field: `${prefix}.aggregator`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.beacon`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              if (opts.limits?.deadlines != null && obj.deadlines === opts.limits.deadlines) {
                throw new MaxLengthError('Streaming decode error - repeated field "deadlines" had too many elements')
              }

              yield {
                field: `${prefix}.deadlines[]`,
                index: obj.deadlines,
                value: reader.uint64()
              }

              obj.deadlines++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface AnnouncementRefSessionFieldEvent {
    field: '$.ref.session'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AnnouncementRefRoundFieldEvent {
    field: '$.ref.round'
    value: bigint
  }

  export interface AnnouncementRefAttemptFieldEvent {
    field: '$.ref.attempt'
    value: number
  }

  export interface AnnouncementAggregatorFieldEvent {
    field: '$.aggregator'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AnnouncementBeaconFieldEvent {
    field: '$.beacon'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AnnouncementDeadlinesFieldEvent {
    field: '$.deadlines[]'
    index: number
    value: bigint
  }

  export function encode (obj: Partial<Announcement>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Announcement.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Announcement>): Announcement {
    return decodeMessage(buf, Announcement.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Announcement>): Generator<AnnouncementRefSessionFieldEvent | AnnouncementRefRoundFieldEvent | AnnouncementRefAttemptFieldEvent | AnnouncementAggregatorFieldEvent | AnnouncementBeaconFieldEvent | AnnouncementDeadlinesFieldEvent> {
    return streamMessage(buf, Announcement.codec(), opts)
  }
}

export interface KeyAdvertisement {
  ref?: RoundRef
  peer: Uint8Array<ArrayBuffer>
  encryptionKey: Uint8Array<ArrayBuffer>
  maskKey: Uint8Array<ArrayBuffer>
}

export namespace KeyAdvertisement {
  let _codec: Codec<KeyAdvertisement>

  export const codec = (): Codec<KeyAdvertisement> => {
    if (_codec == null) {
      _codec = message<KeyAdvertisement>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.ref != null) {
          w.uint32(10)
          RoundRef.codec().encode(obj.ref, w)
        }

        if ((obj.peer != null && obj.peer.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.peer)
        }

        if ((obj.encryptionKey != null && obj.encryptionKey.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.encryptionKey)
        }

        if ((obj.maskKey != null && obj.maskKey.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.maskKey)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          peer: uint8ArrayAlloc(0),
          encryptionKey: uint8ArrayAlloc(0),
          maskKey: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.ref = RoundRef.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.ref
              })
              break
            }
            case 2: {
              obj.peer = reader.bytes()
              break
            }
            case 3: {
              obj.encryptionKey = reader.bytes()
              break
            }
            case 4: {
              obj.maskKey = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * RoundRef.codec().stream(reader, reader.uint32(), `${prefix}.ref`, {
                limits: opts.limits?.ref
              })

              break
            }
            case 2: {
              yield {
                field: `${prefix}.peer`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.encryptionKey`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.maskKey`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface KeyAdvertisementRefSessionFieldEvent {
    field: '$.ref.session'
    value: Uint8Array<ArrayBuffer>
  }

  export interface KeyAdvertisementRefRoundFieldEvent {
    field: '$.ref.round'
    value: bigint
  }

  export interface KeyAdvertisementRefAttemptFieldEvent {
    field: '$.ref.attempt'
    value: number
  }

  export interface KeyAdvertisementPeerFieldEvent {
    field: '$.peer'
    value: Uint8Array<ArrayBuffer>
  }

  export interface KeyAdvertisementEncryptionKeyFieldEvent {
    field: '$.encryptionKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface KeyAdvertisementMaskKeyFieldEvent {
    field: '$.maskKey'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<KeyAdvertisement>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, KeyAdvertisement.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KeyAdvertisement>): KeyAdvertisement {
    return decodeMessage(buf, KeyAdvertisement.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KeyAdvertisement>): Generator<KeyAdvertisementRefSessionFieldEvent | KeyAdvertisementRefRoundFieldEvent | KeyAdvertisementRefAttemptFieldEvent | KeyAdvertisementPeerFieldEvent | KeyAdvertisementEncryptionKeyFieldEvent | KeyAdvertisementMaskKeyFieldEvent> {
    return streamMessage(buf, KeyAdvertisement.codec(), opts)
  }
}

export interface Roster {
  ref?: RoundRef
  peers: Uint8Array<ArrayBuffer>[]
  digests: Uint8Array<ArrayBuffer>[]
}

export namespace Roster {
  let _codec: Codec<Roster>

  export const codec = (): Codec<Roster> => {
    if (_codec == null) {
      _codec = message<Roster>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.ref != null) {
          w.uint32(10)
          RoundRef.codec().encode(obj.ref, w)
        }

        if (obj.peers != null && obj.peers.length > 0) {
          for (const value of obj.peers) {
            w.uint32(18)
            w.bytes(value)
          }
        }

        if (obj.digests != null && obj.digests.length > 0) {
          for (const value of obj.digests) {
            w.uint32(26)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          peers: [],
          digests: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.ref = RoundRef.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.ref
              })
              break
            }
            case 2: {
              if (opts.limits?.peers != null && obj.peers.length === opts.limits.peers) {
                throw new MaxLengthError('Decode error - repeated field "peers" had too many elements')
              }

              obj.peers.push(reader.bytes())
              break
            }
            case 3: {
              if (opts.limits?.digests != null && obj.digests.length === opts.limits.digests) {
                throw new MaxLengthError('Decode error - repeated field "digests" had too many elements')
              }

              obj.digests.push(reader.bytes())
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          peers: 0,
          digests: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * RoundRef.codec().stream(reader, reader.uint32(), `${prefix}.ref`, {
                limits: opts.limits?.ref
              })

              break
            }
            case 2: {
              if (opts.limits?.peers != null && obj.peers === opts.limits.peers) {
                throw new MaxLengthError('Streaming decode error - repeated field "peers" had too many elements')
              }

              yield {
                field: `${prefix}.peers[]`,
                index: obj.peers,
                value: reader.bytes()
              }

              obj.peers++

              break
            }
            case 3: {
              if (opts.limits?.digests != null && obj.digests === opts.limits.digests) {
                throw new MaxLengthError('Streaming decode error - repeated field "digests" had too many elements')
              }

              yield {
                field: `${prefix}.digests[]`,
                index: obj.digests,
                value: reader.bytes()
              }

              obj.digests++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface RosterRefSessionFieldEvent {
    field: '$.ref.session'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RosterRefRoundFieldEvent {
    field: '$.ref.round'
    value: bigint
  }

  export interface RosterRefAttemptFieldEvent {
    field: '$.ref.attempt'
    value: number
  }

  export interface RosterPeersFieldEvent {
    field: '$.peers[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface RosterDigestsFieldEvent {
    field: '$.digests[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Roster>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Roster.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Roster>): Roster {
    return decodeMessage(buf, Roster.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Roster>): Generator<RosterRefSessionFieldEvent | RosterRefRoundFieldEvent | RosterRefAttemptFieldEvent | RosterPeersFieldEvent | RosterDigestsFieldEvent> {
    return streamMessage(buf, Roster.codec(), opts)
  }
}

export interface NeighbourKeys {
  ref?: RoundRef
  advertisements: Signed[]
}

export namespace NeighbourKeys {
  let _codec: Codec<NeighbourKeys>

  export const codec = (): Codec<NeighbourKeys> => {
    if (_codec == null) {
      _codec = message<NeighbourKeys>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.ref != null) {
          w.uint32(10)
          RoundRef.codec().encode(obj.ref, w)
        }

        if (obj.advertisements != null && obj.advertisements.length > 0) {
          for (const value of obj.advertisements) {
            w.uint32(18)
            Signed.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          advertisements: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.ref = RoundRef.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.ref
              })
              break
            }
            case 2: {
              if (opts.limits?.advertisements != null && obj.advertisements.length === opts.limits.advertisements) {
                throw new MaxLengthError('Decode error - repeated field "advertisements" had too many elements')
              }

              obj.advertisements.push(Signed.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.advertisements$
              }))
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          advertisements: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * RoundRef.codec().stream(reader, reader.uint32(), `${prefix}.ref`, {
                limits: opts.limits?.ref
              })

              break
            }
            case 2: {
              if (opts.limits?.advertisements != null && obj.advertisements === opts.limits.advertisements) {
                throw new MaxLengthError('Streaming decode error - repeated field "advertisements" had too many elements')
              }

              for (const evt of Signed.codec().stream(reader, reader.uint32(), `${prefix}.advertisements[]`, {
                limits: opts.limits?.advertisements$
              })) {
                yield {
                  ...evt,
                  index: obj.advertisements
                }
              }

              obj.advertisements++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface NeighbourKeysRefSessionFieldEvent {
    field: '$.ref.session'
    value: Uint8Array<ArrayBuffer>
  }

  export interface NeighbourKeysRefRoundFieldEvent {
    field: '$.ref.round'
    value: bigint
  }

  export interface NeighbourKeysRefAttemptFieldEvent {
    field: '$.ref.attempt'
    value: number
  }

  export interface NeighbourKeysAdvertisementsBodyFieldEvent {
    field: '$.advertisements[].body'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface NeighbourKeysAdvertisementsSignatureFieldEvent {
    field: '$.advertisements[].signature'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<NeighbourKeys>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, NeighbourKeys.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<NeighbourKeys>): NeighbourKeys {
    return decodeMessage(buf, NeighbourKeys.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<NeighbourKeys>): Generator<NeighbourKeysRefSessionFieldEvent | NeighbourKeysRefRoundFieldEvent | NeighbourKeysRefAttemptFieldEvent | NeighbourKeysAdvertisementsBodyFieldEvent | NeighbourKeysAdvertisementsSignatureFieldEvent> {
    return streamMessage(buf, NeighbourKeys.codec(), opts)
  }
}

export interface DealerCommitments {
  ref?: RoundRef
  dealer: Uint8Array<ArrayBuffer>
  selfMask: Uint8Array<ArrayBuffer>[]
  maskKey: Uint8Array<ArrayBuffer>[]
  sharesRoot: Uint8Array<ArrayBuffer>
  shareCount: number
}

export namespace DealerCommitments {
  let _codec: Codec<DealerCommitments>

  export const codec = (): Codec<DealerCommitments> => {
    if (_codec == null) {
      _codec = message<DealerCommitments>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.ref != null) {
          w.uint32(10)
          RoundRef.codec().encode(obj.ref, w)
        }

        if ((obj.dealer != null && obj.dealer.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.dealer)
        }

        if (obj.selfMask != null && obj.selfMask.length > 0) {
          for (const value of obj.selfMask) {
            w.uint32(26)
            w.bytes(value)
          }
        }

        if (obj.maskKey != null && obj.maskKey.length > 0) {
          for (const value of obj.maskKey) {
            w.uint32(34)
            w.bytes(value)
          }
        }

        if ((obj.sharesRoot != null && obj.sharesRoot.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.sharesRoot)
        }

        if ((obj.shareCount != null && obj.shareCount !== 0)) {
          w.uint32(48)
          w.uint32(obj.shareCount)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          dealer: uint8ArrayAlloc(0),
          selfMask: [],
          maskKey: [],
          sharesRoot: uint8ArrayAlloc(0),
          shareCount: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.ref = RoundRef.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.ref
              })
              break
            }
            case 2: {
              obj.dealer = reader.bytes()
              break
            }
            case 3: {
              if (opts.limits?.selfMask != null && obj.selfMask.length === opts.limits.selfMask) {
                throw new MaxLengthError('Decode error - repeated field "selfMask" had too many elements')
              }

              obj.selfMask.push(reader.bytes())
              break
            }
            case 4: {
              if (opts.limits?.maskKey != null && obj.maskKey.length === opts.limits.maskKey) {
                throw new MaxLengthError('Decode error - repeated field "maskKey" had too many elements')
              }

              obj.maskKey.push(reader.bytes())
              break
            }
            case 5: {
              obj.sharesRoot = reader.bytes()
              break
            }
            case 6: {
              obj.shareCount = reader.uint32()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          selfMask: 0,
          maskKey: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * RoundRef.codec().stream(reader, reader.uint32(), `${prefix}.ref`, {
                limits: opts.limits?.ref
              })

              break
            }
            case 2: {
              yield {
                field: `${prefix}.dealer`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              if (opts.limits?.selfMask != null && obj.selfMask === opts.limits.selfMask) {
                throw new MaxLengthError('Streaming decode error - repeated field "selfMask" had too many elements')
              }

              yield {
                field: `${prefix}.selfMask[]`,
                index: obj.selfMask,
                value: reader.bytes()
              }

              obj.selfMask++

              break
            }
            case 4: {
              if (opts.limits?.maskKey != null && obj.maskKey === opts.limits.maskKey) {
                throw new MaxLengthError('Streaming decode error - repeated field "maskKey" had too many elements')
              }

              yield {
                field: `${prefix}.maskKey[]`,
                index: obj.maskKey,
                value: reader.bytes()
              }

              obj.maskKey++

              break
            }
            case 5: {
              yield {
                field: `${prefix}.sharesRoot`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.shareCount`,
                value: reader.uint32()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface DealerCommitmentsRefSessionFieldEvent {
    field: '$.ref.session'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DealerCommitmentsRefRoundFieldEvent {
    field: '$.ref.round'
    value: bigint
  }

  export interface DealerCommitmentsRefAttemptFieldEvent {
    field: '$.ref.attempt'
    value: number
  }

  export interface DealerCommitmentsDealerFieldEvent {
    field: '$.dealer'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DealerCommitmentsSelfMaskFieldEvent {
    field: '$.selfMask[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface DealerCommitmentsMaskKeyFieldEvent {
    field: '$.maskKey[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface DealerCommitmentsSharesRootFieldEvent {
    field: '$.sharesRoot'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DealerCommitmentsShareCountFieldEvent {
    field: '$.shareCount'
    value: number
  }

  export function encode (obj: Partial<DealerCommitments>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DealerCommitments.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DealerCommitments>): DealerCommitments {
    return decodeMessage(buf, DealerCommitments.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DealerCommitments>): Generator<DealerCommitmentsRefSessionFieldEvent | DealerCommitmentsRefRoundFieldEvent | DealerCommitmentsRefAttemptFieldEvent | DealerCommitmentsDealerFieldEvent | DealerCommitmentsSelfMaskFieldEvent | DealerCommitmentsMaskKeyFieldEvent | DealerCommitmentsSharesRootFieldEvent | DealerCommitmentsShareCountFieldEvent> {
    return streamMessage(buf, DealerCommitments.codec(), opts)
  }
}

export interface EncryptedShare {
  ref?: RoundRef
  dealer?: Uint8Array<ArrayBuffer>
  holder?: Uint8Array<ArrayBuffer>
  x: number
  nonce?: Uint8Array<ArrayBuffer>
  ciphertext?: Uint8Array<ArrayBuffer>
  selfMaskCommitment?: Uint8Array<ArrayBuffer>
  maskKeyCommitment?: Uint8Array<ArrayBuffer>
}

export namespace EncryptedShare {
  let _codec: Codec<EncryptedShare>

  export const codec = (): Codec<EncryptedShare> => {
    if (_codec == null) {
      _codec = message<EncryptedShare>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.ref != null) {
          w.uint32(10)
          RoundRef.codec().encode(obj.ref, w)
        }

        if (obj.dealer != null) {
          w.uint32(18)
          w.bytes(obj.dealer)
        }

        if (obj.holder != null) {
          w.uint32(26)
          w.bytes(obj.holder)
        }

        if ((obj.x != null && obj.x !== 0)) {
          w.uint32(32)
          w.uint32(obj.x)
        }

        if (obj.nonce != null) {
          w.uint32(42)
          w.bytes(obj.nonce)
        }

        if (obj.ciphertext != null) {
          w.uint32(50)
          w.bytes(obj.ciphertext)
        }

        if (obj.selfMaskCommitment != null) {
          w.uint32(58)
          w.bytes(obj.selfMaskCommitment)
        }

        if (obj.maskKeyCommitment != null) {
          w.uint32(66)
          w.bytes(obj.maskKeyCommitment)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          x: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.ref = RoundRef.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.ref
              })
              break
            }
            case 2: {
              obj.dealer = reader.bytes()
              break
            }
            case 3: {
              obj.holder = reader.bytes()
              break
            }
            case 4: {
              obj.x = reader.uint32()
              break
            }
            case 5: {
              obj.nonce = reader.bytes()
              break
            }
            case 6: {
              obj.ciphertext = reader.bytes()
              break
            }
            case 7: {
              obj.selfMaskCommitment = reader.bytes()
              break
            }
            case 8: {
              obj.maskKeyCommitment = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * RoundRef.codec().stream(reader, reader.uint32(), `${prefix}.ref`, {
                limits: opts.limits?.ref
              })

              break
            }
            case 2: {
              yield {
                field: `${prefix}.dealer`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.holder`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.x`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.nonce`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.ciphertext`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.selfMaskCommitment`,
                value: reader.bytes()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.maskKeyCommitment`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface EncryptedShareRefSessionFieldEvent {
    field: '$.ref.session'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EncryptedShareRefRoundFieldEvent {
    field: '$.ref.round'
    value: bigint
  }

  export interface EncryptedShareRefAttemptFieldEvent {
    field: '$.ref.attempt'
    value: number
  }

  export interface EncryptedShareDealerFieldEvent {
    field: '$.dealer'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EncryptedShareHolderFieldEvent {
    field: '$.holder'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EncryptedShareXFieldEvent {
    field: '$.x'
    value: number
  }

  export interface EncryptedShareNonceFieldEvent {
    field: '$.nonce'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EncryptedShareCiphertextFieldEvent {
    field: '$.ciphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EncryptedShareSelfMaskCommitmentFieldEvent {
    field: '$.selfMaskCommitment'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EncryptedShareMaskKeyCommitmentFieldEvent {
    field: '$.maskKeyCommitment'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<EncryptedShare>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, EncryptedShare.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<EncryptedShare>): EncryptedShare {
    return decodeMessage(buf, EncryptedShare.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<EncryptedShare>): Generator<EncryptedShareRefSessionFieldEvent | EncryptedShareRefRoundFieldEvent | EncryptedShareRefAttemptFieldEvent | EncryptedShareDealerFieldEvent | EncryptedShareHolderFieldEvent | EncryptedShareXFieldEvent | EncryptedShareNonceFieldEvent | EncryptedShareCiphertextFieldEvent | EncryptedShareSelfMaskCommitmentFieldEvent | EncryptedShareMaskKeyCommitmentFieldEvent> {
    return streamMessage(buf, EncryptedShare.codec(), opts)
  }
}

export interface ShareKeys {
  ref?: RoundRef
  commitments?: Signed
  shares: Uint8Array<ArrayBuffer>[]
}

export namespace ShareKeys {
  let _codec: Codec<ShareKeys>

  export const codec = (): Codec<ShareKeys> => {
    if (_codec == null) {
      _codec = message<ShareKeys>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.ref != null) {
          w.uint32(10)
          RoundRef.codec().encode(obj.ref, w)
        }

        if (obj.commitments != null) {
          w.uint32(18)
          Signed.codec().encode(obj.commitments, w)
        }

        if (obj.shares != null && obj.shares.length > 0) {
          for (const value of obj.shares) {
            w.uint32(26)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          shares: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.ref = RoundRef.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.ref
              })
              break
            }
            case 2: {
              obj.commitments = Signed.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.commitments
              })
              break
            }
            case 3: {
              if (opts.limits?.shares != null && obj.shares.length === opts.limits.shares) {
                throw new MaxLengthError('Decode error - repeated field "shares" had too many elements')
              }

              obj.shares.push(reader.bytes())
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          shares: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * RoundRef.codec().stream(reader, reader.uint32(), `${prefix}.ref`, {
                limits: opts.limits?.ref
              })

              break
            }
            case 2: {
              yield * Signed.codec().stream(reader, reader.uint32(), `${prefix}.commitments`, {
                limits: opts.limits?.commitments
              })

              break
            }
            case 3: {
              if (opts.limits?.shares != null && obj.shares === opts.limits.shares) {
                throw new MaxLengthError('Streaming decode error - repeated field "shares" had too many elements')
              }

              yield {
                field: `${prefix}.shares[]`,
                index: obj.shares,
                value: reader.bytes()
              }

              obj.shares++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ShareKeysRefSessionFieldEvent {
    field: '$.ref.session'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ShareKeysRefRoundFieldEvent {
    field: '$.ref.round'
    value: bigint
  }

  export interface ShareKeysRefAttemptFieldEvent {
    field: '$.ref.attempt'
    value: number
  }

  export interface ShareKeysCommitmentsBodyFieldEvent {
    field: '$.commitments.body'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ShareKeysCommitmentsSignatureFieldEvent {
    field: '$.commitments.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ShareKeysSharesFieldEvent {
    field: '$.shares[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<ShareKeys>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ShareKeys.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ShareKeys>): ShareKeys {
    return decodeMessage(buf, ShareKeys.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ShareKeys>): Generator<ShareKeysRefSessionFieldEvent | ShareKeysRefRoundFieldEvent | ShareKeysRefAttemptFieldEvent | ShareKeysCommitmentsBodyFieldEvent | ShareKeysCommitmentsSignatureFieldEvent | ShareKeysSharesFieldEvent> {
    return streamMessage(buf, ShareKeys.codec(), opts)
  }
}

export interface DealtShares {
  commitments?: Signed
  share: Uint8Array<ArrayBuffer>
  path: Uint8Array<ArrayBuffer>[]
}

export namespace DealtShares {
  let _codec: Codec<DealtShares>

  export const codec = (): Codec<DealtShares> => {
    if (_codec == null) {
      _codec = message<DealtShares>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.commitments != null) {
          w.uint32(10)
          Signed.codec().encode(obj.commitments, w)
        }

        if ((obj.share != null && obj.share.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.share)
        }

        if (obj.path != null && obj.path.length > 0) {
          for (const value of obj.path) {
            w.uint32(26)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          share: uint8ArrayAlloc(0),
          path: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.commitments = Signed.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.commitments
              })
              break
            }
            case 2: {
              obj.share = reader.bytes()
              break
            }
            case 3: {
              if (opts.limits?.path != null && obj.path.length === opts.limits.path) {
                throw new MaxLengthError('Decode error - repeated field "path" had too many elements')
              }

              obj.path.push(reader.bytes())
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          path: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * Signed.codec().stream(reader, reader.uint32(), `${prefix}.commitments`, {
                limits: opts.limits?.commitments
              })

              break
            }
            case 2: {
              yield {
                field: `${prefix}.share`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              if (opts.limits?.path != null && obj.path === opts.limits.path) {
                throw new MaxLengthError('Streaming decode error - repeated field "path" had too many elements')
              }

              yield {
                field: `${prefix}.path[]`,
                index: obj.path,
                value: reader.bytes()
              }

              obj.path++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface DealtSharesCommitmentsBodyFieldEvent {
    field: '$.commitments.body'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DealtSharesCommitmentsSignatureFieldEvent {
    field: '$.commitments.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DealtSharesShareFieldEvent {
    field: '$.share'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DealtSharesPathFieldEvent {
    field: '$.path[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<DealtShares>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DealtShares.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DealtShares>): DealtShares {
    return decodeMessage(buf, DealtShares.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DealtShares>): Generator<DealtSharesCommitmentsBodyFieldEvent | DealtSharesCommitmentsSignatureFieldEvent | DealtSharesShareFieldEvent | DealtSharesPathFieldEvent> {
    return streamMessage(buf, DealtShares.codec(), opts)
  }
}

export interface ShareDelivery {
  ref?: RoundRef
  dealers: DealtShares[]
}

export namespace ShareDelivery {
  let _codec: Codec<ShareDelivery>

  export const codec = (): Codec<ShareDelivery> => {
    if (_codec == null) {
      _codec = message<ShareDelivery>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.ref != null) {
          w.uint32(10)
          RoundRef.codec().encode(obj.ref, w)
        }

        if (obj.dealers != null && obj.dealers.length > 0) {
          for (const value of obj.dealers) {
            w.uint32(18)
            DealtShares.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          dealers: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.ref = RoundRef.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.ref
              })
              break
            }
            case 2: {
              if (opts.limits?.dealers != null && obj.dealers.length === opts.limits.dealers) {
                throw new MaxLengthError('Decode error - repeated field "dealers" had too many elements')
              }

              obj.dealers.push(DealtShares.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.dealers$
              }))
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          dealers: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * RoundRef.codec().stream(reader, reader.uint32(), `${prefix}.ref`, {
                limits: opts.limits?.ref
              })

              break
            }
            case 2: {
              if (opts.limits?.dealers != null && obj.dealers === opts.limits.dealers) {
                throw new MaxLengthError('Streaming decode error - repeated field "dealers" had too many elements')
              }

              for (const evt of DealtShares.codec().stream(reader, reader.uint32(), `${prefix}.dealers[]`, {
                limits: opts.limits?.dealers$
              })) {
                yield {
                  ...evt,
                  index: obj.dealers
                }
              }

              obj.dealers++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ShareDeliveryRefSessionFieldEvent {
    field: '$.ref.session'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ShareDeliveryRefRoundFieldEvent {
    field: '$.ref.round'
    value: bigint
  }

  export interface ShareDeliveryRefAttemptFieldEvent {
    field: '$.ref.attempt'
    value: number
  }

  export interface ShareDeliveryDealersCommitmentsBodyFieldEvent {
    field: '$.dealers[].commitments.body'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface ShareDeliveryDealersCommitmentsSignatureFieldEvent {
    field: '$.dealers[].commitments.signature'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface ShareDeliveryDealersShareFieldEvent {
    field: '$.dealers[].share'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface ShareDeliveryDealersPathFieldEvent {
    field: '$.dealers[].path[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<ShareDelivery>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ShareDelivery.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ShareDelivery>): ShareDelivery {
    return decodeMessage(buf, ShareDelivery.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ShareDelivery>): Generator<ShareDeliveryRefSessionFieldEvent | ShareDeliveryRefRoundFieldEvent | ShareDeliveryRefAttemptFieldEvent | ShareDeliveryDealersCommitmentsBodyFieldEvent | ShareDeliveryDealersCommitmentsSignatureFieldEvent | ShareDeliveryDealersShareFieldEvent | ShareDeliveryDealersPathFieldEvent> {
    return streamMessage(buf, ShareDelivery.codec(), opts)
  }
}

export interface Complaint {
  dealer: Uint8Array<ArrayBuffer>
  sharedSecretProof: Uint8Array<ArrayBuffer>
}

export namespace Complaint {
  let _codec: Codec<Complaint>

  export const codec = (): Codec<Complaint> => {
    if (_codec == null) {
      _codec = message<Complaint>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.dealer != null && obj.dealer.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.dealer)
        }

        if ((obj.sharedSecretProof != null && obj.sharedSecretProof.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.sharedSecretProof)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          dealer: uint8ArrayAlloc(0),
          sharedSecretProof: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.dealer = reader.bytes()
              break
            }
            case 2: {
              obj.sharedSecretProof = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.dealer`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.sharedSecretProof`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ComplaintDealerFieldEvent {
    field: '$.dealer'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ComplaintSharedSecretProofFieldEvent {
    field: '$.sharedSecretProof'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Complaint>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Complaint.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Complaint>): Complaint {
    return decodeMessage(buf, Complaint.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Complaint>): Generator<ComplaintDealerFieldEvent | ComplaintSharedSecretProofFieldEvent> {
    return streamMessage(buf, Complaint.codec(), opts)
  }
}

export interface ShareCheck {
  ref?: RoundRef
  complaints: Complaint[]
}

export namespace ShareCheck {
  let _codec: Codec<ShareCheck>

  export const codec = (): Codec<ShareCheck> => {
    if (_codec == null) {
      _codec = message<ShareCheck>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.ref != null) {
          w.uint32(10)
          RoundRef.codec().encode(obj.ref, w)
        }

        if (obj.complaints != null && obj.complaints.length > 0) {
          for (const value of obj.complaints) {
            w.uint32(18)
            Complaint.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          complaints: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.ref = RoundRef.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.ref
              })
              break
            }
            case 2: {
              if (opts.limits?.complaints != null && obj.complaints.length === opts.limits.complaints) {
                throw new MaxLengthError('Decode error - repeated field "complaints" had too many elements')
              }

              obj.complaints.push(Complaint.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.complaints$
              }))
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          complaints: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * RoundRef.codec().stream(reader, reader.uint32(), `${prefix}.ref`, {
                limits: opts.limits?.ref
              })

              break
            }
            case 2: {
              if (opts.limits?.complaints != null && obj.complaints === opts.limits.complaints) {
                throw new MaxLengthError('Streaming decode error - repeated field "complaints" had too many elements')
              }

              for (const evt of Complaint.codec().stream(reader, reader.uint32(), `${prefix}.complaints[]`, {
                limits: opts.limits?.complaints$
              })) {
                yield {
                  ...evt,
                  index: obj.complaints
                }
              }

              obj.complaints++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ShareCheckRefSessionFieldEvent {
    field: '$.ref.session'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ShareCheckRefRoundFieldEvent {
    field: '$.ref.round'
    value: bigint
  }

  export interface ShareCheckRefAttemptFieldEvent {
    field: '$.ref.attempt'
    value: number
  }

  export interface ShareCheckComplaintsDealerFieldEvent {
    field: '$.complaints[].dealer'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface ShareCheckComplaintsSharedSecretProofFieldEvent {
    field: '$.complaints[].sharedSecretProof'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<ShareCheck>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ShareCheck.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ShareCheck>): ShareCheck {
    return decodeMessage(buf, ShareCheck.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ShareCheck>): Generator<ShareCheckRefSessionFieldEvent | ShareCheckRefRoundFieldEvent | ShareCheckRefAttemptFieldEvent | ShareCheckComplaintsDealerFieldEvent | ShareCheckComplaintsSharedSecretProofFieldEvent> {
    return streamMessage(buf, ShareCheck.codec(), opts)
  }
}

export interface DealingProof {
  commitments?: Signed
  share: Uint8Array<ArrayBuffer>
  index: number
  path: Uint8Array<ArrayBuffer>[]
  dealerKeys?: Signed
  holderKeys?: Signed
  sharedSecretProof: Uint8Array<ArrayBuffer>
}

export namespace DealingProof {
  let _codec: Codec<DealingProof>

  export const codec = (): Codec<DealingProof> => {
    if (_codec == null) {
      _codec = message<DealingProof>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.commitments != null) {
          w.uint32(10)
          Signed.codec().encode(obj.commitments, w)
        }

        if ((obj.share != null && obj.share.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.share)
        }

        if ((obj.index != null && obj.index !== 0)) {
          w.uint32(24)
          w.uint32(obj.index)
        }

        if (obj.path != null && obj.path.length > 0) {
          for (const value of obj.path) {
            w.uint32(34)
            w.bytes(value)
          }
        }

        if (obj.dealerKeys != null) {
          w.uint32(42)
          Signed.codec().encode(obj.dealerKeys, w)
        }

        if (obj.holderKeys != null) {
          w.uint32(50)
          Signed.codec().encode(obj.holderKeys, w)
        }

        if ((obj.sharedSecretProof != null && obj.sharedSecretProof.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.sharedSecretProof)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          share: uint8ArrayAlloc(0),
          index: 0,
          path: [],
          sharedSecretProof: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.commitments = Signed.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.commitments
              })
              break
            }
            case 2: {
              obj.share = reader.bytes()
              break
            }
            case 3: {
              obj.index = reader.uint32()
              break
            }
            case 4: {
              if (opts.limits?.path != null && obj.path.length === opts.limits.path) {
                throw new MaxLengthError('Decode error - repeated field "path" had too many elements')
              }

              obj.path.push(reader.bytes())
              break
            }
            case 5: {
              obj.dealerKeys = Signed.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.dealerKeys
              })
              break
            }
            case 6: {
              obj.holderKeys = Signed.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.holderKeys
              })
              break
            }
            case 7: {
              obj.sharedSecretProof = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          path: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * Signed.codec().stream(reader, reader.uint32(), `${prefix}.commitments`, {
                limits: opts.limits?.commitments
              })

              break
            }
            case 2: {
              yield {
                field: `${prefix}.share`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.index`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              if (opts.limits?.path != null && obj.path === opts.limits.path) {
                throw new MaxLengthError('Streaming decode error - repeated field "path" had too many elements')
              }

              yield {
                field: `${prefix}.path[]`,
                index: obj.path,
                value: reader.bytes()
              }

              obj.path++

              break
            }
            case 5: {
              yield * Signed.codec().stream(reader, reader.uint32(), `${prefix}.dealerKeys`, {
                limits: opts.limits?.dealerKeys
              })

              break
            }
            case 6: {
              yield * Signed.codec().stream(reader, reader.uint32(), `${prefix}.holderKeys`, {
                limits: opts.limits?.holderKeys
              })

              break
            }
            case 7: {
              yield {
                field: `${prefix}.sharedSecretProof`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface DealingProofCommitmentsBodyFieldEvent {
    field: '$.commitments.body'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DealingProofCommitmentsSignatureFieldEvent {
    field: '$.commitments.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DealingProofShareFieldEvent {
    field: '$.share'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DealingProofIndexFieldEvent {
    field: '$.index'
    value: number
  }

  export interface DealingProofPathFieldEvent {
    field: '$.path[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface DealingProofDealerKeysBodyFieldEvent {
    field: '$.dealerKeys.body'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DealingProofDealerKeysSignatureFieldEvent {
    field: '$.dealerKeys.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DealingProofHolderKeysBodyFieldEvent {
    field: '$.holderKeys.body'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DealingProofHolderKeysSignatureFieldEvent {
    field: '$.holderKeys.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DealingProofSharedSecretProofFieldEvent {
    field: '$.sharedSecretProof'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<DealingProof>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DealingProof.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DealingProof>): DealingProof {
    return decodeMessage(buf, DealingProof.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DealingProof>): Generator<DealingProofCommitmentsBodyFieldEvent | DealingProofCommitmentsSignatureFieldEvent | DealingProofShareFieldEvent | DealingProofIndexFieldEvent | DealingProofPathFieldEvent | DealingProofDealerKeysBodyFieldEvent | DealingProofDealerKeysSignatureFieldEvent | DealingProofHolderKeysBodyFieldEvent | DealingProofHolderKeysSignatureFieldEvent | DealingProofSharedSecretProofFieldEvent> {
    return streamMessage(buf, DealingProof.codec(), opts)
  }
}

export interface MaskedInputChunk {
  ref?: RoundRef
  offset: number
  count: number
  data: Uint8Array<ArrayBuffer>
  commitment?: Signed
}

export namespace MaskedInputChunk {
  let _codec: Codec<MaskedInputChunk>

  export const codec = (): Codec<MaskedInputChunk> => {
    if (_codec == null) {
      _codec = message<MaskedInputChunk>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.ref != null) {
          w.uint32(10)
          RoundRef.codec().encode(obj.ref, w)
        }

        if ((obj.offset != null && obj.offset !== 0)) {
          w.uint32(16)
          w.uint32(obj.offset)
        }

        if ((obj.count != null && obj.count !== 0)) {
          w.uint32(24)
          w.uint32(obj.count)
        }

        if ((obj.data != null && obj.data.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.data)
        }

        if (obj.commitment != null) {
          w.uint32(42)
          Signed.codec().encode(obj.commitment, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          offset: 0,
          count: 0,
          data: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.ref = RoundRef.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.ref
              })
              break
            }
            case 2: {
              obj.offset = reader.uint32()
              break
            }
            case 3: {
              obj.count = reader.uint32()
              break
            }
            case 4: {
              obj.data = reader.bytes()
              break
            }
            case 5: {
              obj.commitment = Signed.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.commitment
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * RoundRef.codec().stream(reader, reader.uint32(), `${prefix}.ref`, {
                limits: opts.limits?.ref
              })

              break
            }
            case 2: {
              yield {
                field: `${prefix}.offset`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.count`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.data`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield * Signed.codec().stream(reader, reader.uint32(), `${prefix}.commitment`, {
                limits: opts.limits?.commitment
              })

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface MaskedInputChunkRefSessionFieldEvent {
    field: '$.ref.session'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MaskedInputChunkRefRoundFieldEvent {
    field: '$.ref.round'
    value: bigint
  }

  export interface MaskedInputChunkRefAttemptFieldEvent {
    field: '$.ref.attempt'
    value: number
  }

  export interface MaskedInputChunkOffsetFieldEvent {
    field: '$.offset'
    value: number
  }

  export interface MaskedInputChunkCountFieldEvent {
    field: '$.count'
    value: number
  }

  export interface MaskedInputChunkDataFieldEvent {
    field: '$.data'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MaskedInputChunkCommitmentBodyFieldEvent {
    field: '$.commitment.body'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MaskedInputChunkCommitmentSignatureFieldEvent {
    field: '$.commitment.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<MaskedInputChunk>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, MaskedInputChunk.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MaskedInputChunk>): MaskedInputChunk {
    return decodeMessage(buf, MaskedInputChunk.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MaskedInputChunk>): Generator<MaskedInputChunkRefSessionFieldEvent | MaskedInputChunkRefRoundFieldEvent | MaskedInputChunkRefAttemptFieldEvent | MaskedInputChunkOffsetFieldEvent | MaskedInputChunkCountFieldEvent | MaskedInputChunkDataFieldEvent | MaskedInputChunkCommitmentBodyFieldEvent | MaskedInputChunkCommitmentSignatureFieldEvent> {
    return streamMessage(buf, MaskedInputChunk.codec(), opts)
  }
}

export interface InputCommitment {
  ref?: RoundRef
  peer: Uint8Array<ArrayBuffer>
  commitment: Uint8Array<ArrayBuffer>
  maskedWith: Uint8Array<ArrayBuffer>[]
  maskKey: Uint8Array<ArrayBuffer>
  dealerCommitments: Uint8Array<ArrayBuffer>
}

export namespace InputCommitment {
  let _codec: Codec<InputCommitment>

  export const codec = (): Codec<InputCommitment> => {
    if (_codec == null) {
      _codec = message<InputCommitment>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.ref != null) {
          w.uint32(10)
          RoundRef.codec().encode(obj.ref, w)
        }

        if ((obj.peer != null && obj.peer.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.peer)
        }

        if ((obj.commitment != null && obj.commitment.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.commitment)
        }

        if (obj.maskedWith != null && obj.maskedWith.length > 0) {
          for (const value of obj.maskedWith) {
            w.uint32(34)
            w.bytes(value)
          }
        }

        if ((obj.maskKey != null && obj.maskKey.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.maskKey)
        }

        if ((obj.dealerCommitments != null && obj.dealerCommitments.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.dealerCommitments)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          peer: uint8ArrayAlloc(0),
          commitment: uint8ArrayAlloc(0),
          maskedWith: [],
          maskKey: uint8ArrayAlloc(0),
          dealerCommitments: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.ref = RoundRef.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.ref
              })
              break
            }
            case 2: {
              obj.peer = reader.bytes()
              break
            }
            case 3: {
              obj.commitment = reader.bytes()
              break
            }
            case 4: {
              if (opts.limits?.maskedWith != null && obj.maskedWith.length === opts.limits.maskedWith) {
                throw new MaxLengthError('Decode error - repeated field "maskedWith" had too many elements')
              }

              obj.maskedWith.push(reader.bytes())
              break
            }
            case 5: {
              obj.maskKey = reader.bytes()
              break
            }
            case 6: {
              obj.dealerCommitments = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          maskedWith: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * RoundRef.codec().stream(reader, reader.uint32(), `${prefix}.ref`, {
                limits: opts.limits?.ref
              })

              break
            }
            case 2: {
              yield {
                field: `${prefix}.peer`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.commitment`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              if (opts.limits?.maskedWith != null && obj.maskedWith === opts.limits.maskedWith) {
                throw new MaxLengthError('Streaming decode error - repeated field "maskedWith" had too many elements')
              }

              yield {
                field: `${prefix}.maskedWith[]`,
                index: obj.maskedWith,
                value: reader.bytes()
              }

              obj.maskedWith++

              break
            }
            case 5: {
              yield {
                field: `${prefix}.maskKey`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.dealerCommitments`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface InputCommitmentRefSessionFieldEvent {
    field: '$.ref.session'
    value: Uint8Array<ArrayBuffer>
  }

  export interface InputCommitmentRefRoundFieldEvent {
    field: '$.ref.round'
    value: bigint
  }

  export interface InputCommitmentRefAttemptFieldEvent {
    field: '$.ref.attempt'
    value: number
  }

  export interface InputCommitmentPeerFieldEvent {
    field: '$.peer'
    value: Uint8Array<ArrayBuffer>
  }

  export interface InputCommitmentCommitmentFieldEvent {
    field: '$.commitment'
    value: Uint8Array<ArrayBuffer>
  }

  export interface InputCommitmentMaskedWithFieldEvent {
    field: '$.maskedWith[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface InputCommitmentMaskKeyFieldEvent {
    field: '$.maskKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface InputCommitmentDealerCommitmentsFieldEvent {
    field: '$.dealerCommitments'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<InputCommitment>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, InputCommitment.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<InputCommitment>): InputCommitment {
    return decodeMessage(buf, InputCommitment.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<InputCommitment>): Generator<InputCommitmentRefSessionFieldEvent | InputCommitmentRefRoundFieldEvent | InputCommitmentRefAttemptFieldEvent | InputCommitmentPeerFieldEvent | InputCommitmentCommitmentFieldEvent | InputCommitmentMaskedWithFieldEvent | InputCommitmentMaskKeyFieldEvent | InputCommitmentDealerCommitmentsFieldEvent> {
    return streamMessage(buf, InputCommitment.codec(), opts)
  }
}

export interface SurvivorSet {
  ref?: RoundRef
  survivors: Uint8Array<ArrayBuffer>[]
  commitments: Uint8Array<ArrayBuffer>[]
}

export namespace SurvivorSet {
  let _codec: Codec<SurvivorSet>

  export const codec = (): Codec<SurvivorSet> => {
    if (_codec == null) {
      _codec = message<SurvivorSet>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.ref != null) {
          w.uint32(10)
          RoundRef.codec().encode(obj.ref, w)
        }

        if (obj.survivors != null && obj.survivors.length > 0) {
          for (const value of obj.survivors) {
            w.uint32(18)
            w.bytes(value)
          }
        }

        if (obj.commitments != null && obj.commitments.length > 0) {
          for (const value of obj.commitments) {
            w.uint32(26)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          survivors: [],
          commitments: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.ref = RoundRef.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.ref
              })
              break
            }
            case 2: {
              if (opts.limits?.survivors != null && obj.survivors.length === opts.limits.survivors) {
                throw new MaxLengthError('Decode error - repeated field "survivors" had too many elements')
              }

              obj.survivors.push(reader.bytes())
              break
            }
            case 3: {
              if (opts.limits?.commitments != null && obj.commitments.length === opts.limits.commitments) {
                throw new MaxLengthError('Decode error - repeated field "commitments" had too many elements')
              }

              obj.commitments.push(reader.bytes())
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          survivors: 0,
          commitments: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * RoundRef.codec().stream(reader, reader.uint32(), `${prefix}.ref`, {
                limits: opts.limits?.ref
              })

              break
            }
            case 2: {
              if (opts.limits?.survivors != null && obj.survivors === opts.limits.survivors) {
                throw new MaxLengthError('Streaming decode error - repeated field "survivors" had too many elements')
              }

              yield {
                field: `${prefix}.survivors[]`,
                index: obj.survivors,
                value: reader.bytes()
              }

              obj.survivors++

              break
            }
            case 3: {
              if (opts.limits?.commitments != null && obj.commitments === opts.limits.commitments) {
                throw new MaxLengthError('Streaming decode error - repeated field "commitments" had too many elements')
              }

              yield {
                field: `${prefix}.commitments[]`,
                index: obj.commitments,
                value: reader.bytes()
              }

              obj.commitments++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface SurvivorSetRefSessionFieldEvent {
    field: '$.ref.session'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SurvivorSetRefRoundFieldEvent {
    field: '$.ref.round'
    value: bigint
  }

  export interface SurvivorSetRefAttemptFieldEvent {
    field: '$.ref.attempt'
    value: number
  }

  export interface SurvivorSetSurvivorsFieldEvent {
    field: '$.survivors[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface SurvivorSetCommitmentsFieldEvent {
    field: '$.commitments[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SurvivorSet>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SurvivorSet.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SurvivorSet>): SurvivorSet {
    return decodeMessage(buf, SurvivorSet.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SurvivorSet>): Generator<SurvivorSetRefSessionFieldEvent | SurvivorSetRefRoundFieldEvent | SurvivorSetRefAttemptFieldEvent | SurvivorSetSurvivorsFieldEvent | SurvivorSetCommitmentsFieldEvent> {
    return streamMessage(buf, SurvivorSet.codec(), opts)
  }
}

export interface ConsistencySignature {
  signature: Uint8Array<ArrayBuffer>
}

export namespace ConsistencySignature {
  let _codec: Codec<ConsistencySignature>

  export const codec = (): Codec<ConsistencySignature> => {
    if (_codec == null) {
      _codec = message<ConsistencySignature>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.signature = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ConsistencySignatureSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<ConsistencySignature>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ConsistencySignature.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ConsistencySignature>): ConsistencySignature {
    return decodeMessage(buf, ConsistencySignature.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ConsistencySignature>): Generator<ConsistencySignatureSignatureFieldEvent> {
    return streamMessage(buf, ConsistencySignature.codec(), opts)
  }
}

export interface PeerSignature {
  signer: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace PeerSignature {
  let _codec: Codec<PeerSignature>

  export const codec = (): Codec<PeerSignature> => {
    if (_codec == null) {
      _codec = message<PeerSignature>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.signer != null && obj.signer.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.signer)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          signer: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.signer = reader.bytes()
              break
            }
            case 2: {
              obj.signature = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.signer`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface PeerSignatureSignerFieldEvent {
    field: '$.signer'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PeerSignatureSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<PeerSignature>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PeerSignature.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PeerSignature>): PeerSignature {
    return decodeMessage(buf, PeerSignature.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PeerSignature>): Generator<PeerSignatureSignerFieldEvent | PeerSignatureSignatureFieldEvent> {
    return streamMessage(buf, PeerSignature.codec(), opts)
  }
}

export interface ConsistencyProof {
  survivorSet: Uint8Array<ArrayBuffer>
  signatures: PeerSignature[]
}

export namespace ConsistencyProof {
  let _codec: Codec<ConsistencyProof>

  export const codec = (): Codec<ConsistencyProof> => {
    if (_codec == null) {
      _codec = message<ConsistencyProof>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.survivorSet != null && obj.survivorSet.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.survivorSet)
        }

        if (obj.signatures != null && obj.signatures.length > 0) {
          for (const value of obj.signatures) {
            w.uint32(18)
            PeerSignature.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          survivorSet: uint8ArrayAlloc(0),
          signatures: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.survivorSet = reader.bytes()
              break
            }
            case 2: {
              if (opts.limits?.signatures != null && obj.signatures.length === opts.limits.signatures) {
                throw new MaxLengthError('Decode error - repeated field "signatures" had too many elements')
              }

              obj.signatures.push(PeerSignature.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.signatures$
              }))
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          signatures: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.survivorSet`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              if (opts.limits?.signatures != null && obj.signatures === opts.limits.signatures) {
                throw new MaxLengthError('Streaming decode error - repeated field "signatures" had too many elements')
              }

              for (const evt of PeerSignature.codec().stream(reader, reader.uint32(), `${prefix}.signatures[]`, {
                limits: opts.limits?.signatures$
              })) {
                yield {
                  ...evt,
                  index: obj.signatures
                }
              }

              obj.signatures++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ConsistencyProofSurvivorSetFieldEvent {
    field: '$.survivorSet'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ConsistencyProofSignaturesSignerFieldEvent {
    field: '$.signatures[].signer'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface ConsistencyProofSignaturesSignatureFieldEvent {
    field: '$.signatures[].signature'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<ConsistencyProof>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ConsistencyProof.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ConsistencyProof>): ConsistencyProof {
    return decodeMessage(buf, ConsistencyProof.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ConsistencyProof>): Generator<ConsistencyProofSurvivorSetFieldEvent | ConsistencyProofSignaturesSignerFieldEvent | ConsistencyProofSignaturesSignatureFieldEvent> {
    return streamMessage(buf, ConsistencyProof.codec(), opts)
  }
}

export enum ShareKind {
  SELF_MASK = 'SELF_MASK',
  MASK_KEY = 'MASK_KEY'
}

enum __ShareKindValues {
  SELF_MASK = 0,
  MASK_KEY = 1
}

export namespace ShareKind {
  export const codec = (): Codec<ShareKind> => {
    return enumeration<ShareKind>(__ShareKindValues)
  }
}

export interface RevealedShare {
  owner?: Uint8Array<ArrayBuffer>
  kind: ShareKind
  share?: Uint8Array<ArrayBuffer>
}

export namespace RevealedShare {
  let _codec: Codec<RevealedShare>

  export const codec = (): Codec<RevealedShare> => {
    if (_codec == null) {
      _codec = message<RevealedShare>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.owner != null) {
          w.uint32(10)
          w.bytes(obj.owner)
        }

        if (obj.kind != null && __ShareKindValues[obj.kind] !== 0) {
          w.uint32(16)
          ShareKind.codec().encode(obj.kind, w)
        }

        if (obj.share != null) {
          w.uint32(26)
          w.bytes(obj.share)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          kind: ShareKind.SELF_MASK
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.owner = reader.bytes()
              break
            }
            case 2: {
              obj.kind = ShareKind.codec().decode(reader)
              break
            }
            case 3: {
              obj.share = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.owner`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.kind`,
                value: ShareKind.codec().decode(reader)
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.share`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface RevealedShareOwnerFieldEvent {
    field: '$.owner'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RevealedShareKindFieldEvent {
    field: '$.kind'
    value: ShareKind
  }

  export interface RevealedShareShareFieldEvent {
    field: '$.share'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<RevealedShare>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RevealedShare.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RevealedShare>): RevealedShare {
    return decodeMessage(buf, RevealedShare.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RevealedShare>): Generator<RevealedShareOwnerFieldEvent | RevealedShareKindFieldEvent | RevealedShareShareFieldEvent> {
    return streamMessage(buf, RevealedShare.codec(), opts)
  }
}

export interface UnmaskShares {
  ref?: RoundRef
  shares: RevealedShare[]
}

export namespace UnmaskShares {
  let _codec: Codec<UnmaskShares>

  export const codec = (): Codec<UnmaskShares> => {
    if (_codec == null) {
      _codec = message<UnmaskShares>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.ref != null) {
          w.uint32(10)
          RoundRef.codec().encode(obj.ref, w)
        }

        if (obj.shares != null && obj.shares.length > 0) {
          for (const value of obj.shares) {
            w.uint32(18)
            RevealedShare.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          shares: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.ref = RoundRef.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.ref
              })
              break
            }
            case 2: {
              if (opts.limits?.shares != null && obj.shares.length === opts.limits.shares) {
                throw new MaxLengthError('Decode error - repeated field "shares" had too many elements')
              }

              obj.shares.push(RevealedShare.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.shares$
              }))
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          shares: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * RoundRef.codec().stream(reader, reader.uint32(), `${prefix}.ref`, {
                limits: opts.limits?.ref
              })

              break
            }
            case 2: {
              if (opts.limits?.shares != null && obj.shares === opts.limits.shares) {
                throw new MaxLengthError('Streaming decode error - repeated field "shares" had too many elements')
              }

              for (const evt of RevealedShare.codec().stream(reader, reader.uint32(), `${prefix}.shares[]`, {
                limits: opts.limits?.shares$
              })) {
                yield {
                  ...evt,
                  index: obj.shares
                }
              }

              obj.shares++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface UnmaskSharesRefSessionFieldEvent {
    field: '$.ref.session'
    value: Uint8Array<ArrayBuffer>
  }

  export interface UnmaskSharesRefRoundFieldEvent {
    field: '$.ref.round'
    value: bigint
  }

  export interface UnmaskSharesRefAttemptFieldEvent {
    field: '$.ref.attempt'
    value: number
  }

  export interface UnmaskSharesSharesOwnerFieldEvent {
    field: '$.shares[].owner'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface UnmaskSharesSharesKindFieldEvent {
    field: '$.shares[].kind'
    value: ShareKind
    index: number
  }

  export interface UnmaskSharesSharesShareFieldEvent {
    field: '$.shares[].share'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<UnmaskShares>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, UnmaskShares.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<UnmaskShares>): UnmaskShares {
    return decodeMessage(buf, UnmaskShares.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<UnmaskShares>): Generator<UnmaskSharesRefSessionFieldEvent | UnmaskSharesRefRoundFieldEvent | UnmaskSharesRefAttemptFieldEvent | UnmaskSharesSharesOwnerFieldEvent | UnmaskSharesSharesKindFieldEvent | UnmaskSharesSharesShareFieldEvent> {
    return streamMessage(buf, UnmaskShares.codec(), opts)
  }
}

export interface RoundResult {
  ref?: RoundRef
  aggregator: Uint8Array<ArrayBuffer>
  participants: Uint8Array<ArrayBuffer>[]
  survivorSet: Uint8Array<ArrayBuffer>
  signatures: PeerSignature[]
  sum: Uint8Array<ArrayBuffer>
  beacon: Uint8Array<ArrayBuffer>
  beaconProof: Uint8Array<ArrayBuffer>
  carries: Uint8Array<ArrayBuffer>
}

export namespace RoundResult {
  let _codec: Codec<RoundResult>

  export const codec = (): Codec<RoundResult> => {
    if (_codec == null) {
      _codec = message<RoundResult>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.ref != null) {
          w.uint32(10)
          RoundRef.codec().encode(obj.ref, w)
        }

        if ((obj.aggregator != null && obj.aggregator.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.aggregator)
        }

        if (obj.participants != null && obj.participants.length > 0) {
          for (const value of obj.participants) {
            w.uint32(26)
            w.bytes(value)
          }
        }

        if ((obj.survivorSet != null && obj.survivorSet.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.survivorSet)
        }

        if (obj.signatures != null && obj.signatures.length > 0) {
          for (const value of obj.signatures) {
            w.uint32(42)
            PeerSignature.codec().encode(value, w)
          }
        }

        if ((obj.sum != null && obj.sum.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.sum)
        }

        if ((obj.beacon != null && obj.beacon.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.beacon)
        }

        if ((obj.beaconProof != null && obj.beaconProof.byteLength > 0)) {
          w.uint32(66)
          w.bytes(obj.beaconProof)
        }

        if ((obj.carries != null && obj.carries.byteLength > 0)) {
          w.uint32(74)
          w.bytes(obj.carries)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          aggregator: uint8ArrayAlloc(0),
          participants: [],
          survivorSet: uint8ArrayAlloc(0),
          signatures: [],
          sum: uint8ArrayAlloc(0),
          beacon: uint8ArrayAlloc(0),
          beaconProof: uint8ArrayAlloc(0),
          carries: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.ref = RoundRef.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.ref
              })
              break
            }
            case 2: {
              obj.aggregator = reader.bytes()
              break
            }
            case 3: {
              if (opts.limits?.participants != null && obj.participants.length === opts.limits.participants) {
                throw new MaxLengthError('Decode error - repeated field "participants" had too many elements')
              }

              obj.participants.push(reader.bytes())
              break
            }
            case 4: {
              obj.survivorSet = reader.bytes()
              break
            }
            case 5: {
              if (opts.limits?.signatures != null && obj.signatures.length === opts.limits.signatures) {
                throw new MaxLengthError('Decode error - repeated field "signatures" had too many elements')
              }

              obj.signatures.push(PeerSignature.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.signatures$
              }))
              break
            }
            case 6: {
              obj.sum = reader.bytes()
              break
            }
            case 7: {
              obj.beacon = reader.bytes()
              break
            }
            case 8: {
              obj.beaconProof = reader.bytes()
              break
            }
            case 9: {
              obj.carries = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          participants: 0,
          signatures: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * RoundRef.codec().stream(reader, reader.uint32(), `${prefix}.ref`, {
                limits: opts.limits?.ref
              })

              break
            }
            case 2: {
              yield {
                field: `${prefix}.aggregator`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              if (opts.limits?.participants != null && obj.participants === opts.limits.participants) {
                throw new MaxLengthError('Streaming decode error - repeated field "participants" had too many elements')
              }

              yield {
                field: `${prefix}.participants[]`,
                index: obj.participants,
                value: reader.bytes()
              }

              obj.participants++

              break
            }
            case 4: {
              yield {
                field: `${prefix}.survivorSet`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              if (opts.limits?.signatures != null && obj.signatures === opts.limits.signatures) {
                throw new MaxLengthError('Streaming decode error - repeated field "signatures" had too many elements')
              }

              for (const evt of PeerSignature.codec().stream(reader, reader.uint32(), `${prefix}.signatures[]`, {
                limits: opts.limits?.signatures$
              })) {
                yield {
                  ...evt,
                  index: obj.signatures
                }
              }

              obj.signatures++

              break
            }
            case 6: {
              yield {
                field: `${prefix}.sum`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.beacon`,
                value: reader.bytes()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.beaconProof`,
                value: reader.bytes()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.carries`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface RoundResultRefSessionFieldEvent {
    field: '$.ref.session'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoundResultRefRoundFieldEvent {
    field: '$.ref.round'
    value: bigint
  }

  export interface RoundResultRefAttemptFieldEvent {
    field: '$.ref.attempt'
    value: number
  }

  export interface RoundResultAggregatorFieldEvent {
    field: '$.aggregator'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoundResultParticipantsFieldEvent {
    field: '$.participants[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoundResultSurvivorSetFieldEvent {
    field: '$.survivorSet'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoundResultSignaturesSignerFieldEvent {
    field: '$.signatures[].signer'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface RoundResultSignaturesSignatureFieldEvent {
    field: '$.signatures[].signature'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface RoundResultSumFieldEvent {
    field: '$.sum'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoundResultBeaconFieldEvent {
    field: '$.beacon'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoundResultBeaconProofFieldEvent {
    field: '$.beaconProof'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoundResultCarriesFieldEvent {
    field: '$.carries'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<RoundResult>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RoundResult.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RoundResult>): RoundResult {
    return decodeMessage(buf, RoundResult.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RoundResult>): Generator<RoundResultRefSessionFieldEvent | RoundResultRefRoundFieldEvent | RoundResultRefAttemptFieldEvent | RoundResultAggregatorFieldEvent | RoundResultParticipantsFieldEvent | RoundResultSurvivorSetFieldEvent | RoundResultSignaturesSignerFieldEvent | RoundResultSignaturesSignatureFieldEvent | RoundResultSumFieldEvent | RoundResultBeaconFieldEvent | RoundResultBeaconProofFieldEvent | RoundResultCarriesFieldEvent> {
    return streamMessage(buf, RoundResult.codec(), opts)
  }
}

export interface RevealedSecret {
  owner: Uint8Array<ArrayBuffer>
  kind: ShareKind
  value: Uint8Array<ArrayBuffer>
}

export namespace RevealedSecret {
  let _codec: Codec<RevealedSecret>

  export const codec = (): Codec<RevealedSecret> => {
    if (_codec == null) {
      _codec = message<RevealedSecret>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.owner != null && obj.owner.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.owner)
        }

        if (obj.kind != null && __ShareKindValues[obj.kind] !== 0) {
          w.uint32(16)
          ShareKind.codec().encode(obj.kind, w)
        }

        if ((obj.value != null && obj.value.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.value)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          owner: uint8ArrayAlloc(0),
          kind: ShareKind.SELF_MASK,
          value: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.owner = reader.bytes()
              break
            }
            case 2: {
              obj.kind = ShareKind.codec().decode(reader)
              break
            }
            case 3: {
              obj.value = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.owner`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.kind`,
                value: ShareKind.codec().decode(reader)
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.value`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface RevealedSecretOwnerFieldEvent {
    field: '$.owner'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RevealedSecretKindFieldEvent {
    field: '$.kind'
    value: ShareKind
  }

  export interface RevealedSecretValueFieldEvent {
    field: '$.value'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<RevealedSecret>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RevealedSecret.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RevealedSecret>): RevealedSecret {
    return decodeMessage(buf, RevealedSecret.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RevealedSecret>): Generator<RevealedSecretOwnerFieldEvent | RevealedSecretKindFieldEvent | RevealedSecretValueFieldEvent> {
    return streamMessage(buf, RevealedSecret.codec(), opts)
  }
}

export interface RoundTranscript {
  result: Uint8Array<ArrayBuffer>
  commitments: Signed[]
  dealerCommitments: Signed[]
  advertisements: Signed[]
  secrets: RevealedSecret[]
}

export namespace RoundTranscript {
  let _codec: Codec<RoundTranscript>

  export const codec = (): Codec<RoundTranscript> => {
    if (_codec == null) {
      _codec = message<RoundTranscript>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.result != null && obj.result.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.result)
        }

        if (obj.commitments != null && obj.commitments.length > 0) {
          for (const value of obj.commitments) {
            w.uint32(18)
            Signed.codec().encode(value, w)
          }
        }

        if (obj.dealerCommitments != null && obj.dealerCommitments.length > 0) {
          for (const value of obj.dealerCommitments) {
            w.uint32(26)
            Signed.codec().encode(value, w)
          }
        }

        if (obj.advertisements != null && obj.advertisements.length > 0) {
          for (const value of obj.advertisements) {
            w.uint32(34)
            Signed.codec().encode(value, w)
          }
        }

        if (obj.secrets != null && obj.secrets.length > 0) {
          for (const value of obj.secrets) {
            w.uint32(42)
            RevealedSecret.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          result: uint8ArrayAlloc(0),
          commitments: [],
          dealerCommitments: [],
          advertisements: [],
          secrets: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.result = reader.bytes()
              break
            }
            case 2: {
              if (opts.limits?.commitments != null && obj.commitments.length === opts.limits.commitments) {
                throw new MaxLengthError('Decode error - repeated field "commitments" had too many elements')
              }

              obj.commitments.push(Signed.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.commitments$
              }))
              break
            }
            case 3: {
              if (opts.limits?.dealerCommitments != null && obj.dealerCommitments.length === opts.limits.dealerCommitments) {
                throw new MaxLengthError('Decode error - repeated field "dealerCommitments" had too many elements')
              }

              obj.dealerCommitments.push(Signed.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.dealerCommitments$
              }))
              break
            }
            case 4: {
              if (opts.limits?.advertisements != null && obj.advertisements.length === opts.limits.advertisements) {
                throw new MaxLengthError('Decode error - repeated field "advertisements" had too many elements')
              }

              obj.advertisements.push(Signed.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.advertisements$
              }))
              break
            }
            case 5: {
              if (opts.limits?.secrets != null && obj.secrets.length === opts.limits.secrets) {
                throw new MaxLengthError('Decode error - repeated field "secrets" had too many elements')
              }

              obj.secrets.push(RevealedSecret.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.secrets$
              }))
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          commitments: 0,
          dealerCommitments: 0,
          advertisements: 0,
          secrets: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.result`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              if (opts.limits?.commitments != null && obj.commitments === opts.limits.commitments) {
                throw new MaxLengthError('Streaming decode error - repeated field "commitments" had too many elements')
              }

              for (const evt of Signed.codec().stream(reader, reader.uint32(), `${prefix}.commitments[]`, {
                limits: opts.limits?.commitments$
              })) {
                yield {
                  ...evt,
                  index: obj.commitments
                }
              }

              obj.commitments++

              break
            }
            case 3: {
              if (opts.limits?.dealerCommitments != null && obj.dealerCommitments === opts.limits.dealerCommitments) {
                throw new MaxLengthError('Streaming decode error - repeated field "dealerCommitments" had too many elements')
              }

              for (const evt of Signed.codec().stream(reader, reader.uint32(), `${prefix}.dealerCommitments[]`, {
                limits: opts.limits?.dealerCommitments$
              })) {
                yield {
                  ...evt,
                  index: obj.dealerCommitments
                }
              }

              obj.dealerCommitments++

              break
            }
            case 4: {
              if (opts.limits?.advertisements != null && obj.advertisements === opts.limits.advertisements) {
                throw new MaxLengthError('Streaming decode error - repeated field "advertisements" had too many elements')
              }

              for (const evt of Signed.codec().stream(reader, reader.uint32(), `${prefix}.advertisements[]`, {
                limits: opts.limits?.advertisements$
              })) {
                yield {
                  ...evt,
                  index: obj.advertisements
                }
              }

              obj.advertisements++

              break
            }
            case 5: {
              if (opts.limits?.secrets != null && obj.secrets === opts.limits.secrets) {
                throw new MaxLengthError('Streaming decode error - repeated field "secrets" had too many elements')
              }

              for (const evt of RevealedSecret.codec().stream(reader, reader.uint32(), `${prefix}.secrets[]`, {
                limits: opts.limits?.secrets$
              })) {
                yield {
                  ...evt,
                  index: obj.secrets
                }
              }

              obj.secrets++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface RoundTranscriptResultFieldEvent {
    field: '$.result'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RoundTranscriptCommitmentsBodyFieldEvent {
    field: '$.commitments[].body'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface RoundTranscriptCommitmentsSignatureFieldEvent {
    field: '$.commitments[].signature'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface RoundTranscriptDealerCommitmentsBodyFieldEvent {
    field: '$.dealerCommitments[].body'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface RoundTranscriptDealerCommitmentsSignatureFieldEvent {
    field: '$.dealerCommitments[].signature'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface RoundTranscriptAdvertisementsBodyFieldEvent {
    field: '$.advertisements[].body'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface RoundTranscriptAdvertisementsSignatureFieldEvent {
    field: '$.advertisements[].signature'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface RoundTranscriptSecretsOwnerFieldEvent {
    field: '$.secrets[].owner'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface RoundTranscriptSecretsKindFieldEvent {
    field: '$.secrets[].kind'
    value: ShareKind
    index: number
  }

  export interface RoundTranscriptSecretsValueFieldEvent {
    field: '$.secrets[].value'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<RoundTranscript>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RoundTranscript.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RoundTranscript>): RoundTranscript {
    return decodeMessage(buf, RoundTranscript.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RoundTranscript>): Generator<RoundTranscriptResultFieldEvent | RoundTranscriptCommitmentsBodyFieldEvent | RoundTranscriptCommitmentsSignatureFieldEvent | RoundTranscriptDealerCommitmentsBodyFieldEvent | RoundTranscriptDealerCommitmentsSignatureFieldEvent | RoundTranscriptAdvertisementsBodyFieldEvent | RoundTranscriptAdvertisementsSignatureFieldEvent | RoundTranscriptSecretsOwnerFieldEvent | RoundTranscriptSecretsKindFieldEvent | RoundTranscriptSecretsValueFieldEvent> {
    return streamMessage(buf, RoundTranscript.codec(), opts)
  }
}

export interface RobustTranscript {
  groups: Uint8Array<ArrayBuffer>[]
}

export namespace RobustTranscript {
  let _codec: Codec<RobustTranscript>

  export const codec = (): Codec<RobustTranscript> => {
    if (_codec == null) {
      _codec = message<RobustTranscript>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.groups != null && obj.groups.length > 0) {
          for (const value of obj.groups) {
            w.uint32(130)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          groups: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 16: {
              if (opts.limits?.groups != null && obj.groups.length === opts.limits.groups) {
                throw new MaxLengthError('Decode error - repeated field "groups" had too many elements')
              }

              obj.groups.push(reader.bytes())
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          groups: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 16: {
              if (opts.limits?.groups != null && obj.groups === opts.limits.groups) {
                throw new MaxLengthError('Streaming decode error - repeated field "groups" had too many elements')
              }

              yield {
                field: `${prefix}.groups[]`,
                index: obj.groups,
                value: reader.bytes()
              }

              obj.groups++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface RobustTranscriptGroupsFieldEvent {
    field: '$.groups[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<RobustTranscript>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RobustTranscript.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RobustTranscript>): RobustTranscript {
    return decodeMessage(buf, RobustTranscript.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RobustTranscript>): Generator<RobustTranscriptGroupsFieldEvent> {
    return streamMessage(buf, RobustTranscript.codec(), opts)
  }
}
