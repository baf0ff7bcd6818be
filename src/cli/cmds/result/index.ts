import { ApiClient, clientOptions, type ClientArgs } from '../../api-client.js'
import { CliError, EXIT_BAD_INPUT } from '../../cli-error.js'
import { withCommandEnv } from '../../command-env.js'
import { globalOptions, type GlobalArgs } from '../../global-options.js'
import { printResult, waitForUpdate } from './handler.js'
import type { CommandModule } from 'yargs'

interface ResultArgs extends GlobalArgs, ClientArgs {
  session: string
  round: string
  update?: string
  wait: number
  out?: string
  json: boolean
}

export const resultCommand: CommandModule<GlobalArgs, ResultArgs> = {
  command: 'result',
  describe: 'Print a round\'s result, waiting for it if asked',
  builder: (yargs) => withCommandEnv(yargs, 'result', 'out').options({
    ...globalOptions,
    ...clientOptions,
    session: { type: 'string', demandOption: true, description: 'The session\'s name or id' },
    round: { type: 'string', default: 'latest', description: 'A round number, or latest' },
    update: { type: 'string', description: 'Instead of --round: the round that aggregated this update (from secagg submit)' },
    wait: { type: 'number', default: 0, description: 'Seconds to wait for a result not there yet' },
    out: { type: 'string', description: 'Write the mean here (.npy, or raw float32 for any other name)' },
    json: { type: 'boolean', default: false, description: 'Print the API\'s JSON, vectors included' }
  })
    .example('$0 result --session mnist', 'the latest result this node holds')
    .example('$0 result --session mnist --update 0m3x1k2ab-9f3e... --wait 600 --out mean.npy', 'wait for an update\'s round, save the mean') as any,
  handler: async (args) => {
    const client = await ApiClient.connect(args)
    let round: number | 'latest'
    if (args.update !== undefined) {
      round = await waitForUpdate(client, args.update, args.wait)
    } else {
      round = args.round === 'latest' ? 'latest' : Number(args.round)
      if (round !== 'latest' && !(Number.isInteger(round) && round >= 1)) throw new CliError(`--round must be a positive integer or 'latest', got '${args.round}'`, EXIT_BAD_INPUT)
    }
    await printResult(client, args.session, round, args)
  }
}
