import { withCommandEnv } from '../../command-env.js'
import { globalOptions, type GlobalArgs } from '../../global-options.js'
import type { NodeArgs } from './handler.js'
import { nodeOptions } from './options.js'
import type { CommandModule } from 'yargs'

export const nodeCommand: CommandModule<GlobalArgs, NodeArgs> = {
  command: 'node',
  describe: 'Run the edge-node daemon: a libp2p peer in its sessions, with a local API for trainers',
  builder: (yargs) => withCommandEnv(yargs, 'node', 'api-port').options({ ...globalOptions, ...nodeOptions })
    .example('$0 node --session demo.session.json', 'join a session, API on 127.0.0.1:7341, metrics on :7342')
    .example('$0 node --session demo.session.json --bootstrap /ip4/10.0.0.5/tcp/7340/p2p/12D3KooW...', 'also dial a known peer at start')
    .example('SECAGG_NODE_API_PORT=8000 SECAGG_NODE_LOG_FORMAT=json $0 node --config node.json', 'flags from the environment and a config file') as any,
  // The daemon, and the libp2p stack under it, load only for `secagg node`: importing them takes most
  // of a second, which every `secagg submit` in a training loop would otherwise pay.
  handler: async (args) => {
    const { nodeHandler } = await import('./handler.js')
    await nodeHandler(args)
  }
}
