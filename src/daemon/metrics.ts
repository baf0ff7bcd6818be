/**
 * The daemon's Prometheus metrics, a typed object over one registry that libp2p's own metrics share.
 * Labels are session names, phases, roles and outcomes: never a key, a seed, a share or a value.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { RoundProgress } from '../node/session-runner.js'
import type { RoundRecord, SessionWorker, UpdateStatus } from './session-worker.js'

export interface DaemonMetrics {
  registry: Registry
  roundsTotal: Counter<'session' | 'outcome'>
  phaseSeconds: Histogram<'session' | 'phase' | 'role'>
  participants: Gauge<'session'>
  survivors: Gauge<'session'>
  updatesTotal: Counter<'session' | 'state'>
  queuedUpdates: Gauge<'session'>
  apiRequestsTotal: Counter<'route' | 'status'>
  privacyEpsilonSpent: Gauge<'session'>
  privacyRoundsLeft: Gauge<'session'>
}

export function createMetrics (registry = new Registry()): DaemonMetrics {
  const registers = [registry]
  return {
    registry,
    roundsTotal: new Counter({ name: 'secagg_rounds_total', help: 'Rounds this node took part in, by outcome (completed, or the reason the last attempt failed)', labelNames: ['session', 'outcome'], registers }),
    phaseSeconds: new Histogram({
      name: 'secagg_phase_duration_seconds',
      help: 'Time this node spent in each phase of a round',
      labelNames: ['session', 'phase', 'role'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers
    }),
    participants: new Gauge({ name: 'secagg_round_participants', help: 'Peers in the roster of the latest completed round', labelNames: ['session'], registers }),
    survivors: new Gauge({ name: 'secagg_round_survivors', help: 'Peers whose updates are in the sum of the latest completed round', labelNames: ['session'], registers }),
    updatesTotal: new Counter({ name: 'secagg_updates_total', help: 'Updates by the state they reached (queued on acceptance, aggregated, failed)', labelNames: ['session', 'state'], registers }),
    queuedUpdates: new Gauge({ name: 'secagg_queued_updates', help: 'Updates waiting for their rounds', labelNames: ['session'], registers }),
    apiRequestsTotal: new Counter({ name: 'secagg_api_requests_total', help: 'Local API requests by route and status code', labelNames: ['route', 'status'], registers }),
    privacyEpsilonSpent: new Gauge({ name: 'secagg_privacy_epsilon_spent', help: 'Epsilon of a DP session\'s budget this node has spent, as charged (at its delta)', labelNames: ['session'], registers }),
    privacyRoundsLeft: new Gauge({ name: 'secagg_privacy_rounds_left', help: 'Rounds of a DP session this node\'s budget still has room for', labelNames: ['session'], registers })
  }
}

/** Counts what a session worker reports: phase times from its progress, outcomes from its results and failures. */
export function observeWorker (metrics: DaemonMetrics, worker: SessionWorker): void {
  const session = worker.name
  // an aggregator is also a participant of its round: each role has its own phase clock
  const entered = new Map<RoundProgress['role'], { phase: RoundProgress['phase'], at: number }>()
  const closePhase = (role: RoundProgress['role'], at: number): void => {
    const open = entered.get(role)
    if (open !== undefined) metrics.phaseSeconds.observe({ session, phase: open.phase, role }, (at - open.at) / 1000)
    entered.delete(role)
  }
  // a round is charged as its masked input goes out: every change of phase may have spent some
  const privacy = (): void => {
    const report = worker.privacy()
    if (report === undefined) return
    metrics.privacyEpsilonSpent.set({ session }, report.epsilonSpent)
    metrics.privacyRoundsLeft.set({ session }, report.roundsLeft)
  }
  privacy()
  worker.on('progress', (progress) => {
    privacy()
    const now = performance.now()
    closePhase(progress.role, now)
    entered.set(progress.role, { phase: progress.phase, at: now })
  })
  worker.on('result', (record: RoundRecord) => {
    // a result fetched after falling behind is of a round this node took no part in
    if (record.update === undefined) return
    const now = performance.now()
    for (const role of [...entered.keys()]) closePhase(role, now)
    metrics.roundsTotal.inc({ session, outcome: 'completed' })
    metrics.participants.set({ session }, record.participants.length)
    metrics.survivors.set({ session }, record.survivors.length)
    privacy()
  })
  worker.on('failure', ({ reason }) => {
    privacy()
    entered.clear()
    metrics.roundsTotal.inc({ session, outcome: reason })
  })
  worker.on('update', (status: UpdateStatus) => {
    if (status.state === 'queued' && status.tries === 0) metrics.updatesTotal.inc({ session, state: 'queued' })
    if (status.state === 'aggregated' || status.state === 'failed') metrics.updatesTotal.inc({ session, state: status.state })
    metrics.queuedUpdates.set({ session }, worker.state().queued)
  })
}
