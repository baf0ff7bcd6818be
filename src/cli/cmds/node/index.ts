import { globalOptions, type GlobalArgs } from '../../global-options.js'
import { nodeHandler, type NodeArgs } from './handler.js'
import { nodeOptions } from './options.js'
import type { CommandModule } from 'yargs'

export const nodeCommand: CommandModule<GlobalArgs, NodeArgs> = {
  command: 'node',
  describe: 'Run the edge-node daemon: a libp2p peer in its sessions, with a local API for trainers',
  builder: (yargs) => yargs.options({ ...globalOptions, ...nodeOptions })
    .example('$0 node --session demo.session.json', 'join a session, API on 127.0.0.1:7341, metrics on :7342')
    .example('$0 node --session demo.session.json --bootstrap /ip4/10.0.0.5/tcp/7340/p2p/12D3KooW...', 'also dial a known peer at start')
    .example('SECAGG_API_PORT=8000 SECAGG_LOG_FORMAT=json $0 node --config node.json', 'flags from the environment and a config file') as any,
  handler: nodeHandler
}
