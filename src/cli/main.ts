/**
 * The `secagg` command, once index.ts has checked the Node.js version. Every flag also works as an
 * environment variable named for its command (`secagg node --api-port` is SECAGG_NODE_API_PORT: see
 * command-env.ts) and from a JSON config file given with --config; flags win over the environment,
 * which wins over the file.
 */
import yargs from 'yargs'
import { hideBin } from 'yargs/helpers'
import { EXIT_BAD_INPUT, reportError } from './cli-error.js'
import { configFileProblem, readConfigFile } from './config-file.js'
import { envVariableOf, unreadVariables } from './command-env.js'
import { keygenCommand } from './cmds/keygen/index.js'
import { nodeCommand } from './cmds/node/index.js'
import { resultCommand } from './cmds/result/index.js'
import { sessionCommand } from './cmds/session/index.js'
import { statusCommand } from './cmds/status/index.js'
import { submitCommand } from './cmds/submit/index.js'
import { testnetCommand } from './cmds/testnet/index.js'
import { verifyCommand } from './cmds/verify/index.js'
import { VERSION } from '../version.js'

// Said, not refused: an operator who still sets SECAGG_DATA_DIR learns why the node runs elsewhere
const unread = unreadVariables(process.env)
if (unread.length > 0) {
  process.stderr.write(`secagg: warning: ignoring ${unread.join(', ')}: a variable names its command, such as ${envVariableOf('node', 'data-dir')} for \`secagg node --data-dir\` (see \`secagg <command> --help\`)\n`)
}

try {
  await yargs(hideBin(process.argv))
    .scriptName('secagg')
    .usage('$0 <command> [options]\n\nSecure aggregation for federated learning, peer to peer over libp2p.')
    .config('config', 'A JSON file of options, such as {"session": ["a.session.json"], "api-port": 7341}', readConfigFile)
    .command(nodeCommand as any)
    .command(keygenCommand as any)
    .command(sessionCommand as any)
    .command(statusCommand as any)
    .command(submitCommand as any)
    .command(resultCommand as any)
    .command(verifyCommand as any)
    .command(testnetCommand as any)
    .demandCommand(1, 'name a command; see --help')
    .strict()
    .help()
    .alias('help', 'h')
    .version(VERSION)
    .wrap(Math.min(120, process.stdout.columns ?? 100))
    .fail((message, err, y) => {
      // A --config file yargs could not load: yargs says only "Invalid JSON config file", so say why
      const configProblem = configFileProblem()
      if (configProblem !== undefined) {
        process.stderr.write(`secagg: ${configProblem}\n`)
        process.exit(EXIT_BAD_INPUT)
      }
      // a handler's own error goes on to the catch below
      if (err !== undefined && err !== null) throw err
      process.stderr.write(`${y.help().toString()}\n\nsecagg: ${message}\n`)
      process.exit(EXIT_BAD_INPUT)
    })
    .parseAsync()
} catch (err) {
  // yargs throws some errors synchronously from parseAsync(), not through its promise
  reportError(err)
}
