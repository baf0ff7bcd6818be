/**
 * What a dropout costs a round: the testnet's real `secagg node` processes (8 peers over TCP on
 * loopback, d = 100,000, phase deadlines of 10 s), one round per case, each against the fault-free
 * rounds of the same run (the floor). The cases: a participant killed with SIGKILL in each of the six
 * phases, and the aggregator killed in masked-input. A killed process's connections close at once; the
 * aggregator stops waiting for it after the loss grace (1 s), and when the aggregator itself is killed
 * its participants follow the next-ranked peer after that grace, in a new attempt.
 *
 * Goals (issue "Faults that cost seconds"): a faulted round within 1.5 times the fault-free one plus
 * 3 s; the aggregator-killed round within 2 times plus 3 s. Each case prints whether it met its goal.
 * The fault-free floor is the faster of two fault-free rounds run after a warm-up round.
 */
import { PHASES, type Phase } from '../src/protocol/round/phases.js'
import { Testnet, type RoundReport } from '../src/testnet/testnet.js'
import { detectedText } from '../src/testnet/report.js'
import type { RoundPlan } from '../src/testnet/schedule.js'
import type { BenchResult } from './result.js'

const PEERS = 8
const DIMENSION = 100_000

interface Case {
  name: string
  plan: Omit<RoundPlan, 'round'>
  /** The goal: at most factor x the fault-free round, plus 3 s. */
  factor: number
}

const HEALTHY: Omit<RoundPlan, 'round'> = { drops: [] }

const cases: Case[] = [
  // a participant: peer 1, or the next one when peer 1 aggregates
  ...PHASES.map((phase: Phase): Case => ({ name: `fault-latency: a participant killed in ${phase}`, plan: { drops: [{ peer: 1, phase }] }, factor: 1.5 })),
  { name: 'fault-latency: the aggregator killed in masked-input', plan: { drops: [], killAggregator: 'masked-input' }, factor: 2 }
]

export async function faultLatency (): Promise<BenchResult[]> {
  // warm-up, two fault-free rounds, then the cases
  const plans: RoundPlan[] = [HEALTHY, HEALTHY, HEALTHY, ...cases.map(c => c.plan)].map((plan, i) => ({ ...plan, round: i + 1 }))
  const testnet = new Testnet({ peers: PEERS, transport: 'tcp', rounds: plans.length, dimension: DIMENSION, drop: { count: 1 }, killAggregator: 'masked-input', seed: 'fault-latency', plans })
  let reports: RoundReport[]
  try {
    await testnet.start()
    reports = await testnet.run()
  } finally {
    await testnet.stop()
  }
  const broken = reports.filter(r => r.problems.length > 0)
  if (reports.length !== plans.length || broken.length > 0) {
    throw new Error(`fault-latency: ${reports.length} of ${plans.length} rounds ran; ${broken.map(r => `round ${r.round}: ${r.problems.join('; ')}`).join(' | ')}`)
  }
  const floor = Math.min(reports[1].ms, reports[2].ms)
  return cases.map((c, i) => {
    const report = reports[3 + i]
    const goal = c.factor * floor + 3000
    const met = report.ms <= goal ? 'met' : 'MISSED'
    return {
      name: c.name,
      value: report.ms,
      unit: 'ms',
      floor,
      detail: `goal ${c.factor}x + 3 s = ${Math.round(goal)} ms: ${met}; attempt ${report.attempt}; ${detectedText(report.detected)}`
    }
  })
}
