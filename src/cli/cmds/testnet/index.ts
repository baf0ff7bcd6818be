import { PHASES } from '../../../protocol/round/phases.js'
import { TRANSPORTS } from '../../../testnet/testnet.js'
import { withCommandEnv } from '../../command-env.js'
import { testnetHandler, type TestnetArgs } from './handler.js'
import type { GlobalArgs } from '../../global-options.js'
import type { CommandModule } from 'yargs'

export const testnetCommand: CommandModule<GlobalArgs, TestnetArgs> = {
  command: 'testnet',
  describe: 'Run secagg node processes on this machine through secure rounds with injected faults, and check every result',
  builder: (yargs) => withCommandEnv(yargs, 'testnet', 'peers').options({
    peers: { type: 'number', default: 8, description: 'secagg node processes to start' },
    rounds: { type: 'number', default: 3, description: 'Rounds to run' },
    dim: { type: 'number', default: 100_000, description: 'Values in each update' },
    drop: { type: 'string', default: '1', description: `Peers killed per round, and the phase: <count>[:<phase>] (${PHASES.join(', ')}; random when left out)` },
    'kill-aggregator': { type: 'string', default: 'masked-input', description: 'The phase in which the aggregator is killed in round 2 (none: never)' },
    transport: { type: 'string', default: 'tcp', choices: TRANSPORTS, description: 'How the peers listen: TCP, WebRTC (webrtc-direct), or every other peer on each' },
    seed: { type: 'string', description: 'The same seed gives the same inputs and the same faults (random by default)' },
    json: { type: 'boolean', default: false, description: 'One JSON object per round on stdout' },
    keep: { type: 'boolean', default: false, description: 'Leave the peers running at the end and print how to reach their APIs' },
    report: { type: 'string', description: 'Write an HTML report, with charts of phase times and bytes per round, to this file' }
  })
    .example('$0 testnet', '8 peers, 3 rounds at d = 100,000, one peer dropping per round, the aggregator killed in round 2')
    .example('$0 testnet --peers 5 --rounds 3 --dim 10000 --drop 1:share-keys --kill-aggregator unmask --seed 7', 'a fixed schedule')
    .example('$0 testnet --transport mixed --report testnet.html', 'half the peers on WebRTC, and an HTML report with charts') as any,
  handler: testnetHandler
}
