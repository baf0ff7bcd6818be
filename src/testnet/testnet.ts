/**
 * The local testnet: N `secagg node` processes on loopback in one closed session, fed inputs through
 * their HTTP APIs as trainers would, with peers killed in chosen phases and the aggregator killed in one
 * round; every result is checked against the exact sum of the survivors' inputs.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { createIdentity, ensureDataDir, KEY_FILE, UPDATES_DIR } from '../daemon/data-dir.js'
import { defineSession, openSession, type Session, type SessionConfig } from '../node/session-config.js'
import { auditRound, auditSum, signedResultOf } from './audit.js'
import { isRunning, requestAlone, startDaemon, waitReady, type DaemonProcess } from './daemon-process.js'
import { followEvents } from './event-stream.js'
import { gridInputs, planRounds, type DropSpec, type RoundPlan } from './schedule.js'
import type { Phase } from '../protocol/round/phases.js'
import type { DropCause } from '../protocol/round/events.js'
import type { RoundDropout } from '../protocol/session/actions.js'

/** How the peers listen: all on TCP, all on WebRTC (webrtc-direct over UDP), or every other one on each. */
export type TestnetTransport = 'tcp' | 'webrtc' | 'mixed'

export const TRANSPORTS: readonly TestnetTransport[] = ['tcp', 'webrtc', 'mixed']

export interface TestnetOptions {
  peers: number
  transport: TestnetTransport
  rounds: number
  dimension: number
  drop: DropSpec
  killAggregator?: Phase
  seed: string
  /** Each round's faults, given rather than drawn from the seed (the fault-latency benchmark's cases). */
  plans?: RoundPlan[]
}

/** How the round's aggregator stopped waiting for a peer, and when. */
export interface DetectedDropout {
  peer: string
  phase: Phase
  /** 'connection-closed': its connections closed and it was not back within the grace; 'deadline': the phase's deadline passed. */
  cause: DropCause
  /** Milliseconds the phase had been open when the aggregator stopped waiting. */
  waited: number
}

export interface RoundReport {
  round: number
  attempt: number
  aggregator: string
  participants: number
  survivors: number
  /** Peers killed this round, with the phase, as `peer-3@share-keys`; the aggregator as `peer-5@unmask (aggregator)`. */
  dropped: string[]
  /** How the aggregator of each attempt learned of each dropout, and what it cost. */
  detected: DetectedDropout[]
  /** Peers that stayed up but are not in the sum (too late for the round); their updates go into the next. */
  excluded: string[]
  /** The result's sum equals the exact sum of the survivors' inputs, bit for bit. */
  exact: boolean
  /** The round's transcript, fetched from a surviving peer, shows the sum is the survivors' inputs. */
  verified: boolean
  /** The largest difference between the result's mean and the plaintext mean of the survivors' inputs. */
  maxAbsError: number
  /** Milliseconds in each phase of the completed attempt, as its aggregator reported them. */
  phaseMs: Partial<Record<Phase, number>>
  /**
   * Bytes of secure-aggregation protocols sent and received this round, over the `peers` whose counters
   * could be read at both its ends (a killed peer's die with it; a peer too busy to answer is skipped).
   */
  bytes: { sent: number, received: number, peers: number }
  /** The whole round: from the inputs going in to the last surviving peer holding the result. */
  ms: number
  /** Of which: before the completing attempt's first phase (the election, and any failed attempts). */
  beforeMs: number
  /** And after its aggregator held the result, until every surviving peer did. */
  deliveryMs: number
  /** What went wrong, if anything. */
  problems: string[]
}

export interface TestnetEvents {
  /** A peer started (index, PeerId, API URL). */
  peer?: (index: number, peerId: string, api: string) => void
  /** The round's aggregator entered a phase. */
  phase?: (round: number, attempt: number, phase: Phase, aggregator: string) => void
  /** A peer was killed on schedule. */
  killed?: (round: number, name: string, phase: Phase) => void
  round?: (report: RoundReport) => void
}

const CLIP = 1
const BITS = 16
// Generous for two shared cores, short enough that a killed aggregator costs seconds, not minutes;
// every extra process on those cores slows each phase, so the deadlines grow with the peers.
const phaseTimeout = (peers: number): number => 8_000 + 250 * peers
const announceTimeout = (peers: number): number => 5_000 + 100 * peers
// A round of 50 processes on two cores, with faults, takes about three minutes
const RESULT_TIMEOUT = 600_000
// Once one peer holds a round's result, the others have it within a phase or two: one that has not is
// a problem to name, not a reason to wait out RESULT_TIMEOUT.
const resultGrace = (peers: number): number => 2 * phaseTimeout(peers)
// Long polls for a round's result that may fail in a row at a daemon still running
const RESULT_POLL_FAILURES = 3
// A daemon this busy is left out of a round's byte count rather than waited for
const METRICS_TIMEOUT = 10_000
// Peers started at once after the first: enough to start 50 in well under a minute on two cores.
const START_CONCURRENCY = 4
// Running peers a new one is given to bootstrap from: with one, the first peer was every peer's only link
const BOOTSTRAP_PEERS = 3

export class Testnet {
  readonly dir: Promise<string>
  private readonly peers: DaemonProcess[] = []
  private readonly peerIds: string[] = []
  private readonly names = new Map<string, string>()
  private sessionFile = ''
  private session: Session | undefined
  /**
   * Each peer's update not yet aggregated, if any: one excluded from a round (too late with its keys,
   * say) keeps its update for the next, so it gets no new one until that is settled.
   */
  private readonly outstanding: Array<string | undefined> = []
  /** The input behind each update id. */
  private readonly inputs = new Map<string, Float32Array>()
  /** The last round's signed result, the beacon of the next election; undefined before round 1, null once a round left none. */
  private lastSigned: Uint8Array | undefined | null
  private root = ''
  /** Aborted by stop(): no round or daemon starts after it, and a daemon starting then is killed. */
  private readonly stopping = new AbortController()

  constructor (private readonly options: TestnetOptions, private readonly on: TestnetEvents = {}) {
    this.dir = mkdtemp(join(tmpdir(), 'secagg-testnet-'))
  }

  /** Peer names as the reports give them. */
  nameOf (peerId: string): string {
    return this.names.get(peerId) ?? peerId
  }

  /** Makes the peers' identities and the session, and starts every peer. */
  async start (): Promise<void> {
    this.root = await this.dir
    const { peers } = this.options
    for (let i = 0; i < peers; i++) {
      await ensureDataDir(this.dataDir(i))
      const id = peerIdFromPrivateKey(await createIdentity(join(this.dataDir(i), KEY_FILE), true)).toString()
      this.peerIds.push(id)
      this.names.set(id, `peer-${i}`)
    }
    // Rounds must survive the planned drops and, in one round, the aggregator as well; with many
    // processes on few cores some peers are also too late with their keys, so leave a quarter spare.
    const lost = this.options.drop.count + (this.options.killAggregator !== undefined ? 1 : 0)
    const config = testnetSession(this.peerIds, this.options.dimension, Math.max(3, Math.ceil(0.75 * (peers - lost))), lost / peers)
    this.session = openSession(config)
    this.sessionFile = join(this.root, 'testnet.session.json')
    await writeFile(this.sessionFile, JSON.stringify(config, null, 2))
    // the first on its own, so that the others have a peer to bootstrap from
    await this.startPeer(0)
    let next = 1
    await Promise.all(Array.from({ length: START_CONCURRENCY }, async () => {
      while (next < peers && !this.stopping.signal.aborted) await this.startPeer(next++)
    }))
  }

  /** Runs every round of the schedule; the reports, one per round. */
  async run (): Promise<RoundReport[]> {
    const plans = this.options.plans ?? planRounds({ peers: this.options.peers, rounds: this.options.rounds, drop: this.options.drop, seed: this.options.seed, ...(this.options.killAggregator !== undefined ? { killAggregator: this.options.killAggregator } : {}) })
    const reports: RoundReport[] = []
    for (const plan of plans) {
      if (this.stopping.signal.aborted) break
      const report = await this.runRound(plan)
      reports.push(report)
      this.on.round?.(report)
    }
    return reports
  }

  /** Stops every peer (SIGTERM, then SIGKILL after 10 s) and removes their data directories. */
  async stop (): Promise<void> {
    this.stopping.abort(new Error('the testnet is stopping'))
    await Promise.all(this.peers.map(async peer => {
      if (!isRunning(peer)) return
      peer.child.kill('SIGTERM')
      const timer = setTimeout(() => peer.child.kill('SIGKILL'), 10_000)
      await peer.exited
      clearTimeout(timer)
    }))
    await rm(await this.dir, { recursive: true, force: true })
  }

  /** The running peers, for --keep. */
  running (): DaemonProcess[] {
    return this.peers.filter(isRunning)
  }

  private dataDir (i: number): string {
    return join(this.root, `peer-${i}`)
  }

  /** Where peer i listens: on loopback, over the testnet's transport. */
  private listenAddress (i: number): string {
    const { transport } = this.options
    return transport === 'webrtc' || (transport === 'mixed' && i % 2 === 1) ? '/ip4/127.0.0.1/udp/0/webrtc-direct' : '/ip4/127.0.0.1/tcp/0'
  }

  private async startPeer (i: number): Promise<void> {
    // The session's members link up among themselves whatever peer they start from; a few bootstrap
    // peers, the latest started, keep one that is down (or killed later) from leaving a new peer alone.
    const known = this.running().filter(peer => peer !== this.peers[i]).slice(-BOOTSTRAP_PEERS)
    const bootstrap = known.length === 0 ? [] : ['--bootstrap', ...known.map(peer => peer.info.addresses[0])]
    // in a mixed testnet, the TCP peers dial the WebRTC ones too
    const webrtc = this.options.transport === 'tcp' ? [] : ['--webrtc']
    const peer = await startDaemon(this.dataDir(i), ['--session', this.sessionFile, '--listen', this.listenAddress(i), ...bootstrap, ...webrtc, '--retry-delay', '1000'], { signal: this.stopping.signal })
    this.peers[i] = peer
    // a stop() that came as the start finished did not see this process
    if (this.stopping.signal.aborted) peer.child.kill('SIGKILL')
    else this.on.peer?.(i, this.peerIds[i], peer.info.api)
  }

  private async runRound (plan: RoundPlan): Promise<RoundReport> {
    const { peers, dimension, seed } = this.options
    // Every peer up is ready first (a peer restarted after the last round may not have found a member
    // yet): a round started without it would leave it out, as one too late with its keys.
    const unready = (await Promise.all(this.running().map(async peer => await waitReady(peer) ? undefined : this.nameOf(peer.info.peerId)))).filter(name => name !== undefined)
    const inputs = gridInputs(seed, plan.round, peers, dimension, CLIP, BITS)
    const before = await this.bytes()
    const started = performance.now()
    const watching = new AbortController()
    const dropped: string[] = []
    const killed = new Set<number>()
    const marks: Array<{ attempt: number, phase: Phase, at: number }> = []
    let resultAt: number | undefined
    // A peer due to die while the updates still go in (the aggregator may announce before the last is
    // handed over) dies once they are in: its own submission must not break off.
    let submitted: Promise<void> = Promise.resolve()
    const kill = (i: number, phase: Phase, aggregator: boolean): void => {
      if (killed.has(i)) return
      killed.add(i)
      const child = this.peers[i].child
      void submitted.then(() => child.kill('SIGKILL'))
      dropped.push(`peer-${i}@${phase}${aggregator ? ' (aggregator)' : ''}`)
      this.on.killed?.(plan.round, `peer-${i}`, phase)
    }
    let aggregatorKilled = false
    /** Planned drops carried out, each once. */
    const struck = new Set<number>()
    const onAggregatorPhase = (i: number, attempt: number, phase: Phase): void => {
      marks.push({ attempt, phase, at: performance.now() })
      this.on.phase?.(plan.round, attempt, phase, `peer-${i}`)
      // the announcement goes out as the aggregator enters advertise-keys: a kill then is one in announce
      const entering = (planned: Phase): boolean => phase === planned || (planned === 'announce' && phase === 'advertise-keys')
      if (plan.killAggregator !== undefined && !aggregatorKilled && entering(plan.killAggregator)) {
        aggregatorKilled = true
        kill(i, plan.killAggregator, true)
      }
      // A planned drop is of a participant: one that falls on the aggregator takes the next peer instead.
      plan.drops.forEach((drop, d) => {
        if (struck.has(d) || !entering(drop.phase)) return
        struck.add(d)
        kill(drop.peer === i ? (i + 1) % peers : drop.peer, drop.phase, false)
      })
    }
    const detected: DetectedDropout[] = []
    // Peers whose update failed in this round, or went back to retry in a later one, and why: once
    // every peer still up has, no result of the round is coming
    const failed = new Map<number, string>()
    for (let i = 0; i < peers; i++) {
      void followEvents(`${this.peers[i].info.api}/v1/sessions/testnet/events`, this.peers[i].token, ({ event, data }) => {
        const progress = data as { round: number, attempt: number, phase: Phase, role: string }
        if (event === 'progress' && progress.role === 'aggregator' && progress.round === plan.round) onAggregatorPhase(i, progress.attempt, progress.phase)
        const dropout = data as RoundDropout
        if (event === 'dropout' && dropout.role === 'aggregator' && dropout.round === plan.round) detected.push({ peer: this.nameOf(dropout.peer), phase: dropout.phase, cause: dropout.cause, waited: dropout.waited ?? 0 })
        // the aggregator holds the result first: its last phase ends there, not when the last peer has it
        if (event === 'result' && progress.round === plan.round) resultAt ??= performance.now()
        const update = data as { id: string, state: string, round?: number, error?: string }
        if (event === 'update' && update.round === plan.round && update.id === this.outstanding[i] && (update.state === 'failed' || update.state === 'retrying')) {
          failed.set(i, `its update ${update.state === 'failed' ? 'failed' : 'goes to a later round'} (${update.error ?? 'no reason given'})`)
        }
      }, watching.signal)
    }
    // the event streams are open before any update goes in
    await new Promise(resolve => setTimeout(resolve, 200))
    const submissions = Promise.all(this.peers.map(async (peer, i) => {
      if (this.outstanding[i] !== undefined) return
      const id = await this.submit(peer, inputs[i])
      this.inputs.set(id, inputs[i])
      this.outstanding[i] = id
    }))
    submitted = submissions.then(() => {}, () => {})
    await submissions

    const problems: string[] = unready.map(name => `${name} was not ready (GET /readyz) within 30 s of the round`)
    const grace = resultGrace(peers)
    const stopWaiting = (i: number): StopWaiting | undefined => {
      if (killed.has(i)) return 'killed'
      const why = failed.get(i)
      const late = resultAt !== undefined && performance.now() - resultAt > grace
      // a peer left out of a round that completed elsewhere still gets its result: wait for that
      const noResult = resultAt === undefined && this.peers.every((_, j) => killed.has(j) || failed.has(j))
      if (why !== undefined && (noResult || late)) return { problem: `no result of round ${plan.round}: ${why}` }
      if (late) return { problem: `no result of round ${plan.round} ${Math.round(grace / 1000)} s after its aggregator had it` }
      return undefined
    }
    const results = await Promise.all(this.peers.map(async (peer, i) => killed.has(i) ? undefined : this.resultOf(peer, plan.round, () => stopWaiting(i)).catch((err: Error) => { problems.push(`peer-${i}: ${err.message}`); return undefined })))
    watching.abort()
    const ended = performance.now()
    const ms = ended - started
    const got = results.filter((r): r is RoundResult => r !== undefined)
    const report: RoundReport = { round: plan.round, attempt: -1, aggregator: '', participants: 0, survivors: 0, dropped, detected, excluded: [], exact: false, verified: false, maxAbsError: Infinity, phaseMs: {}, bytes: { sent: 0, received: 0, peers: 0 }, ms, beforeMs: 0, deliveryMs: 0, problems }
    if (got.length === 0) {
      problems.push('no peer got a result')
      this.lastSigned = null
    } else {
      const result = got[0]
      const audit = await this.audit(this.peers[results.indexOf(result)], result)
      problems.push(...audit.problems)
      report.verified = audit.verified
      Object.assign(report, { attempt: result.attempt, aggregator: this.nameOf(result.aggregator), participants: result.participants.length, survivors: result.survivors.length })
      if (got.some(r => r.sum.some((v, j) => v !== result.sum[j]))) problems.push('peers got different results')
      const survivors = result.survivors.map(id => this.peerIds.indexOf(id))
      if (survivors.includes(-1)) problems.push('a survivor is not a testnet peer')
      // A surviving peer that is still up names the update of its own that the round took: it must be
      // the one this testnet handed it and has not seen aggregated yet.
      results.forEach((r, i) => {
        if (r !== undefined && survivors.includes(i) && r.update !== this.outstanding[i]) problems.push(`peer-${i}'s update ${r.update ?? '(none)'} is in the sum, not its outstanding ${this.outstanding[i] ?? '(none)'}`)
      })
      report.excluded = this.peers.map((_, i) => i).filter(i => !killed.has(i) && !survivors.includes(i)).map(i => `peer-${i}`)
      const exactSum = new Float64Array(dimension)
      for (const s of survivors) this.inputs.get(this.outstanding[s] ?? '')?.forEach((v, j) => { exactSum[j] += v })
      for (const s of survivors) {
        this.inputs.delete(this.outstanding[s] ?? '')
        this.outstanding[s] = undefined
      }
      report.exact = result.sum.every((v, j) => v === exactSum[j])
      if (!report.exact) problems.push('the sum is not the exact sum of the survivors\' inputs')
      report.maxAbsError = result.mean.reduce((worst, v, j) => Math.max(worst, Math.abs(v - exactSum[j] / survivors.length)), 0)
      const completing = marks.filter(m => m.attempt === result.attempt)
      report.phaseMs = phaseDurations(completing, resultAt ?? ended)
      report.beforeMs = Math.round((completing[0]?.at ?? started) - started)
      report.deliveryMs = Math.round(ended - (resultAt ?? ended))
    }
    // Over the peers up at both ends of the round: a killed peer's counters die with it, and a restarted
    // one's start again from zero.
    for (const [peer, counts] of await this.bytes()) {
      const start = before.get(peer)
      if (start === undefined) continue
      report.bytes.sent += counts.sent - start.sent
      report.bytes.received += counts.received - start.received
      report.bytes.peers++
    }
    // Killed peers come back for the next round, without the update they held (a new one is coming).
    for (const i of killed) {
      this.outstanding[i] = undefined
      await this.peers[i].exited
      await rm(join(this.dataDir(i), UPDATES_DIR), { recursive: true, force: true })
      if (!this.stopping.signal.aborted) await this.startPeer(i)
    }
    return report
  }

  /**
   * Checks the round as an outsider would, from its transcript (which holds the signed result): its sum,
   * and that the previous round's result elected its aggregator; keeps the signed result for the next
   * round's check.
   */
  private async audit (holder: DaemonProcess, result: RoundResult): Promise<{ problems: string[], verified: boolean }> {
    const path = `/v1/sessions/testnet/rounds/${result.round}/verification`
    const response = await holder.api(path, { headers: { accept: 'application/octet-stream' } }).catch((err: Error) => err)
    if (response instanceof Error || response.status !== 200) {
      this.lastSigned = null
      return { problems: [`could not fetch the transcript of round ${result.round}: ${response instanceof Error ? response.message : response.status}`], verified: false }
    }
    const transcript = new Uint8Array(await response.arrayBuffer())
    const sum = await auditSum(this.session!, transcript)
    const signed = signedResultOf(transcript)
    // after a round that left no result, the chain of beacons is not known here: check nothing of it
    const chain = this.lastSigned === null ? [] : await auditRound(this.session!, this.peerIds, this.lastSigned, signed, result)
    this.lastSigned = signed
    return { problems: [...sum, ...chain], verified: sum.length === 0 }
  }

  private async submit (peer: DaemonProcess, values: Float32Array): Promise<string> {
    const response = await peer.api('/v1/sessions/testnet/updates', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array(values.buffer as ArrayBuffer) })
    if (response.status !== 202) throw new Error(`a peer refused its update: ${response.status} ${await response.text()}`)
    return ((await response.json()) as { id: string }).id
  }

  /**
   * Waits for the round's result at a peer; undefined if the peer is killed meanwhile, and an error as
   * soon as `stopWaiting` gives a problem. A long poll that fails while the daemon still runs is asked
   * again, a few times in a row at most: then the error is the round's problem, not a silently missing
   * result.
   */
  private async resultOf (peer: DaemonProcess, round: number, stopWaiting: () => StopWaiting | undefined): Promise<RoundResult | undefined> {
    const deadline = Date.now() + RESULT_TIMEOUT
    let failures = 0
    const stop = (): boolean => {
      const why = stopWaiting()
      if (why !== undefined && why !== 'killed') throw new Error(why.problem)
      return why === 'killed'
    }
    while (Date.now() < deadline) {
      if (stop()) return undefined
      let response: Response
      try {
        response = await peer.api(`/v1/sessions/testnet/rounds/${round}?wait=2`)
        failures = 0
      } catch (err) {
        if (stop() || !isRunning(peer)) return undefined
        if (++failures >= RESULT_POLL_FAILURES) throw err
        await new Promise(resolve => setTimeout(resolve, 500))
        continue
      }
      if (response.status === 200) return await response.json() as RoundResult
      await response.body?.cancel()
    }
    throw new Error(`no result of round ${round} within ${RESULT_TIMEOUT / 60_000} minutes`)
  }

  /** Bytes of /secagg/ protocols each running peer (by its process) has sent and received so far. */
  private async bytes (): Promise<Map<DaemonProcess, { sent: number, received: number }>> {
    const counts = new Map<DaemonProcess, { sent: number, received: number }>()
    await Promise.all(this.running().map(async peer => {
      try {
        const text = await requestAlone(peer.info.metrics!, {}, METRICS_TIMEOUT).then(async r => r.text())
        const count = { sent: 0, received: 0 }
        for (const [, direction, value] of text.matchAll(/^libp2p_data_transfer_bytes_total\{protocol="\/secagg\/[^"]* (sent|received)"\} (\d+)$/gm)) {
          count[direction as 'sent' | 'received'] += Number(value)
        }
        counts.set(peer, count)
      } catch {
        // a peer too busy to answer in time is left out of this round's count, as a killed one is
      }
    }))
    return counts
  }
}

/** Why the testnet stops waiting for a peer's result: it was killed, or a problem to report. */
type StopWaiting = 'killed' | { problem: string }

interface RoundResult {
  round: number
  attempt: number
  aggregator: string
  participants: string[]
  survivors: string[]
  sum: number[]
  mean: number[]
  /** This peer's update in the sum, if any. */
  update?: string
}

/**
 * The testnet's closed session: the graph is planned for the dropout rate the faults cause (lowered in
 * steps until the parameter finder can meet its targets, as it cannot for a few peers losing many).
 */
function testnetSession (members: string[], dimension: number, minParticipants: number, dropouts: number): SessionConfig {
  let lastError: unknown
  const phase = phaseTimeout(members.length)
  for (const dropoutRate of [Math.min(0.5, dropouts + 0.1), 0.4, 0.3, 0.2, 0.1]) {
    try {
      return defineSession({
        name: 'testnet',
        dimension,
        members,
        minParticipants,
        encoding: { clip: CLIP, bits: BITS, maxParticipants: members.length, maxWeight: 1 },
        graph: { shape: 'harary', dropoutRate, corruptRate: 0, threatModel: 'semi-honest' },
        phaseTimeouts: { 'advertise-keys': phase, 'share-keys': phase, 'masked-input': phase, 'consistency-check': phase, unmask: phase },
        announceTimeout: announceTimeout(members.length),
        maxAttempts: 4
      })
    } catch (err) {
      lastError = err
    }
  }
  throw lastError
}

/** Milliseconds from each phase mark to the next (the last phase runs to the end). */
function phaseDurations (marks: Array<{ phase: Phase, at: number }>, end: number): Partial<Record<Phase, number>> {
  const out: Partial<Record<Phase, number>> = {}
  marks.forEach((mark, i) => { out[mark.phase] = Math.round((marks[i + 1]?.at ?? end) - mark.at) })
  return out
}
