/**
 * The daemon's Prometheus metrics, a typed object over one registry that libp2p's own metrics share.
 * Labels are session ids and names, phases, roles, causes and outcomes: never a key, a seed, a share or
 * a value. `session` is the session id (hex): two sessions may share a name, never an id;
 * secagg_session_info maps the id to the name. examples/monitoring/ holds a dashboard and alert rules.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import { buildInfo } from '../version.js'
import type { RoundProgress } from '../node/session-runner.js'
import type { RoundRecord, SessionWorker, UpdateState, UpdateStatus } from './session-worker.js'

export interface DaemonMetrics {
  registry: Registry
  build: Gauge<'version' | 'node'>
  sessionInfo: Gauge<'session' | 'name'>
  minParticipants: Gauge<'session'>
  roundsTotal: Counter<'session' | 'outcome'>
  roundAttemptsTotal: Counter<'session'>
  aggregatorFallbacksTotal: Counter<'session'>
  lastRoundSuccess: Gauge<'session'>
  phaseSeconds: Histogram<'session' | 'phase' | 'role'>
  participants: Gauge<'session'>
  survivors: Gauge<'session'>
  dropoutsTotal: Counter<'session' | 'phase' | 'cause'>
  clippedCoordinatesTotal: Counter<'session'>
  membersReachable: Gauge<'session'>
  /** By session id, how many members this node has a connection to now: asked at each scrape. */
  reachableMembers: Map<string, () => number>
  updatesTotal: Counter<'session' | 'state'>
  queuedUpdates: Gauge<'session'>
  apiRequestsTotal: Counter<'route' | 'status'>
  privacyEpsilonSpent: Gauge<'session'>
  privacyEpsilonBudget: Gauge<'session'>
  privacyRoundsLeft: Gauge<'session'>
}

export function createMetrics (registry = new Registry()): DaemonMetrics {
  const registers = [registry]
  const reachableMembers = new Map<string, () => number>()
  const metrics: DaemonMetrics = {
    registry,
    build: new Gauge({ name: 'secagg_build_info', help: 'Always 1: the version of libp2p-secagg and of Node.js this daemon runs', labelNames: ['version', 'node'], registers }),
    sessionInfo: new Gauge({ name: 'secagg_session_info', help: 'Always 1: the name of each session this daemon runs, by its id', labelNames: ['session', 'name'], registers }),
    minParticipants: new Gauge({ name: 'secagg_session_min_participants', help: 'Peers a round of the session needs in its sum, this node among them', labelNames: ['session'], registers }),
    roundsTotal: new Counter({ name: 'secagg_rounds_total', help: 'Rounds this node took part in, by outcome (completed, or the reason the last attempt failed)', labelNames: ['session', 'outcome'], registers }),
    roundAttemptsTotal: new Counter({ name: 'secagg_round_attempts_total', help: 'Attempts of rounds this node took part in, each counted once', labelNames: ['session'], registers }),
    aggregatorFallbacksTotal: new Counter({ name: 'secagg_aggregator_fallbacks_total', help: 'Attempts after the first of a round this node took part in: each means the aggregator of the one before failed', labelNames: ['session'], registers }),
    lastRoundSuccess: new Gauge({ name: 'secagg_last_round_success_timestamp_seconds', help: 'When the latest round that aggregated an update of this node completed (Unix time)', labelNames: ['session'], registers }),
    phaseSeconds: new Histogram({
      name: 'secagg_phase_duration_seconds',
      help: 'Time this node spent in each phase of a round',
      labelNames: ['session', 'phase', 'role'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers
    }),
    participants: new Gauge({ name: 'secagg_round_participants', help: 'Peers in the roster of the latest completed round', labelNames: ['session'], registers }),
    survivors: new Gauge({ name: 'secagg_round_survivors', help: 'Peers whose updates are in the sum of the latest completed round', labelNames: ['session'], registers }),
    dropoutsTotal: new Counter({ name: 'secagg_dropouts_total', help: 'Peers this node, aggregating, stopped waiting for, by phase and by how it knew (connection-closed, deadline)', labelNames: ['session', 'phase', 'cause'], registers }),
    clippedCoordinatesTotal: new Counter({ name: 'secagg_clipped_coordinates_total', help: 'Coordinates of this node\'s aggregated updates that lay outside the session\'s clip range', labelNames: ['session'], registers }),
    membersReachable: new Gauge({
      name: 'secagg_members_reachable',
      help: 'Members of the session this node has a connection to now, itself not counted (of an open session, any peer)',
      labelNames: ['session'],
      registers,
      collect () {
        for (const [session, count] of reachableMembers) this.set({ session }, count())
      }
    }),
    reachableMembers,
    updatesTotal: new Counter({ name: 'secagg_updates_total', help: 'Updates by the state they reached (queued on acceptance, aggregated, failed), each counted once per state', labelNames: ['session', 'state'], registers }),
    queuedUpdates: new Gauge({ name: 'secagg_queued_updates', help: 'Updates waiting for their rounds, the one in a round among them', labelNames: ['session'], registers }),
    apiRequestsTotal: new Counter({ name: 'secagg_api_requests_total', help: 'Local API requests by route and status code', labelNames: ['route', 'status'], registers }),
    privacyEpsilonSpent: new Gauge({ name: 'secagg_privacy_epsilon_spent', help: 'Epsilon of a DP session\'s budget this node has spent, as charged (at its delta)', labelNames: ['session'], registers }),
    privacyEpsilonBudget: new Gauge({ name: 'secagg_privacy_epsilon_budget', help: 'Epsilon of a DP session\'s whole budget', labelNames: ['session'], registers }),
    privacyRoundsLeft: new Gauge({ name: 'secagg_privacy_rounds_left', help: 'Rounds of a DP session this node\'s budget still has room for', labelNames: ['session'], registers })
  }
  metrics.build.set(buildInfo(), 1)
  return metrics
}

/** What the daemon knows of a session beyond its worker. */
export interface WorkerSources {
  /** Members this node has a connection to now, itself not counted; asked at each scrape. Without it the session has no secagg_members_reachable. */
  membersReachable?: () => number
}

/**
 * The states counted in secagg_updates_total: each update reaches each at most once (in-round and
 * retrying recur, a round after another).
 */
const COUNTED_STATES: ReadonlySet<UpdateState> = new Set(['queued', 'aggregated', 'failed'])
/** Updates whose counted states a worker's observer remembers. */
const REMEMBERED_UPDATES = 4096

/**
 * Counts what a session worker reports: phase times and attempts from its progress, dropouts its
 * aggregator saw, outcomes from its results and failures, and its updates' states.
 */
export function observeWorker (metrics: DaemonMetrics, worker: SessionWorker, sources: WorkerSources = {}): void {
  const session = worker.session.idHex
  metrics.sessionInfo.set({ session, name: worker.name }, 1)
  metrics.minParticipants.set({ session }, worker.session.config.minParticipants)
  if (sources.membersReachable !== undefined) metrics.reachableMembers.set(session, sources.membersReachable)
  // counters a rate or ratio is taken of start at 0, not at their first increment
  for (const counter of [metrics.roundAttemptsTotal, metrics.aggregatorFallbacksTotal, metrics.clippedCoordinatesTotal]) counter.inc({ session }, 0)

  // an aggregator is also a participant of its round: each role has its own phase clock
  const entered = new Map<RoundProgress['role'], { phase: RoundProgress['phase'], at: number }>()
  const closePhase = (role: RoundProgress['role'], at: number): void => {
    const open = entered.get(role)
    if (open !== undefined) metrics.phaseSeconds.observe({ session, phase: open.phase, role }, (at - open.at) / 1000)
    entered.delete(role)
  }
  // Progress repeats for every phase of an attempt, in both roles: an attempt counts at its first. An
  // update put into its round again after a failure may run an attempt of the same number afresh.
  const attempts = new Set<string>()
  const countAttempt = ({ round, attempt }: RoundProgress): void => {
    const key = `${round}/${attempt}`
    if (attempts.has(key)) return
    attempts.add(key)
    metrics.roundAttemptsTotal.inc({ session })
    if (attempt > 0) metrics.aggregatorFallbacksTotal.inc({ session })
  }
  // a round is charged as its masked input goes out: every change of phase may have spent some
  const privacy = (): void => {
    const report = worker.privacy()
    if (report === undefined) return
    metrics.privacyEpsilonSpent.set({ session }, report.epsilonSpent)
    metrics.privacyEpsilonBudget.set({ session }, report.budget.epsilon)
    metrics.privacyRoundsLeft.set({ session }, report.roundsLeft)
  }
  privacy()
  worker.on('progress', (progress) => {
    privacy()
    countAttempt(progress)
    const now = performance.now()
    closePhase(progress.role, now)
    entered.set(progress.role, { phase: progress.phase, at: now })
  })
  worker.on('dropout', ({ role, phase, cause }) => {
    // a participant's dropout is its aggregator gone: the fallbacks count those
    if (role === 'aggregator') metrics.dropoutsTotal.inc({ session, phase, cause })
  })
  worker.on('result', (record: RoundRecord) => {
    // a result fetched after falling behind is of a round this node took no part in
    if (record.update === undefined) return
    const now = performance.now()
    for (const role of [...entered.keys()]) closePhase(role, now)
    attempts.clear()
    metrics.roundsTotal.inc({ session, outcome: 'completed' })
    metrics.lastRoundSuccess.set({ session }, record.completedAt / 1000)
    metrics.participants.set({ session }, record.participants.length)
    metrics.survivors.set({ session }, record.survivors.length)
    metrics.clippedCoordinatesTotal.inc({ session }, record.clipped ?? 0)
    privacy()
  })
  worker.on('failure', ({ reason }) => {
    privacy()
    entered.clear()
    attempts.clear()
    metrics.roundsTotal.inc({ session, outcome: reason })
  })

  // A status is emitted again when it changes in other ways (an update put back in the queue as the
  // daemon stops): each update counts once per state. Updates go through their states in queue order,
  // so forgetting the oldest, past many more than a queue holds, forgets only finished ones.
  const reached = new Map<string, Set<UpdateState>>()
  // Updates restored from disk at start were accepted before the worker was observed, and counted as
  // queued by the run that accepted them: counting them again would double increase() over a restart.
  const observedAt = Date.now()
  worker.on('update', (status: UpdateStatus) => {
    metrics.queuedUpdates.set({ session }, worker.state().queued)
    if (!COUNTED_STATES.has(status.state)) return
    let states = reached.get(status.id)
    if (states === undefined) {
      states = new Set()
      reached.set(status.id, states)
      if (reached.size > REMEMBERED_UPDATES) reached.delete(reached.keys().next().value!)
    }
    const restored = status.state === 'queued' && status.acceptedAt < observedAt
    if (!states.has(status.state) && !restored) metrics.updatesTotal.inc({ session, state: status.state })
    states.add(status.state)
  })
}
