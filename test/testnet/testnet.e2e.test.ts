/**
 * The local testnet at CI size: five `secagg node` processes, over TCP and WebRTC, three rounds at
 * d = 10,000, one peer killed per round and the aggregator killed in round 2; every result must be the exact sum of its
 * survivors' inputs, and the same seed must give the same schedule.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { PHASES } from '../../src/protocol/round/phases.js'
import { gridInputs, planRounds } from '../../src/testnet/schedule.js'
import { Testnet, type RoundReport } from '../../src/testnet/testnet.js'

let testnet: Testnet | undefined

afterAll(async () => { await testnet?.stop() })

describe('the local testnet', () => {
  it('plans the same inputs and faults from the same seed, and other ones from another', () => {
    const plan = { peers: 8, rounds: 4, drop: { count: 2 }, killAggregator: 'unmask' as const, seed: 'a' }
    expect(planRounds(plan)).toEqual(planRounds(plan))
    expect(planRounds({ ...plan, seed: 'b' })).not.toEqual(planRounds(plan))
    const rounds = planRounds(plan)
    expect(rounds.map(r => r.killAggregator)).toEqual([undefined, 'unmask', undefined, undefined])
    for (const round of rounds) {
      expect(round.drops).toHaveLength(2)
      expect(new Set(round.drops.map(d => d.peer)).size).toBe(2)
      for (const drop of round.drops) expect(PHASES).toContain(drop.phase)
    }
    expect(planRounds({ ...plan, drop: { count: 1, phase: 'share-keys' } }).every(r => r.drops[0].phase === 'share-keys')).toBe(true)
    const inputs = gridInputs('a', 1, 3, 1000, 1, 16)
    expect(inputs.map(input => Array.from(input))).toEqual(gridInputs('a', 1, 3, 1000, 1, 16).map(input => Array.from(input)))
    // on the grid: quantizing them is exact
    for (const v of inputs.flatMap(input => Array.from(input))) expect(Number.isInteger(v * 2 ** 15)).toBe(true)
  })

  it('runs five daemons through three rounds with a dropout each and a killed aggregator, every sum exact', async () => {
    const reports: RoundReport[] = []
    testnet = new Testnet({ peers: 5, transport: 'mixed', rounds: 3, dimension: 10_000, drop: { count: 1 }, killAggregator: 'masked-input', seed: 'ci' }, { round: r => reports.push(r) })
    await testnet.start()
    // mixed: every other peer listens on WebRTC only, so rounds cross both transports
    const listening = testnet.running().map(peer => peer.info.addresses[0])
    expect(listening.filter(a => a.includes('/udp/') && a.includes('/webrtc-direct/'))).toHaveLength(2)
    expect(listening.filter(a => a.includes('/tcp/'))).toHaveLength(3)
    await testnet.run()
    // (on a failure, what the peers concerned logged of their session, as CI shows nothing else of them)
    const logsOf = (name: string): string => `${name}:\n${testnet!.running().find(peer => testnet!.nameOf(peer.info.peerId) === name)?.logs().split('\n').filter(line => line.includes('"session"') || line.includes('"component":"libp2p:secagg')).join('\n')}`
    const everyone = testnet.running().map(peer => testnet!.nameOf(peer.info.peerId))
    // no problem: every sum exact, every signed result verified and its aggregator the elected one
    expect(reports.map(r => r.problems), reports.some(r => r.problems.length > 0) ? everyone.map(logsOf).join('\n') : undefined).toEqual([[], [], []])
    // (a peer left out: what it and the aggregator logged)
    const excluded = new Set(reports.flatMap(r => [...r.excluded, ...(r.excluded.length > 0 ? [r.aggregator] : [])]))
    expect(reports.map(r => r.excluded), [...excluded].map(logsOf).join('\n')).toEqual([[], [], []])
    for (const report of reports) {
      expect(report.exact).toBe(true)
      expect(report.maxAbsError).toBeLessThan(1e-9)
      expect(report.bytes.sent).toBeGreaterThan(0)
      // counted over the peers up at both ends of the round: not those it killed (one that does not
      // answer in time is left out too)
      expect(report.bytes.peers).toBeGreaterThan(0)
      expect(report.bytes.peers).toBeLessThanOrEqual(5 - report.dropped.length)
    }
    // round 2 lost its aggregator in masked-input: a later attempt, by another peer, finished it
    expect(reports[1].dropped.some(d => d.endsWith('@masked-input (aggregator)'))).toBe(true)
    expect(reports[1].attempt).toBeGreaterThan(0)
    // one peer went down in every round: a planned victim that aggregates is spared for the next peer
    for (const report of reports) expect(report.dropped.length).toBeGreaterThan(0)
    // How each was known, in the rounds whose aggregator lived: by its closed connections, before the
    // phase's deadline (8 s + 0.25 s per peer), or, over a WebRTC link (which may stay open for a while
    // when the process dies), at that deadline; unless unmask had already closed without needing it.
    const deadline = 8000 + 250 * 5
    for (const report of [reports[0], reports[2]]) {
      for (const [peer, phase] of report.dropped.map(d => d.split('@'))) {
        const detected = report.detected.filter(d => d.peer === peer)
        if (phase === 'unmask' && detected.length === 0) continue
        expect(detected, JSON.stringify(report)).toHaveLength(1)
        if (detected[0].cause === 'connection-closed') expect(detected[0].waited).toBeLessThan(deadline)
        else expect(detected[0].waited).toBeGreaterThanOrEqual(deadline - 100)
      }
    }
  }, 600_000)

  it('ends a round that cannot complete as soon as its peers give up, naming why each did', async () => {
    await testnet?.stop()
    const reports: RoundReport[] = []
    // every peer but the aggregator killed as keys are shared (a drop planned for the aggregator takes
    // the next peer): the one left cannot reach a sum in any attempt
    const plans = [{ round: 1, drops: [0, 1, 2, 3].map(peer => ({ peer, phase: 'share-keys' as const })) }]
    testnet = new Testnet({ peers: 4, transport: 'tcp', rounds: 1, dimension: 100, drop: { count: 0 }, seed: 'fail', plans }, { round: r => reports.push(r) })
    await testnet.start()
    const started = Date.now()
    await testnet.run()
    // before this, the testnet waited out its 10-minute result timeout for the peer left alone
    expect(Date.now() - started).toBeLessThan(180_000)
    expect(reports).toHaveLength(1)
    expect(reports[0].problems).toContain('no peer got a result')
    expect(reports[0].problems.filter(p => /^peer-\d: no result of round 1: its update (failed|goes to a later round) \(all \d+ attempts failed/.test(p)), reports[0].problems.join('\n')).toHaveLength(1)
    // the daemon's log holds its session core's account of the attempts (the testnet runs them at debug)
    const left = testnet.running().find(peer => peer.logs().includes('"state":"retrying"') || peer.logs().includes('"state":"failed"'))
    expect(left?.logs()).toMatch(/"component":"libp2p:secagg:[0-9a-f]{8}","msg":"round 1 attempt \d+: 12D3KooW\w+ is elected"/)
  }, 300_000)
})
