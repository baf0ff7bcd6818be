/** Leaving a peer out of the rest of an attempt, for a message of its own or for proof against it. */
import { dropUpload } from './masked-input.js'
import type { AbortReason } from '../errors.js'
import type { RoundEvent } from '../events.js'
import type { Phase } from '../phases.js'
import type { AggregatorState } from './state.js'

/**
 * Excludes a peer: its messages are ignored from now on, and a masked input of its not yet in the sum
 * for good is taken back out (one already in stays, and the peer with it in U3).
 */
export function excludePeer (state: AggregatorState, peer: string, phase: Phase, reason: AbortReason, message: string): RoundEvent {
  state.excluded.add(peer)
  if (state.status === 'masked-input') dropUpload(state, peer)
  return { type: 'excluded', peer, phase, reason, message }
}
