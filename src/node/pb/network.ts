import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface Route {
  session: Uint8Array<ArrayBuffer>
  round: bigint
  attempt: number
}

export namespace Route {
  let _codec: Codec<Route>

  export const codec = (): Codec<Route> => {
    if (_codec == null) {
      _codec = message<Route>((obj, w, opts = {}) => {
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

  export interface RouteSessionFieldEvent {
    field: '$.session'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RouteRoundFieldEvent {
    field: '$.round'
    value: bigint
  }

  export interface RouteAttemptFieldEvent {
    field: '$.attempt'
    value: number
  }

  export function encode (obj: Partial<Route>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Route.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Route>): Route {
    return decodeMessage(buf, Route.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Route>): Generator<RouteSessionFieldEvent | RouteRoundFieldEvent | RouteAttemptFieldEvent> {
    return streamMessage(buf, Route.codec(), opts)
  }
}

export interface Notice {
  presence?: Presence
  announcement?: Uint8Array<ArrayBuffer>
  result?: ResultNotice
  misbehaviour?: Misbehaviour
  peerLost?: PeerLost
  closedRound?: bigint
}

export namespace Notice {
  let _codec: Codec<Notice>

  export const codec = (): Codec<Notice> => {
    if (_codec == null) {
      _codec = message<Notice>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.presence != null) {
          w.uint32(10)
          Presence.codec().encode(obj.presence, w)
        }

        if (obj.announcement != null) {
          w.uint32(18)
          w.bytes(obj.announcement)
        }

        if (obj.result != null) {
          w.uint32(26)
          ResultNotice.codec().encode(obj.result, w)
        }

        if (obj.misbehaviour != null) {
          w.uint32(34)
          Misbehaviour.codec().encode(obj.misbehaviour, w)
        }

        if (obj.peerLost != null) {
          w.uint32(42)
          PeerLost.codec().encode(obj.peerLost, w)
        }

        if (obj.closedRound != null) {
          w.uint32(48)
          w.uint64(obj.closedRound)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.presence = Presence.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.presence
              })
              break
            }
            case 2: {
              obj.announcement = reader.bytes()
              break
            }
            case 3: {
              obj.result = ResultNotice.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.result
              })
              break
            }
            case 4: {
              obj.misbehaviour = Misbehaviour.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.misbehaviour
              })
              break
            }
            case 5: {
              obj.peerLost = PeerLost.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.peerLost
              })
              break
            }
            case 6: {
              obj.closedRound = reader.uint64()
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
              yield * Presence.codec().stream(reader, reader.uint32(), `${prefix}.presence`, {
                limits: opts.limits?.presence
              })

              break
            }
            case 2: {
              yield {
                field: `${prefix}.announcement`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield * ResultNotice.codec().stream(reader, reader.uint32(), `${prefix}.result`, {
                limits: opts.limits?.result
              })

              break
            }
            case 4: {
              yield * Misbehaviour.codec().stream(reader, reader.uint32(), `${prefix}.misbehaviour`, {
                limits: opts.limits?.misbehaviour
              })

              break
            }
            case 5: {
              yield * PeerLost.codec().stream(reader, reader.uint32(), `${prefix}.peerLost`, {
                limits: opts.limits?.peerLost
              })

              break
            }
            case 6: {
              yield {
                field: `${prefix}.closedRound`,
                value: reader.uint64()
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

  export interface NoticePresenceLatestRoundFieldEvent {
    field: '$.presence.latestRound'
    value: bigint
  }

  export interface NoticePresenceReadyFieldEvent {
    field: '$.presence.ready'
    value: boolean
  }

  export interface NoticePresenceAddressesFieldEvent {
    field: '$.presence.addresses[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface NoticeAnnouncementFieldEvent {
    field: '$.announcement'
    value: Uint8Array<ArrayBuffer>
  }

  export interface NoticeResultRoundFieldEvent {
    field: '$.result.round'
    value: bigint
  }

  export interface NoticeResultAttemptFieldEvent {
    field: '$.result.attempt'
    value: number
  }

  export interface NoticeMisbehaviourRoundFieldEvent {
    field: '$.misbehaviour.round'
    value: bigint
  }

  export interface NoticeMisbehaviourAttemptFieldEvent {
    field: '$.misbehaviour.attempt'
    value: number
  }

  export interface NoticeMisbehaviourProofFieldEvent {
    field: '$.misbehaviour.proof'
    value: Uint8Array<ArrayBuffer>
  }

  export interface NoticePeerLostRoundFieldEvent {
    field: '$.peerLost.round'
    value: bigint
  }

  export interface NoticePeerLostAttemptFieldEvent {
    field: '$.peerLost.attempt'
    value: number
  }

  export interface NoticePeerLostPeerFieldEvent {
    field: '$.peerLost.peer'
    value: Uint8Array<ArrayBuffer>
  }

  export interface NoticeClosedRoundFieldEvent {
    field: '$.closedRound'
    value: bigint
  }

  export function encode (obj: Partial<Notice>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Notice.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Notice>): Notice {
    return decodeMessage(buf, Notice.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Notice>): Generator<NoticePresenceLatestRoundFieldEvent | NoticePresenceReadyFieldEvent | NoticePresenceAddressesFieldEvent | NoticeAnnouncementFieldEvent | NoticeResultRoundFieldEvent | NoticeResultAttemptFieldEvent | NoticeMisbehaviourRoundFieldEvent | NoticeMisbehaviourAttemptFieldEvent | NoticeMisbehaviourProofFieldEvent | NoticePeerLostRoundFieldEvent | NoticePeerLostAttemptFieldEvent | NoticePeerLostPeerFieldEvent | NoticeClosedRoundFieldEvent> {
    return streamMessage(buf, Notice.codec(), opts)
  }
}

export interface PeerLost {
  round: bigint
  attempt: number
  peer: Uint8Array<ArrayBuffer>
}

export namespace PeerLost {
  let _codec: Codec<PeerLost>

  export const codec = (): Codec<PeerLost> => {
    if (_codec == null) {
      _codec = message<PeerLost>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.round != null && obj.round !== 0n)) {
          w.uint32(8)
          w.uint64(obj.round)
        }

        if ((obj.attempt != null && obj.attempt !== 0)) {
          w.uint32(16)
          w.uint32(obj.attempt)
        }

        if ((obj.peer != null && obj.peer.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.peer)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          round: 0n,
          attempt: 0,
          peer: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.round = reader.uint64()
              break
            }
            case 2: {
              obj.attempt = reader.uint32()
              break
            }
            case 3: {
              obj.peer = reader.bytes()
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
                field: `${prefix}.round`,
                value: reader.uint64()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.attempt`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.peer`,
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

  export interface PeerLostRoundFieldEvent {
    field: '$.round'
    value: bigint
  }

  export interface PeerLostAttemptFieldEvent {
    field: '$.attempt'
    value: number
  }

  export interface PeerLostPeerFieldEvent {
    field: '$.peer'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<PeerLost>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PeerLost.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PeerLost>): PeerLost {
    return decodeMessage(buf, PeerLost.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PeerLost>): Generator<PeerLostRoundFieldEvent | PeerLostAttemptFieldEvent | PeerLostPeerFieldEvent> {
    return streamMessage(buf, PeerLost.codec(), opts)
  }
}

export interface Misbehaviour {
  round: bigint
  attempt: number
  proof: Uint8Array<ArrayBuffer>
}

export namespace Misbehaviour {
  let _codec: Codec<Misbehaviour>

  export const codec = (): Codec<Misbehaviour> => {
    if (_codec == null) {
      _codec = message<Misbehaviour>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.round != null && obj.round !== 0n)) {
          w.uint32(8)
          w.uint64(obj.round)
        }

        if ((obj.attempt != null && obj.attempt !== 0)) {
          w.uint32(16)
          w.uint32(obj.attempt)
        }

        if ((obj.proof != null && obj.proof.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.proof)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          round: 0n,
          attempt: 0,
          proof: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.round = reader.uint64()
              break
            }
            case 2: {
              obj.attempt = reader.uint32()
              break
            }
            case 3: {
              obj.proof = reader.bytes()
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
                field: `${prefix}.round`,
                value: reader.uint64()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.attempt`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.proof`,
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

  export interface MisbehaviourRoundFieldEvent {
    field: '$.round'
    value: bigint
  }

  export interface MisbehaviourAttemptFieldEvent {
    field: '$.attempt'
    value: number
  }

  export interface MisbehaviourProofFieldEvent {
    field: '$.proof'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Misbehaviour>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Misbehaviour.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Misbehaviour>): Misbehaviour {
    return decodeMessage(buf, Misbehaviour.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Misbehaviour>): Generator<MisbehaviourRoundFieldEvent | MisbehaviourAttemptFieldEvent | MisbehaviourProofFieldEvent> {
    return streamMessage(buf, Misbehaviour.codec(), opts)
  }
}

export interface Presence {
  latestRound: bigint
  ready: boolean
  addresses: Uint8Array<ArrayBuffer>[]
}

export namespace Presence {
  let _codec: Codec<Presence>

  export const codec = (): Codec<Presence> => {
    if (_codec == null) {
      _codec = message<Presence>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.latestRound != null && obj.latestRound !== 0n)) {
          w.uint32(8)
          w.uint64(obj.latestRound)
        }

        if ((obj.ready != null && obj.ready !== false)) {
          w.uint32(16)
          w.bool(obj.ready)
        }

        if (obj.addresses != null && obj.addresses.length > 0) {
          for (const value of obj.addresses) {
            w.uint32(26)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          latestRound: 0n,
          ready: false,
          addresses: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.latestRound = reader.uint64()
              break
            }
            case 2: {
              obj.ready = reader.bool()
              break
            }
            case 3: {
              if (opts.limits?.addresses != null && obj.addresses.length === opts.limits.addresses) {
                throw new MaxLengthError('Decode error - repeated field "addresses" had too many elements')
              }

              obj.addresses.push(reader.bytes())
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
          addresses: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.latestRound`,
                value: reader.uint64()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.ready`,
                value: reader.bool()
              }
              break
            }
            case 3: {
              if (opts.limits?.addresses != null && obj.addresses === opts.limits.addresses) {
                throw new MaxLengthError('Streaming decode error - repeated field "addresses" had too many elements')
              }

              yield {
                field: `${prefix}.addresses[]`,
                index: obj.addresses,
                value: reader.bytes()
              }

              obj.addresses++

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

  export interface PresenceLatestRoundFieldEvent {
    field: '$.latestRound'
    value: bigint
  }

  export interface PresenceReadyFieldEvent {
    field: '$.ready'
    value: boolean
  }

  export interface PresenceAddressesFieldEvent {
    field: '$.addresses[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Presence>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Presence.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Presence>): Presence {
    return decodeMessage(buf, Presence.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Presence>): Generator<PresenceLatestRoundFieldEvent | PresenceReadyFieldEvent | PresenceAddressesFieldEvent> {
    return streamMessage(buf, Presence.codec(), opts)
  }
}

export interface ResultNotice {
  round: bigint
  attempt: number
}

export namespace ResultNotice {
  let _codec: Codec<ResultNotice>

  export const codec = (): Codec<ResultNotice> => {
    if (_codec == null) {
      _codec = message<ResultNotice>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.round != null && obj.round !== 0n)) {
          w.uint32(8)
          w.uint64(obj.round)
        }

        if ((obj.attempt != null && obj.attempt !== 0)) {
          w.uint32(16)
          w.uint32(obj.attempt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          round: 0n,
          attempt: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.round = reader.uint64()
              break
            }
            case 2: {
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
                field: `${prefix}.round`,
                value: reader.uint64()
              }
              break
            }
            case 2: {
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

  export interface ResultNoticeRoundFieldEvent {
    field: '$.round'
    value: bigint
  }

  export interface ResultNoticeAttemptFieldEvent {
    field: '$.attempt'
    value: number
  }

  export function encode (obj: Partial<ResultNotice>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ResultNotice.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ResultNotice>): ResultNotice {
    return decodeMessage(buf, ResultNotice.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ResultNotice>): Generator<ResultNoticeRoundFieldEvent | ResultNoticeAttemptFieldEvent> {
    return streamMessage(buf, ResultNotice.codec(), opts)
  }
}

export interface ResultRequest {
  session: Uint8Array<ArrayBuffer>
  round: bigint
}

export namespace ResultRequest {
  let _codec: Codec<ResultRequest>

  export const codec = (): Codec<ResultRequest> => {
    if (_codec == null) {
      _codec = message<ResultRequest>((obj, w, opts = {}) => {
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

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          session: uint8ArrayAlloc(0),
          round: 0n
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

  export interface ResultRequestSessionFieldEvent {
    field: '$.session'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ResultRequestRoundFieldEvent {
    field: '$.round'
    value: bigint
  }

  export function encode (obj: Partial<ResultRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ResultRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ResultRequest>): ResultRequest {
    return decodeMessage(buf, ResultRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ResultRequest>): Generator<ResultRequestSessionFieldEvent | ResultRequestRoundFieldEvent> {
    return streamMessage(buf, ResultRequest.codec(), opts)
  }
}

export interface ResultResponse {
  result: Uint8Array<ArrayBuffer>
}

export namespace ResultResponse {
  let _codec: Codec<ResultResponse>

  export const codec = (): Codec<ResultResponse> => {
    if (_codec == null) {
      _codec = message<ResultResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.result != null && obj.result.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.result)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          result: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.result = reader.bytes()
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
                field: `${prefix}.result`,
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

  export interface ResultResponseResultFieldEvent {
    field: '$.result'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<ResultResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ResultResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ResultResponse>): ResultResponse {
    return decodeMessage(buf, ResultResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ResultResponse>): Generator<ResultResponseResultFieldEvent> {
    return streamMessage(buf, ResultResponse.codec(), opts)
  }
}
