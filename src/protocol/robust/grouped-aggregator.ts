/**
 * The aggregator of a robust round: one round-core Aggregator per group (robust/group-params.ts), each
 * with its group's members only, behind the surface the session core drives a plain Aggregator by.
 * A participant's message goes to its own group's instance, known from its id and the round's cut;
 * each instance's announcement goes to its group's members; the groups' results are held back until
 * every group has ended, then combined (robust-outcome.ts) and sent to all as one RobustTranscript.
 * A group that aborts (too many of it dropped out) is left out; the round fails only when the rule can
 * no longer outvote what the remaining groups may hold.
 */
import { Aggregator } from '../round/aggregator/aggregator.js'
import { emptyStep, merge, type RoundEvent, type RoundOutcome, type Step, type MessageType } from '../round/events.js'
import { UploadCheck } from '../verification/upload-check.js'
import { RobustTranscript } from '../pb/messages.js'
import { groupParams } from './group-params.js'
import { robustOutcome } from './robust-outcome.js'
import type { AggregatorConfig, AggregatorStatus } from '../round/aggregator/state.js'
import type { ResolvedRobust } from './params.js'
import type { Identity } from '../crypto/identity.js'
import type { AbortReason } from '../round/errors.js'
import type { Phase } from '../round/phases.js'

export interface GroupedAggregatorConfig extends Omit<AggregatorConfig, 'expectedParticipants' | 'uploadCheck'> {
  robust: ResolvedRobust
  /** The round's cut of the session's members (partitionGroups). */
  groups: Identity[][]
}

const PHASES: Phase[] = ['announce', 'advertise-keys', 'share-keys', 'masked-input', 'consistency-check', 'unmask']

export class GroupedAggregator {
  private readonly instances: Aggregator[]
  private readonly groupOf = new Map<string, number>()
  private readonly outcomes: Array<RoundOutcome | undefined>
  private readonly transcripts: Uint8Array[]
  private readonly reported = new Set<Phase>()
  private ended: 'done' | 'aborted' | undefined

  constructor (private readonly config: GroupedAggregatorConfig) {
    config.groups.forEach((members, g) => members.forEach(m => this.groupOf.set(m.id, g)))
    const uploadCheck = UploadCheck.shared()
    this.instances = config.groups.map((members, g) => new Aggregator({
      ...config,
      params: groupParams(config.params, config.robust, g, members.length),
      isMember: peer => this.groupOf.get(peer.id) === g && config.isMember(peer),
      expectedParticipants: members.filter(m => config.isMember(m)).length,
      uploadCheck
    }))
    this.outcomes = config.groups.map(() => undefined)
    this.transcripts = config.groups.map(() => new Uint8Array(0))
  }

  /** 'advertise-keys' while any group still takes keys; the earliest phase of the groups still going. */
  get status (): AggregatorStatus {
    if (this.ended !== undefined) return this.ended
    const going = this.instances.map(a => a.status).filter(s => s !== 'done' && s !== 'aborted') as Phase[]
    return going.length === 0 ? 'unmask' : PHASES[Math.min(...going.map(s => PHASES.indexOf(s)))]
  }

  awaitsMaskedInput (from: Identity): boolean {
    return this.instanceOf(from)?.awaitsMaskedInput(from) ?? false
  }

  async announce (): Promise<Step> {
    const step = emptyStep()
    for (const [g, instance] of this.instances.entries()) merge(step, this.translate(g, await instance.announce()))
    return this.finishIfEnded(step)
  }

  async handle (from: Identity, type: MessageType, bytes: Uint8Array): Promise<Step> {
    const g = this.groupOf.get(from.id)
    if (g === undefined || this.ended !== undefined) return emptyStep()
    return this.finishIfEnded(this.translate(g, await this.instances[g].handle(from, type, bytes)))
  }

  async peerLost (peer: Identity): Promise<Step> {
    const g = this.groupOf.get(peer.id)
    if (g === undefined || this.ended !== undefined) return emptyStep()
    return this.finishIfEnded(this.translate(g, await this.instances[g].peerLost(peer)))
  }

  async abandonUpload (from: Identity): Promise<Step> {
    const g = this.groupOf.get(from.id)
    if (g === undefined || this.ended !== undefined) return emptyStep()
    return this.finishIfEnded(this.translate(g, await this.instances[g].abandonUpload(from)))
  }

  nextDeadline (): number | undefined {
    if (this.ended !== undefined) return undefined
    const deadlines = this.instances.map(a => a.nextDeadline()).filter((d): d is number => d !== undefined)
    return deadlines.length === 0 ? undefined : Math.min(...deadlines)
  }

  async handleTimeout (now: number): Promise<Step> {
    const step = emptyStep()
    if (this.ended !== undefined) return step
    for (const [g, instance] of this.instances.entries()) merge(step, this.translate(g, await instance.handleTimeout(now)))
    return this.finishIfEnded(step)
  }

  async abort (reason: AbortReason, message: string): Promise<Step> {
    if (this.ended !== undefined) return emptyStep()
    for (const instance of this.instances) await instance.abort(reason, message)
    this.ended = 'aborted'
    return { messages: [], events: [{ type: 'aborted', reason, phase: 'unmask', message }] }
  }

  private instanceOf (peer: Identity): Aggregator | undefined {
    const g = this.groupOf.get(peer.id)
    return g === undefined ? undefined : this.instances[g]
  }

  /**
   * A group instance's step as the session core should see it: its announcement addressed to the
   * group's members, its result held back, its abort a log line about the group, and each phase
   * reported once, when the first group reaches it.
   */
  private translate (g: number, step: Step): Step {
    const out = emptyStep()
    for (const message of step.messages) {
      if (message.to !== 'all') out.messages.push(message)
      else if (message.type === 'announcement') for (const member of this.config.groups[g]) out.messages.push({ ...message, to: member.bytes })
      else if (message.type === 'result') this.transcripts[g] = message.bytes
    }
    for (const event of step.events) {
      if (event.type === 'result') this.outcomes[g] = event.outcome
      else if (event.type === 'aborted') out.events.push({ type: 'excluded', peer: `group ${g}`, phase: event.phase, reason: event.reason, message: `group ${g}'s round ended without a sum: ${event.message}` })
      else if (event.type !== 'phase' || !this.reported.has(event.phase)) {
        if (event.type === 'phase') this.reported.add(event.phase)
        out.events.push(event)
      }
    }
    return out
  }

  /** Once every group has ended: the combined result to all, or the round's abort. */
  private finishIfEnded (step: Step): Step {
    if (this.ended !== undefined || this.instances.some(a => a.status !== 'done' && a.status !== 'aborted')) return step
    const transcript = RobustTranscript.encode({ groups: this.transcripts as Array<Uint8Array<ArrayBuffer>> })
    let event: RoundEvent
    try {
      const outcome = robustOutcome(this.config.params, this.config.robust, this.outcomes, transcript)
      this.ended = 'done'
      step.messages.push({ to: 'all', type: 'result', bytes: transcript })
      event = { type: 'result', outcome }
    } catch (err: any) {
      this.ended = 'aborted'
      event = { type: 'aborted', reason: 'too-many-dropouts', phase: 'unmask', message: err.message }
    }
    step.events.push(event)
    return step
  }
}
