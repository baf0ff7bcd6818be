/**
 * One session as the daemon runs it: the updates trainers handed in, queued in order and fed one per
 * round to the service; the round each is in and its phase; and the last results, for trainers to
 * fetch. An update leaves the disk only when its round has a result (or it can never have one).
 */
import type { RobustReport } from '../protocol/robust/robust-outcome.js'
import { EventEmitter } from 'node:events'
import { InvalidUpdateError, PrivacyBudgetError, RoundFailedError } from '../node/errors.js'
import { openSession, type Session } from '../node/session-config.js'
import { assertValidUpdate } from '../protocol/encoding/quantize.js'
import { DaemonInputError } from './errors.js'
import type { JoinedSession } from '../node/service.js'
import type { AggregateResult, RoundDropout, RoundProgress } from '../node/session-runner.js'
import type { RoundOutcome } from '../protocol/round/events.js'
import type { Phase } from '../protocol/round/phases.js'
import type { PrivacyReport } from '../protocol/dp/budget.js'
import type { Idempotency, StoredUpdate, UpdateStore } from './update-store.js'

export type UpdateState = 'queued' | 'in-round' | 'retrying' | 'aggregated' | 'failed'

export interface UpdateStatus {
  id: string
  session: string
  state: UpdateState
  acceptedAt: number
  /** The round the update is in or was aggregated in. */
  round?: number
  /** Why it failed, or why its last round did. */
  error?: string
  /** Rounds it has been submitted to so far. */
  tries: number
  /** Once failed, what a client should do about it: `do-not-resend` asks for a fresh update. */
  code?: FailureCode
}

/**
 * Why an update failed, for clients to act on: `do-not-resend`, its round failed after this node
 * revealed shares in it (the same values in another sum could be exposed: submit a fresh update);
 * `invalid-update` and `privacy-budget`, no round will take it; `round-failed`, rounds failed and
 * retries were off or spent.
 */
export type FailureCode = 'do-not-resend' | 'invalid-update' | 'privacy-budget' | 'round-failed'

export interface RoundRecord {
  round: number
  attempt: number
  aggregator: string
  participants: string[]
  survivors: string[]
  weightSum: number
  sum: Float64Array
  mean: Float64Array
  completedAt: number
  /** The result as its aggregator signed it, for anyone who wants to check it. */
  signedResult: Uint8Array
  /**
   * The round's transcript (protobuf RoundTranscript), which holds the signed result: anyone with the
   * session file checks with it that the sum is the survivors' inputs (auditTranscript, `secagg verify`).
   * Empty only for a fetched result that came without one, which the session core never adopts.
   */
  transcript: Uint8Array
  /** The update of this node that the round aggregated, if any. */
  update?: string
  /** How many of that update's coordinates were clipped to the session's range. */
  clipped?: number
  /** A robust round's groups: used, failed, and dropped over their bounds (docs/robustness.md). */
  robust?: RobustReport
}

export interface WorkerSettings {
  retryFailedRounds: boolean
  retryDelay: number
  maxQueuedUpdates: number
  keepResults: number
}

export interface WorkerEvents {
  update: [UpdateStatus]
  progress: [RoundProgress]
  /** A phase of this session's round stopped waiting for a peer, and how it knew. */
  dropout: [RoundDropout]
  result: [RoundRecord]
  failure: [{ round: number, reason: string }]
}

export class SessionWorker extends EventEmitter<WorkerEvents> {
  readonly session: Session
  private readonly queue: StoredUpdate[] = []
  private readonly statuses = new Map<string, UpdateStatus>()
  private readonly results: RoundRecord[] = []
  private current: { update: StoredUpdate, abort: AbortController, done: Promise<void>, progress?: RoundProgress } | undefined
  private retryTimer: NodeJS.Timeout | undefined
  private stopping = false
  /** Places in the queue held by updates being written to disk, so concurrent submissions respect the limit. */
  private reserved = 0
  /** Updates by the Idempotency-Key they came with, as long as their statuses are kept; the id settles once stored. */
  private readonly byKey = new Map<string, { digest: string, id: Promise<string> }>()
  private readonly keyOf = new Map<string, string>()

  constructor (private readonly joined: JoinedSession, private readonly store: UpdateStore, private readonly settings: WorkerSettings) {
    super()
    this.session = openSession(joined.config)
  }

  get name (): string {
    return this.session.config.name
  }

  /**
   * Checks an update against the session before anything is stored; throws DaemonInputError naming the
   * problem. Updates restored from disk were accepted once already: the queue's limit does not apply.
   */
  check (values: Float32Array, weight: number | undefined, restoring = false): void {
    const { params } = this.session
    try {
      assertValidUpdate(values, params.dimension, weight ?? params.encoding.maxWeight, params.encoding)
    } catch (err: any) {
      throw new DaemonInputError('bad-update', err.message)
    }
    if (restoring) return
    if (this.stopping) throw new DaemonInputError('stopping', 'the daemon is shutting down', 503)
    if (this.queue.length + this.reserved >= this.settings.maxQueuedUpdates) {
      throw new DaemonInputError('queue-full', `session ${this.name} already holds ${this.queue.length} updates waiting for their rounds`, 429)
    }
    const privacy = this.joined.privacy()
    if (privacy !== undefined) {
      // every update queued (the one in a round too, until its round is charged) will spend a round
      const inRound = this.current === undefined ? undefined : this.statuses.get(this.current.update.id)?.round
      const charged = inRound !== undefined && privacy.rounds.some(r => r.round === inRound) ? 1 : 0
      const waiting = this.queue.length + this.reserved - charged
      if (waiting >= privacy.roundsLeft) {
        throw new DaemonInputError('privacy-budget', `session ${this.name}'s privacy budget (epsilon ${privacy.budget.epsilon}, delta ${privacy.budget.delta}) has room for ${privacy.roundsLeft} more rounds of this node's inputs, and ${waiting} updates already wait for them: epsilon ${privacy.epsilonSpent.toFixed(3)} is spent over ${privacy.rounds.length} rounds`, 409)
      }
    }
  }

  /** Holds a place in the queue while an update is written to disk; release it with the returned function. */
  reserve (): () => void {
    this.reserved++
    let released = false
    return () => {
      if (!released) this.reserved--
      released = true
    }
  }

  /** The update first submitted with this Idempotency-Key, while its status is kept. */
  submittedWith (key: string): { digest: string, id: Promise<string> } | undefined {
    return this.byKey.get(key)
  }

  /**
   * Takes an Idempotency-Key for an update being stored, so a retry that arrives meanwhile waits for
   * it rather than storing the update again; a store that fails frees the key.
   */
  claim (idempotency: Idempotency, id: Promise<string>): void {
    this.byKey.set(idempotency.key, { digest: idempotency.digest, id })
    id.then(settled => { this.keyOf.set(settled, idempotency.key) }, () => {
      if (this.byKey.get(idempotency.key)?.id === id) this.byKey.delete(idempotency.key)
    })
  }

  /** Takes a stored update (new, or found on disk at start) into the queue. */
  enqueue (update: StoredUpdate): UpdateStatus {
    if (update.idempotency !== undefined && !this.byKey.has(update.idempotency.key)) this.claim(update.idempotency, Promise.resolve(update.id))
    const status: UpdateStatus = { id: update.id, session: update.session, state: 'queued', acceptedAt: update.acceptedAt, tries: 0 }
    this.queue.push(update)
    this.setStatus(status)
    this.next()
    return status
  }

  status (id: string): UpdateStatus | undefined {
    return this.statuses.get(id)
  }

  /** What the session is doing now, for listings. */
  state (): { queued: number, current?: { update: string, round?: number, attempt?: number, phase?: Phase, role?: string, aggregator?: string } } {
    const progress = this.current?.progress
    return {
      queued: this.queue.length,
      ...(this.current === undefined
        ? {}
        : { current: { update: this.current.update.id, ...(progress === undefined ? {} : { round: progress.round, attempt: progress.attempt, phase: progress.phase, role: progress.role, aggregator: progress.aggregator }) } })
    }
  }

  /** Results held, newest last. */
  rounds (): RoundRecord[] {
    return [...this.results]
  }

  /** A DP session's budget and spending; undefined when the session adds no noise. */
  privacy (): PrivacyReport | undefined {
    return this.joined.privacy()
  }

  /** The result of a round, if this node holds it: one it took part in, or one it fetched. */
  result (round: number | 'latest'): RoundRecord | undefined {
    const latest = this.joined.latestResult()
    if (latest !== undefined && (round === 'latest' || round === latest.round)) this.onFetchedResult(latest)
    if (round === 'latest') return this.results.at(-1)
    return this.results.find(r => r.round === round)
  }

  /**
   * Keeps the result of a round this node took no part in (it fell behind and fetched it), and tells
   * whoever waits for that round, as for a round it took part in.
   */
  onFetchedResult (outcome: RoundOutcome): void {
    if (this.results.some(r => r.round === outcome.round)) return
    this.emit('result', this.remember({ ...outcome, transcript: outcome.transcript ?? new Uint8Array(0), completedAt: Date.now() }))
  }

  /** The round number the next update would go into. */
  get nextRound (): number {
    return (this.joined.latestResult()?.round ?? 0) + 1
  }

  /** Progress of this session's rounds, from the service. */
  onProgress (progress: RoundProgress): void {
    if (this.current === undefined) return
    this.current.progress = progress
    const status = this.statuses.get(this.current.update.id)
    if (status !== undefined && (status.state !== 'in-round' || status.round !== progress.round)) this.setStatus({ ...status, state: 'in-round', round: progress.round })
    this.emit('progress', progress)
  }

  /**
   * Stops taking updates. A round whose keys this node has shared may run to its end within `timeout`
   * (its update then counts, and the others need not recover its masks); then, or at once if no such
   * round is under way, the pending update is abandoned, still stored for the next start.
   */
  async stop (timeout: number): Promise<void> {
    this.stopping = true
    clearTimeout(this.retryTimer)
    const current = this.current
    if (current !== undefined) {
      const phase = current.progress?.phase
      if (phase !== undefined && phase !== 'announce' && phase !== 'advertise-keys') await Promise.race([current.done, new Promise(resolve => setTimeout(resolve, timeout).unref())])
      current.abort.abort()
      await current.done
    }
    this.joined.leave()
  }

  private setStatus (status: UpdateStatus): void {
    this.statuses.set(status.id, status)
    // statuses of finished updates are kept as long as results are
    if (this.statuses.size > this.settings.maxQueuedUpdates + this.settings.keepResults * 4) {
      for (const [id, old] of this.statuses) {
        if (old.state === 'aggregated' || old.state === 'failed') {
          this.statuses.delete(id)
          const key = this.keyOf.get(id)
          if (key !== undefined) this.byKey.delete(key)
          this.keyOf.delete(id)
          break
        }
      }
    }
    this.emit('update', status)
  }

  private remember (record: RoundRecord): RoundRecord {
    // this node's own record of a round replaces one it fetched just before its update settled
    const known = this.results.findIndex(r => r.round === record.round)
    if (known >= 0) this.results.splice(known, 1)
    this.results.push(record)
    this.results.sort((a, b) => a.round - b.round)
    while (this.results.length > this.settings.keepResults) this.results.shift()
    return record
  }

  private next (): void {
    if (this.current !== undefined || this.stopping || this.retryTimer !== undefined) return
    const update = this.queue[0]
    if (update === undefined) return
    const abort = new AbortController()
    const status = this.statuses.get(update.id)!
    this.setStatus({ ...status, state: 'in-round', round: this.nextRound, tries: status.tries + 1 })
    // the stored id names it: after a restart, the same update resumes its round, a new one never does
    const done = this.joined.aggregate(update.values, { ...(update.weight !== undefined ? { weight: update.weight } : {}), updateId: update.id, signal: abort.signal }).then(
      async (result) => { await this.completed(update, result) },
      async (err: Error) => { await this.failed(update, err) }
    ).catch(() => {
      // the store could not remove a finished update: it is aggregated again after a restart, never lost
      this.emit('failure', { round: this.statuses.get(update.id)?.round ?? 0, reason: 'store-error' })
    }).finally(() => {
      this.current = undefined
      this.next()
    })
    this.current = { update, abort, done }
  }

  private async completed (update: StoredUpdate, result: AggregateResult): Promise<void> {
    this.queue.shift()
    const record = this.remember({
      round: result.round,
      attempt: result.attempt,
      aggregator: result.aggregator,
      participants: result.participants,
      survivors: result.survivors,
      weightSum: result.weightSum,
      sum: result.sum,
      mean: result.mean,
      signedResult: result.signedResult,
      transcript: result.transcript,
      completedAt: Date.now(),
      update: update.id,
      clipped: result.clipped,
      ...(result.robust !== undefined ? { robust: result.robust } : {})
    })
    this.setStatus({ ...this.statuses.get(update.id)!, state: 'aggregated', round: result.round })
    this.emit('result', record)
    await this.store.remove(update.id)
  }

  private async failed (update: StoredUpdate, err: Error): Promise<void> {
    const status = this.statuses.get(update.id)!
    const round = status.round ?? this.nextRound
    if (this.stopping || (err instanceof RoundFailedError && err.failure === 'left')) {
      // shutting down: the update stays on disk and goes into a round after the next start
      this.setStatus({ ...status, state: 'queued', error: 'the daemon stopped before its round ended' })
      return
    }
    this.emit('failure', { round, reason: err instanceof RoundFailedError ? String(err.lastReason ?? err.failure) : err.name })
    if (err instanceof RoundFailedError && err.sharesRevealed) {
      // Its round's aggregator may hold a sum with it: the same update in another sum could be exposed.
      this.queue.shift()
      await this.store.remove(update.id)
      this.setStatus({ ...status, state: 'failed', code: 'do-not-resend', error: `${err.message}; this node had revealed shares in it, so the same update is not sent again: submit a fresh one` })
      return
    }
    // an update the budget has no room for stays refused: no later round has more room
    const retry = this.settings.retryFailedRounds && !(err instanceof InvalidUpdateError) && !(err instanceof PrivacyBudgetError) && !(err instanceof RoundFailedError && err.failure === 'privacy-budget')
    if (retry) {
      this.setStatus({ ...status, state: 'retrying', error: err.message })
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined
        this.next()
      }, this.settings.retryDelay)
      return
    }
    this.queue.shift()
    await this.store.remove(update.id)
    const code: FailureCode = err instanceof InvalidUpdateError ? 'invalid-update' : err instanceof PrivacyBudgetError || (err instanceof RoundFailedError && err.failure === 'privacy-budget') ? 'privacy-budget' : 'round-failed'
    this.setStatus({ ...status, state: 'failed', code, error: err instanceof InvalidUpdateError || err instanceof RoundFailedError || err instanceof PrivacyBudgetError ? err.message : `${err.name}: ${err.message}` })
  }
}
