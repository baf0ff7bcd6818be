/** announce: open the attempt with a signed announcement carrying the beacon and the phase deadlines. */
import { SignatureDomain } from '../../crypto/identity.js'
import { Announcement } from '../../pb/messages.js'
import { TIMED_PHASES } from '../phases.js'
import { refOf, signed } from '../wire.js'
import type { Step } from '../events.js'
import type { AggregatorState } from './state.js'

export async function announce (state: AggregatorState): Promise<Step> {
  const { config, context } = state
  let deadline = config.now()
  state.phaseOpened = deadline
  state.deadlines = TIMED_PHASES.map(phase => (deadline += config.params.phaseTimeouts[phase]))
  const { bytes } = await signed(Announcement, {
    ref: refOf(context),
    aggregator: config.identity.bytes as Uint8Array<ArrayBuffer>,
    beacon: config.beacon as Uint8Array<ArrayBuffer>,
    deadlines: state.deadlines.map(BigInt)
  }, config.privateKey, SignatureDomain.announcement)
  state.status = 'advertise-keys'
  return {
    messages: [{ to: 'all', type: 'announcement', bytes }],
    events: [{ type: 'phase', phase: 'advertise-keys' }]
  }
}
