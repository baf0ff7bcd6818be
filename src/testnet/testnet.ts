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
import { defineSession, type SessionConfig } from '../node/session-config.js'
import { startDaemon, type DaemonProcess } from './daemon-process.js'
import { followEvents } from './event-stream.js'
import { gridInputs, planRounds, type DropSpec, type RoundPlan } from './schedule.js'
import type { Phase } from '../protocol/round/phases.js'

export interface TestnetOptions {
  peers: number
  rounds: number
  dimension: number
  drop: DropSpec
  killAggregator?: Phase
  seed: string
}

export interface RoundReport {
  round: number
  attempt: number
  aggregator: string
  participants: number
  survivors: number
  /** Peers killed this round, with the phase, as `peer-3@share-keys`; the aggregator as `peer-5@unmask (aggregator)`. */
  dropped: string[]
  /** The result's sum equals the exact sum of the survivors' inputs, bit for bit. */
  exact: boolean
  /** The largest difference between the result's mean and the plaintext mean of the survivors' inputs. */
  maxAbsError: number
  /** Milliseconds in each phase of the completed attempt, as its aggregator reported them. */
  phaseMs: Partial<Record<Phase, number>>
  /** Bytes of secure-aggregation protocols sent and received this round, over all peers. */
  bytes: { sent: number, received: number }
  ms: number
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
// Generous for two shared cores, short enough that a killed aggregator costs seconds, not minutes.
const PHASE_TIMEOUT = 8_000
const ANNOUNCE_TIMEOUT = 5_000

export class Testnet {
  readonly dir: Promise<string>
  private readonly peers: DaemonProcess[] = []
  private readonly peerIds: string[] = []
  private readonly names = new Map<string, string>()
  private sessionFile = ''
  private root = ''
  private stopped = false

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
    // Rounds must survive the planned drops and, in one round, the aggregator as well.
    const lost = this.options.drop.count + (this.options.killAggregator !== undefined ? 1 : 0)
    const config = testnetSession(this.peerIds, this.options.dimension, Math.max(3, peers - lost - 1), lost / peers)
    this.sessionFile = join(this.root, 'testnet.session.json')
    await writeFile(this.sessionFile, JSON.stringify(config, null, 2))
    for (let i = 0; i < peers; i++) await this.startPeer(i)
  }

  /** Runs every round of the schedule; the reports, one per round. */
  async run (): Promise<RoundReport[]> {
    const plans = planRounds({ peers: this.options.peers, rounds: this.options.rounds, drop: this.options.drop, seed: this.options.seed, ...(this.options.killAggregator !== undefined ? { killAggregator: this.options.killAggregator } : {}) })
    const reports: RoundReport[] = []
    for (const plan of plans) {
      if (this.stopped) break
      const report = await this.runRound(plan)
      reports.push(report)
      this.on.round?.(report)
    }
    return reports
  }

  /** Stops every peer (SIGTERM, then SIGKILL after 10 s) and removes their data directories. */
  async stop (): Promise<void> {
    this.stopped = true
    await Promise.all(this.peers.map(async peer => {
      if (peer.child.exitCode !== null || peer.child.signalCode !== null) return
      peer.child.kill('SIGTERM')
      const timer = setTimeout(() => peer.child.kill('SIGKILL'), 10_000)
      await peer.exited
      clearTimeout(timer)
    }))
    await rm(await this.dir, { recursive: true, force: true })
  }

  /** The running peers, for --keep. */
  running (): DaemonProcess[] {
    return this.peers.filter(peer => peer.child.exitCode === null && peer.child.signalCode === null)
  }

  private dataDir (i: number): string {
    return join(this.root, `peer-${i}`)
  }

  private async startPeer (i: number): Promise<void> {
    // any peer already up will do: from it the others are found through the session
    const known = this.running().find(peer => peer !== this.peers[i])
    const bootstrap = known === undefined ? [] : ['--bootstrap', known.info.addresses[0]]
    this.peers[i] = await startDaemon(this.dataDir(i), ['--session', this.sessionFile, ...bootstrap, '--retry-delay', '1000'])
    this.on.peer?.(i, this.peerIds[i], this.peers[i].info.api)
  }

  private async runRound (plan: RoundPlan): Promise<RoundReport> {
    const { peers, dimension, seed } = this.options
    const inputs = gridInputs(seed, plan.round, peers, dimension, CLIP, BITS)
    const before = await this.bytes()
    const started = performance.now()
    const watching = new AbortController()
    const dropped: string[] = []
    const killed = new Set<number>()
    const marks: Array<{ attempt: number, phase: Phase, at: number }> = []
    const kill = (i: number, phase: Phase, aggregator: boolean): void => {
      if (killed.has(i)) return
      killed.add(i)
      this.peers[i].child.kill('SIGKILL')
      dropped.push(`peer-${i}@${phase}${aggregator ? ' (aggregator)' : ''}`)
      this.on.killed?.(plan.round, `peer-${i}`, phase)
    }
    let aggregatorKilled = false
    const onAggregatorPhase = (i: number, attempt: number, phase: Phase): void => {
      marks.push({ attempt, phase, at: performance.now() })
      this.on.phase?.(plan.round, attempt, phase, `peer-${i}`)
      if (plan.killAggregator !== undefined && !aggregatorKilled && (phase === plan.killAggregator || (plan.killAggregator === 'announce' && phase === 'advertise-keys'))) {
        aggregatorKilled = true
        kill(i, plan.killAggregator, true)
      }
      for (const drop of plan.drops) if (drop.phase === phase && drop.phase !== 'announce') kill(drop.peer, phase, false)
    }
    for (let i = 0; i < peers; i++) {
      void followEvents(`${this.peers[i].info.api}/v1/sessions/testnet/events`, this.peers[i].token, ({ event, data }) => {
        const progress = data as { round: number, attempt: number, phase: Phase, role: string }
        if (event === 'progress' && progress.role === 'aggregator' && progress.round === plan.round) onAggregatorPhase(i, progress.attempt, progress.phase)
      }, watching.signal)
    }
    // the event streams are open before any update goes in
    await new Promise(resolve => setTimeout(resolve, 200))
    const submitted = await Promise.all(this.peers.map(async (peer, i) => this.submit(peer, inputs[i])))
    for (const drop of plan.drops) if (drop.phase === 'announce') kill(drop.peer, 'announce', false)

    const problems: string[] = []
    const results = await Promise.all(this.peers.map(async (peer, i) => killed.has(i) ? undefined : this.resultOf(peer, submitted[i], () => killed.has(i)).catch((err: Error) => { problems.push(`peer-${i}: ${err.message}`); return undefined })))
    watching.abort()
    const ms = performance.now() - started
    const got = results.filter((r): r is RoundResult => r !== undefined)
    const report: RoundReport = { round: plan.round, attempt: -1, aggregator: '', participants: 0, survivors: 0, dropped, exact: false, maxAbsError: Infinity, phaseMs: {}, bytes: { sent: 0, received: 0 }, ms, problems }
    if (got.length === 0) {
      problems.push('no peer got a result')
    } else {
      const result = got[0]
      Object.assign(report, { attempt: result.attempt, aggregator: this.nameOf(result.aggregator), participants: result.participants.length, survivors: result.survivors.length })
      if (got.some(r => r.round !== plan.round)) problems.push(`a peer's update went into round ${got.find(r => r.round !== plan.round)!.round}`)
      if (got.some(r => r.sum.some((v, j) => v !== result.sum[j]))) problems.push('peers got different results')
      const survivors = result.survivors.map(id => this.peerIds.indexOf(id))
      if (survivors.includes(-1)) problems.push('a survivor is not a testnet peer')
      for (let i = 0; i < peers; i++) if (!killed.has(i) && !survivors.includes(i)) problems.push(`peer-${i} stayed up but is not a survivor`)
      const exactSum = new Float64Array(dimension)
      for (const s of survivors) if (s >= 0) inputs[s].forEach((v, j) => { exactSum[j] += v })
      report.exact = result.sum.every((v, j) => v === exactSum[j])
      if (!report.exact) problems.push('the sum is not the exact sum of the survivors\' inputs')
      report.maxAbsError = result.mean.reduce((worst, v, j) => Math.max(worst, Math.abs(v - exactSum[j] / survivors.length)), 0)
      report.phaseMs = phaseDurations(marks.filter(m => m.attempt === result.attempt))
    }
    const after = await this.bytes()
    report.bytes = { sent: after.sent - before.sent, received: after.received - before.received }
    // Killed peers come back for the next round, without the update they held (a new one is coming).
    for (const i of killed) {
      await this.peers[i].exited
      await rm(join(this.dataDir(i), UPDATES_DIR), { recursive: true, force: true })
      if (!this.stopped) await this.startPeer(i)
    }
    return report
  }

  private async submit (peer: DaemonProcess, values: Float32Array): Promise<string> {
    const response = await peer.api('/v1/sessions/testnet/updates', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array(values.buffer as ArrayBuffer) })
    if (response.status !== 202) throw new Error(`a peer refused its update: ${response.status} ${await response.text()}`)
    return ((await response.json()) as { id: string }).id
  }

  /** Waits for the update's round and fetches its result; undefined if the peer is killed meanwhile. */
  private async resultOf (peer: DaemonProcess, update: string, gone: () => boolean): Promise<RoundResult | undefined> {
    const deadline = Date.now() + 180_000
    while (Date.now() < deadline) {
      if (gone()) return undefined
      const status = await peer.api(`/v1/updates/${update}?wait=2`).then(async r => await r.json() as { state: string, round?: number, error?: string }).catch(() => undefined)
      if (status === undefined) return undefined
      if (status.state === 'aggregated') {
        const body = await (await peer.api(`/v1/sessions/testnet/rounds/${status.round}`)).json() as RoundResult & { sum: number[], mean: number[] }
        return body
      }
      if (status.state === 'failed') throw new Error(`its update failed: ${status.error}`)
    }
    throw new Error('no result within 3 minutes')
  }

  /** Bytes of /secagg/ protocols sent and received so far, over the running peers. */
  private async bytes (): Promise<{ sent: number, received: number }> {
    let sent = 0
    let received = 0
    for (const peer of this.running()) {
      const text = await fetch(peer.info.metrics!).then(async r => r.text()).catch(() => '')
      for (const [, direction, value] of text.matchAll(/^libp2p_data_transfer_bytes_total\{protocol="\/secagg\/[^"]* (sent|received)"\} (\d+)$/gm)) {
        if (direction === 'sent') sent += Number(value)
        else received += Number(value)
      }
    }
    return { sent, received }
  }
}

interface RoundResult {
  round: number
  attempt: number
  aggregator: string
  participants: string[]
  survivors: string[]
  sum: number[]
  mean: number[]
}

/**
 * The testnet's closed session: the graph is planned for the dropout rate the faults cause (lowered in
 * steps until the parameter finder can meet its targets, as it cannot for a few peers losing many).
 */
function testnetSession (members: string[], dimension: number, minParticipants: number, dropouts: number): SessionConfig {
  let lastError: unknown
  for (const dropoutRate of [Math.min(0.5, dropouts + 0.1), 0.4, 0.3, 0.2, 0.1]) {
    try {
      return defineSession({
        name: 'testnet',
        dimension,
        members,
        minParticipants,
        encoding: { clip: CLIP, bits: BITS, maxParticipants: members.length, maxWeight: 1 },
        graph: { shape: 'harary', dropoutRate, corruptRate: 0, threatModel: 'semi-honest' },
        phaseTimeouts: { 'advertise-keys': PHASE_TIMEOUT, 'share-keys': PHASE_TIMEOUT, 'masked-input': PHASE_TIMEOUT, 'consistency-check': PHASE_TIMEOUT, unmask: PHASE_TIMEOUT },
        announceTimeout: ANNOUNCE_TIMEOUT,
        maxAttempts: 4
      })
    } catch (err) {
      lastError = err
    }
  }
  throw lastError
}

/** Milliseconds from each phase mark to the next (the last phase runs to now). */
function phaseDurations (marks: Array<{ phase: Phase, at: number }>): Partial<Record<Phase, number>> {
  const out: Partial<Record<Phase, number>> = {}
  const end = performance.now()
  marks.forEach((mark, i) => { out[mark.phase] = Math.round((marks[i + 1]?.at ?? end) - mark.at) })
  return out
}
