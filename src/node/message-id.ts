import { toHex } from '../protocol/crypto/bytes.js'
import type { GossipsubOpts } from '@libp2p/gossipsub'

/**
 * Gossipsub checks a message's signature before it looks the message up among those it has seen,
 * unless it has this function: every copy from every mesh peer (six or more of each) was verified again,
 * which at 50 members on two cores kept whole nodes busy with presence alone. A message's sender and
 * sequence number are its id under the StrictSign policy anyway, and gossipsub caches this one only
 * for messages that passed the check, so a forged copy cannot shadow the real one.
 */
export function fastMessageId (message: Parameters<GossipsubOpts['fastMsgIdFn']>[0]): string {
  return message.from === undefined || message.seqno === undefined ? '' : `${toHex(message.from)}/${toHex(message.seqno)}`
}
