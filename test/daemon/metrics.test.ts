/**
 * The daemon's Prometheus metrics: what each counts from a session worker's events, that an update is
 * counted once per state however often its status is emitted, that labels stay within a fixed set,
 * and that the example dashboard and alert rules (examples/monitoring/) query only metrics the daemon
 * serves. Driven through a stand-in worker that emits the events SessionWorker does, and for the update
 * states through a real SessionWorker over a JoinedSession stand-in (as session-worker.test.ts).
 */
import { EventEmitter } from 'node:events'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { prometheusMetrics } from '@libp2p/prometheus-metrics'
import { Registry } from 'prom-client'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMetrics, observeWorker, type DaemonMetrics } from '../../src/daemon/metrics.js'
import { SessionWorker, type RoundRecord, type UpdateStatus, type WorkerEvents } from '../../src/daemon/session-worker.js'
import { UpdateStore } from '../../src/daemon/update-store.js'
import { RoundFailedError } from '../../src/node/errors.js'
import { defineSession } from '../../src/node/session-config.js'
import { PHASES } from '../../src/protocol/round/phases.js'
import { simulatedPeers } from '../../src/simulation/peers.js'
import { VERSION } from '../../src/version.js'
import type { ComponentLogger } from '@libp2p/interface'
import type { JoinedSession } from '../../src/node/service.js'
import type { AggregateResult } from '../../src/node/session-runner.js'
import type { PrivacyReport } from '../../src/protocol/dp/budget.js'

const MONITORING = new URL('../../examples/monitoring/', import.meta.url)
const ID_A = 'a1'.repeat(32)
const ID_B = 'b2'.repeat(32)
const PEERS = ['12D3KooWPeerA', '12D3KooWPeerB', '12D3KooWPeerC']
const members = (await simulatedPeers(3, 'metrics')).map(peer => peer.identity.id)

/** Stands in for a SessionWorker: the same events, and the few reads observeWorker makes. */
class FakeWorker extends EventEmitter<WorkerEvents> {
  readonly session: { idHex: string, config: { name: string, minParticipants: number } }
  queued = 0
  report: PrivacyReport | undefined

  constructor (readonly name: string, idHex: string) {
    super()
    this.session = { idHex, config: { name, minParticipants: 3 } }
  }

  privacy (): PrivacyReport | undefined { return this.report }
  state (): { queued: number } { return { queued: this.queued } }
  asWorker (): SessionWorker { return this as unknown as SessionWorker }
}

function record (round: number, fields: Partial<RoundRecord> = {}): RoundRecord {
  const sum = new Float64Array([1, 2])
  return { round, attempt: 0, aggregator: PEERS[0], participants: PEERS, survivors: PEERS.slice(0, 2), weightSum: 2, sum, mean: sum, completedAt: 1_700_000_000_000 + round, signedResult: new Uint8Array(), transcript: new Uint8Array(), update: `update-${round}`, clipped: 0, ...fields }
}

/** Every phase of one attempt, as this node's participant and (when it is elected) its aggregator. */
function attempt (worker: FakeWorker, round: number, number: number, aggregates = false): void {
  for (const phase of PHASES) {
    worker.emit('progress', { session: worker.session.idHex, round, attempt: number, phase, role: 'participant', aggregator: PEERS[number % 3] })
    if (aggregates) worker.emit('progress', { session: worker.session.idHex, round, attempt: number, phase, role: 'aggregator', aggregator: PEERS[number % 3] })
  }
}

const status = (id: string, state: UpdateStatus['state'], tries: number, acceptedAt = Date.now()): UpdateStatus => ({ id, session: ID_A, state, acceptedAt, tries })

/** A sample's value, matched on all its labels; undefined when the series does not exist. */
async function sample (metrics: DaemonMetrics, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const { values } = await metrics.registry.getSingleMetric(name)!.get()
  return values.find(v => Object.keys(v.labels).length === Object.keys(labels).length && Object.entries(labels).every(([key, value]) => v.labels[key] === value))?.value
}

describe('daemon metrics', () => {
  it('report the build: version and Node.js', async () => {
    const metrics = createMetrics()
    expect(await metrics.registry.getSingleMetricAsString('secagg_build_info')).toContain(`secagg_build_info{version="${VERSION}",node="${process.versions.node}"} 1`)
  })

  it('label a session by its id, and keep two sessions of one name apart; the name is in secagg_session_info', async () => {
    const metrics = createMetrics()
    const a = new FakeWorker('mnist', ID_A)
    const b = new FakeWorker('mnist', ID_B)
    observeWorker(metrics, a.asWorker())
    observeWorker(metrics, b.asWorker())
    a.emit('result', record(1))
    a.emit('result', record(2))
    b.emit('result', record(1))
    expect(await sample(metrics, 'secagg_rounds_total', { session: ID_A, outcome: 'completed' })).toBe(2)
    expect(await sample(metrics, 'secagg_rounds_total', { session: ID_B, outcome: 'completed' })).toBe(1)
    expect(await sample(metrics, 'secagg_session_info', { session: ID_A, name: 'mnist' })).toBe(1)
    expect(await sample(metrics, 'secagg_session_info', { session: ID_B, name: 'mnist' })).toBe(1)
    expect(await sample(metrics, 'secagg_session_min_participants', { session: ID_A })).toBe(3)
  })

  it('count each attempt once, and each attempt after a round\'s first as a fallback', async () => {
    const metrics = createMetrics()
    const worker = new FakeWorker('s', ID_A)
    observeWorker(metrics, worker.asWorker())
    expect(await sample(metrics, 'secagg_round_attempts_total', { session: ID_A })).toBe(0)
    expect(await sample(metrics, 'secagg_aggregator_fallbacks_total', { session: ID_A })).toBe(0)
    attempt(worker, 1, 0, true)
    worker.emit('result', record(1))
    // round 2: attempts 0 and 1 fail; the update goes into the round again, which goes on at attempt 2
    attempt(worker, 2, 0)
    attempt(worker, 2, 1, true)
    attempt(worker, 2, 1)
    worker.emit('failure', { round: 2, reason: 'max-attempts' })
    attempt(worker, 2, 2)
    worker.emit('result', record(2, { attempt: 2 }))
    // round 3: attempt 0 fails before this node made keys in it, so the update's next try runs attempt 0 afresh
    attempt(worker, 3, 0)
    worker.emit('failure', { round: 3, reason: 'no-announcement' })
    attempt(worker, 3, 0)
    expect(await sample(metrics, 'secagg_round_attempts_total', { session: ID_A })).toBe(6)
    expect(await sample(metrics, 'secagg_aggregator_fallbacks_total', { session: ID_A })).toBe(2)
    expect(await sample(metrics, 'secagg_rounds_total', { session: ID_A, outcome: 'max-attempts' })).toBe(1)
  })

  it('count the peers this node, aggregating, stopped waiting for, by phase and cause, and never by peer', async () => {
    const metrics = createMetrics()
    const worker = new FakeWorker('s', ID_A)
    observeWorker(metrics, worker.asWorker())
    const dropout = { session: ID_A, round: 1, attempt: 0, peer: PEERS[1] }
    worker.emit('dropout', { ...dropout, phase: 'masked-input', role: 'aggregator', cause: 'deadline', waited: 5000 })
    worker.emit('dropout', { ...dropout, phase: 'masked-input', role: 'aggregator', cause: 'deadline', waited: 5000, peer: PEERS[2] })
    worker.emit('dropout', { ...dropout, phase: 'unmask', role: 'aggregator', cause: 'connection-closed', waited: 20 })
    // a participant's dropout is its aggregator gone: a fallback, not a dropout of the round
    worker.emit('dropout', { ...dropout, phase: 'share-keys', role: 'participant', cause: 'connection-closed', peer: PEERS[0] })
    expect(await sample(metrics, 'secagg_dropouts_total', { session: ID_A, phase: 'masked-input', cause: 'deadline' })).toBe(2)
    expect(await sample(metrics, 'secagg_dropouts_total', { session: ID_A, phase: 'unmask', cause: 'connection-closed' })).toBe(1)
    expect(await sample(metrics, 'secagg_dropouts_total', { session: ID_A, phase: 'share-keys', cause: 'connection-closed' })).toBeUndefined()
    expect(await metrics.registry.metrics()).not.toContain('12D3KooW')
  })

  it('count this node\'s clipped coordinates and time its last successful round, from its own rounds only', async () => {
    const metrics = createMetrics()
    const worker = new FakeWorker('s', ID_A)
    observeWorker(metrics, worker.asWorker())
    expect(await sample(metrics, 'secagg_clipped_coordinates_total', { session: ID_A })).toBe(0)
    expect(await sample(metrics, 'secagg_last_round_success_timestamp_seconds', { session: ID_A })).toBeUndefined()
    worker.emit('result', record(1, { clipped: 7, completedAt: 1_700_000_000_500 }))
    worker.emit('result', record(2, { clipped: 3, completedAt: 1_700_000_060_000 }))
    // fetched after falling behind: no update of this node is in it
    worker.emit('result', record(3, { update: undefined, clipped: undefined, completedAt: 1_700_000_120_000 }))
    expect(await sample(metrics, 'secagg_clipped_coordinates_total', { session: ID_A })).toBe(10)
    expect(await sample(metrics, 'secagg_last_round_success_timestamp_seconds', { session: ID_A })).toBe(1_700_000_060)
    expect(await sample(metrics, 'secagg_round_survivors', { session: ID_A })).toBe(2)
    expect(await sample(metrics, 'secagg_round_participants', { session: ID_A })).toBe(3)
  })

  it('ask for the members reachable at each scrape, for the sessions the daemon can tell', async () => {
    const metrics = createMetrics()
    let reachable = 2
    observeWorker(metrics, new FakeWorker('s', ID_A).asWorker(), { membersReachable: () => reachable })
    observeWorker(metrics, new FakeWorker('t', ID_B).asWorker())
    expect(await metrics.registry.getSingleMetricAsString('secagg_members_reachable')).toContain(`secagg_members_reachable{session="${ID_A}"} 2`)
    reachable = 1
    const text = await metrics.registry.getSingleMetricAsString('secagg_members_reachable')
    expect(text).toContain(`secagg_members_reachable{session="${ID_A}"} 1`)
    expect(text).not.toContain(ID_B)
  })

  it('report a DP session\'s epsilon spent, its budget and the rounds left', async () => {
    const metrics = createMetrics()
    const worker = new FakeWorker('s', ID_A)
    worker.report = { budget: { epsilon: 8, delta: 1e-6 }, epsilonSpent: 2.5, roundsLeft: 12 } as PrivacyReport
    observeWorker(metrics, worker.asWorker())
    expect(await sample(metrics, 'secagg_privacy_epsilon_spent', { session: ID_A })).toBe(2.5)
    expect(await sample(metrics, 'secagg_privacy_epsilon_budget', { session: ID_A })).toBe(8)
    worker.report = { ...worker.report, epsilonSpent: 3, roundsLeft: 11 }
    attempt(worker, 1, 0)
    expect(await sample(metrics, 'secagg_privacy_epsilon_spent', { session: ID_A })).toBe(3)
    expect(await sample(metrics, 'secagg_privacy_rounds_left', { session: ID_A })).toBe(11)
  })

  it('count an update once per state however often its status is emitted, and not again as queued when restored from disk', async () => {
    const metrics = createMetrics()
    const worker = new FakeWorker('s', ID_A)
    observeWorker(metrics, worker.asWorker())
    // what SessionWorker emits for an update whose first round failed, put in a round again, stopped
    // mid-round (queued again), then aggregated after all, its status re-emitted once more
    for (const [state, tries] of [['queued', 0], ['in-round', 1], ['retrying', 1], ['in-round', 2], ['in-round', 2], ['queued', 2], ['in-round', 3], ['aggregated', 3], ['aggregated', 3]] as const) worker.emit('update', status('u1', state, tries))
    worker.emit('update', status('u2', 'queued', 0))
    worker.emit('update', status('u2', 'failed', 1))
    // accepted by the run before this one, which counted it as queued
    worker.emit('update', status('u3', 'queued', 0, Date.now() - 60_000))
    worker.emit('update', status('u3', 'in-round', 1, Date.now() - 60_000))
    worker.emit('update', status('u3', 'aggregated', 1, Date.now() - 60_000))
    expect(await sample(metrics, 'secagg_updates_total', { session: ID_A, state: 'queued' })).toBe(2)
    expect(await sample(metrics, 'secagg_updates_total', { session: ID_A, state: 'aggregated' })).toBe(2)
    expect(await sample(metrics, 'secagg_updates_total', { session: ID_A, state: 'failed' })).toBe(1)
    expect(await sample(metrics, 'secagg_updates_total', { session: ID_A, state: 'in-round' })).toBeUndefined()
  })

  it('label only by session, name, phase, role, cause, outcome, state, route, status and build: never a key, seed, share or value', async () => {
    const metrics = createMetrics()
    const worker = new FakeWorker('s', ID_A)
    observeWorker(metrics, worker.asWorker(), { membersReachable: () => 2 })
    await driveRound(metrics, worker)
    const labels = new Set((await metrics.registry.getMetricsAsJSON()).flatMap(metric => metric.values.flatMap(v => Object.keys(v.labels))))
    expect([...labels].sort()).toEqual(['cause', 'le', 'name', 'node', 'outcome', 'phase', 'role', 'route', 'session', 'state', 'status', 'version'])
  })
})

/** A round through every event a worker emits, and an API request: every series the daemon has gets a sample. */
async function driveRound (metrics: DaemonMetrics, worker: FakeWorker): Promise<void> {
  worker.report = { budget: { epsilon: 8, delta: 1e-6 }, epsilonSpent: 1, roundsLeft: 7 } as PrivacyReport
  worker.queued = 1
  worker.emit('update', status('u1', 'queued', 0))
  worker.emit('update', status('u1', 'in-round', 1))
  attempt(worker, 1, 0)
  attempt(worker, 1, 1, true)
  worker.emit('dropout', { session: ID_A, round: 1, attempt: 1, phase: 'masked-input', peer: PEERS[2], role: 'aggregator', cause: 'deadline', waited: 3000 })
  worker.emit('failure', { round: 1, reason: 'timeout' })
  worker.queued = 0
  worker.emit('result', record(1, { attempt: 1, clipped: 4 }))
  worker.emit('update', status('u1', 'aggregated', 1))
  metrics.apiRequestsTotal.inc({ route: '/v1/sessions/:session/updates', status: '202' })
}

/** The samples a histogram or summary is exposed as, besides its name. */
const SAMPLE_SUFFIXES: Record<string, string[]> = { histogram: ['_bucket', '_sum', '_count'], summary: ['_sum', '_count'] }

describe('the example dashboard and alert rules', () => {
  /** Every name a scrape of a daemon's /metrics can carry, as libp2p and prom-client name them. */
  async function servedNames (): Promise<Set<string>> {
    const registry = new Registry()
    const metrics = createMetrics(registry)
    // as the daemon gives libp2p its registry: libp2p's transfer counters and the process's metrics
    const logger = { forComponent: () => Object.assign(() => {}, { enabled: false, error: () => {}, trace: () => {} }) } as unknown as ComponentLogger
    prometheusMetrics({ registry })({ logger })
    const worker = new FakeWorker('s', ID_A)
    observeWorker(metrics, worker.asWorker(), { membersReachable: () => 2 })
    await driveRound(metrics, worker)
    const names = new Set(['up']) // Prometheus's own, per scrape target
    for (const { name, type } of await registry.getMetricsAsJSON()) {
      names.add(name)
      for (const suffix of SAMPLE_SUFFIXES[type] ?? []) names.add(name + suffix)
    }
    return names
  }

  it('name only metrics the daemon serves, in every dashboard query and alert expression', async () => {
    const served = await servedNames()
    const queries = [...dashboardQueries(await readJson('grafana-dashboard.json')), ...alertRules(await readText('alerts.yml')).map(rule => rule.expr)]
    const named = new Set(queries.flatMap(metricNames))
    expect(named.size).toBeGreaterThan(10)
    expect([...named].filter(name => !served.has(name))).toEqual([])
  })

  it('find the names in PromQL, and so would catch one the daemon does not serve', () => {
    expect(metricNames('sum by (job, instance) (rate(secagg_no_such_total{phase=~"a|b", x="rate(y)"}[5m] offset 1h)) * on (job) group_left (name) secagg_session_info > 1e3 unless up == bool 0')).toEqual(['secagg_no_such_total', 'secagg_session_info', 'up'])
    expect(dashboardQueries({ templating: { list: [{ type: 'query', query: 'label_values(secagg_build_info{job=~"$job"}, instance)' }] } }).flatMap(metricNames)).toEqual(['secagg_build_info'])
  })

  it('show every secagg metric the daemon serves somewhere on the dashboard', async () => {
    const dashboard = new Set(dashboardQueries(await readJson('grafana-dashboard.json')).flatMap(metricNames))
    const registry = createMetrics().registry
    const missing = (await registry.getMetricsAsJSON()).map(m => m.name).filter(name => ![name, `${name}_bucket`, `${name}_count`].some(n => dashboard.has(n)))
    expect(missing).toEqual([])
  })

  it('have a datasource variable, a datasource and a query in every panel, and no two panels overlapping', async () => {
    const dashboard = await readJson('grafana-dashboard.json') as { uid: string, templating: { list: Array<{ name: string, type: string }> }, panels: Panel[] }
    expect(dashboard.uid).toBe('libp2p-secagg')
    expect(dashboard.templating.list.map(v => v.name)).toEqual(['datasource', 'job', 'instance', 'session'])
    const panels = dashboard.panels.filter(panel => panel.type !== 'row')
    for (const panel of panels) {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a template
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${datasource}' })
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0)
    }
    const cells = new Set<string>()
    for (const { gridPos: { x, y, w, h }, title } of dashboard.panels) {
      for (let i = x; i < x + w; i++) for (let j = y; j < y + h; j++) {
        expect(cells.has(`${i},${j}`), title).toBe(false)
        cells.add(`${i},${j}`)
      }
    }
  })

  it('give every alert an expression, a severity and a summary, and miss no expression in the file', async () => {
    const text = await readText('alerts.yml')
    const rules = alertRules(text)
    expect(rules.map(rule => rule.alert)).toEqual(['SecAggDaemonDown', 'SecAggNoSuccessfulRound', 'SecAggMembersReachableLow', 'SecAggRoundsFailing', 'SecAggFallbacksFrequent', 'SecAggPrivacyBudgetNearlySpent', 'SecAggPrivacyBudgetSpent'])
    expect(text.match(/^\s*expr:/gm)).toHaveLength(rules.length)
    for (const rule of rules) {
      expect(rule.expr, rule.alert).toMatch(/\S/)
      expect(['critical', 'warning', 'info'], rule.alert).toContain(rule.severity)
      expect(rule.summary, rule.alert).toMatch(/\S/)
    }
  })
})

/** The real worker's statuses through a stop and a restart, each run with its own registry, as a restarted daemon has. */
describe('a session worker\'s updates in metrics', () => {
  const config = defineSession({ name: 'metrics', dimension: 2, minParticipants: 3, encoding: { clip: 1, bits: 16, maxParticipants: 3, maxWeight: 1 }, members })
  const settings = { retryFailedRounds: true, retryDelay: 10, maxQueuedUpdates: 4, keepResults: 4 }
  let dir: string
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'secagg-metrics-')) })
  afterEach(async () => {
    vi.useRealTimers()
    await rm(dir, { recursive: true, force: true })
  })

  function joined (aggregate: (signal: AbortSignal) => Promise<AggregateResult>): JoinedSession {
    return { id: 'x'.repeat(64), config, aggregate: async (_u: Float32Array, options: { signal?: AbortSignal } = {}) => aggregate(options.signal!), latestResult: () => undefined, privacy: () => undefined, ready: Promise.resolve(), leave: () => {} } as unknown as JoinedSession
  }
  const settled = async (worker: SessionWorker, state: UpdateStatus['state']): Promise<void> => new Promise(resolve => {
    worker.on('update', s => { if (s.state === state) resolve() })
  })

  it('count an update queued once, by the run that accepted it, and aggregated once, by the run whose round took it', async () => {
    const store = new UpdateStore(dir)
    const first = new SessionWorker(joined(async signal => new Promise((_resolve, reject) => {
      signal.addEventListener('abort', () => { reject(new RoundFailedError('left', 1, undefined, 'aggregate() was aborted')) })
    })), store, settings)
    const before = createMetrics()
    observeWorker(before, first)
    const update = { id: store.newId(), session: first.session.idHex, weight: undefined, acceptedAt: Date.now(), values: new Float32Array([0.1, 0.2]) }
    await store.put(update)
    first.enqueue(update)
    await first.stop(0)
    expect(first.status(update.id)?.state).toBe('queued')
    expect(await sample(before, 'secagg_updates_total', { session: first.session.idHex, state: 'queued' })).toBe(1)

    // the restart comes after the update's acceptance
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 60_000 })
    const sum = new Float64Array([0.1, 0.2])
    const second = new SessionWorker(joined(async () => ({ session: 'x'.repeat(64), round: 1, attempt: 0, aggregator: 'peer', participants: ['peer'], survivors: ['peer'], sum, weightSum: 1, mean: sum, clipped: 1, signedResult: new Uint8Array(), transcript: new Uint8Array() })), store, settings)
    const after = createMetrics()
    observeWorker(after, second)
    const aggregated = settled(second, 'aggregated')
    for (const restored of (await store.load()).updates) second.enqueue(restored)
    await aggregated
    expect(await sample(after, 'secagg_updates_total', { session: second.session.idHex, state: 'queued' })).toBeUndefined()
    expect(await sample(after, 'secagg_updates_total', { session: second.session.idHex, state: 'aggregated' })).toBe(1)
    expect(await sample(after, 'secagg_clipped_coordinates_total', { session: second.session.idHex })).toBe(1)
    await second.stop(0)
  })
})

interface Panel { type: string, title: string, datasource?: unknown, targets?: unknown[], gridPos: { x: number, y: number, w: number, h: number } }

async function readText (file: string): Promise<string> {
  return readFile(new URL(file, MONITORING), 'utf8')
}

async function readJson (file: string): Promise<unknown> {
  return JSON.parse(await readText(file))
}

/** The PromQL of a dashboard: each target's expr, and the expression inside each query variable. */
function dashboardQueries (node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(dashboardQueries)
  if (node === null || typeof node !== 'object') return []
  const object = node as Record<string, unknown>
  const found: string[] = typeof object.expr === 'string' ? [object.expr] : []
  if (object.type === 'query' && typeof object.query === 'string') found.push(variableExpr(object.query))
  return [...found, ...Object.entries(object).filter(([key]) => key !== 'expr').flatMap(([, value]) => dashboardQueries(value))]
}

/** Grafana's variable functions: label_values(expr, label), label_values(label), query_result(expr). */
function variableExpr (query: string): string {
  const labelValues = /^label_values\((.*),\s*\w+\s*\)$/s.exec(query)
  if (labelValues !== null) return labelValues[1]
  if (/^label_values\(\s*\w+\s*\)$/.test(query)) return ''
  return /^query_result\((.*)\)$/s.exec(query)?.[1] ?? query
}

const PROMQL_KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan'])

/** The metric names a PromQL expression selects: no functions, label names, strings, durations or numbers. */
function metricNames (expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
  const names: string[] = []
  // numbers first, so that 1e3 or 0x1f is not read as a name
  for (const [, number, name, call] of bare.matchAll(/(\d[\w.]*)|([a-zA-Z_:][\w:]*)(\s*\()?/g)) {
    if (number === undefined && call === undefined && !PROMQL_KEYWORDS.has(name.toLowerCase())) names.push(name)
  }
  return names
}

interface AlertRule { alert: string, expr: string, severity?: string, summary?: string }

/**
 * The alerting rules of a Prometheus rules file, in the subset of YAML alerts.yml is written in: block
 * mappings and sequences, one `key: value` a line, and `|` or `>` block scalars for long expressions.
 * Nested keys are read flat (labels.severity as severity): no key repeats within a rule.
 */
function alertRules (yaml: string): AlertRule[] {
  const rules: AlertRule[] = []
  const lines = yaml.split('\n')
  let rule: Record<string, string> | undefined
  let ruleIndent = -1
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (/^\s*(#|$)/.test(line)) continue
    const indent = line.search(/\S/)
    const start = /^\s*- alert:\s*(\S+)\s*$/.exec(line)
    if (start !== null) {
      rule = { alert: start[1] }
      ruleIndent = indent
      rules.push(rule as unknown as AlertRule)
      continue
    }
    if (rule === undefined || indent <= ruleIndent) {
      rule = undefined
      continue
    }
    const pair = /^\s*([\w-]+):\s*(.*)$/.exec(line)
    if (pair === null) continue
    const [, key, value] = pair
    if (/^[|>][-+]?$/.test(value)) {
      const block: string[] = []
      while (i + 1 < lines.length && (lines[i + 1].trim() === '' || lines[i + 1].search(/\S/) > indent)) block.push(lines[++i].trim())
      rule[key] = block.join('\n').trim()
    } else {
      rule[key] = /^"(.*)"$/.exec(value)?.[1] ?? value
    }
  }
  return rules
}
