import { ApiClient, clientOptions, type ClientArgs } from '../../api-client.js'
import { CliError, EXIT_BAD_INPUT } from '../../cli-error.js'
import { withCommandEnv } from '../../command-env.js'
import { globalOptions, type GlobalArgs } from '../../global-options.js'
import { report, verifyOffline, verifyWithDaemon } from './handler.js'
import type { CommandModule } from 'yargs'

interface VerifyArgs extends GlobalArgs, ClientArgs {
  session?: string
  round?: string
  wait: number
  out?: string
  transcript?: string
  sessionFile?: string
  json: boolean
}

const BOTH_WAYS = 'give --session NAME to ask the running daemon, or --transcript FILE with --session-file SESSION.json to check a transcript offline'

export const verifyCommand: CommandModule<GlobalArgs, VerifyArgs> = {
  command: 'verify',
  describe: 'Check from its transcript that a round\'s sum is its survivors\' inputs: a round the daemon holds, or a transcript file offline',
  builder: (yargs) => withCommandEnv(yargs, 'verify', 'session-file').options({
    ...globalOptions,
    ...clientOptions,
    session: { type: 'string', description: 'The session\'s name or id: ask the running daemon to audit one of its rounds' },
    round: { type: 'string', description: 'With --session: a round number, or latest (the default)' },
    wait: { type: 'number', default: 0, description: 'With --session: seconds to wait for a round not ended yet' },
    out: { type: 'string', description: 'With --session: also save the round\'s transcript here, for anyone to check with --transcript' },
    transcript: { type: 'string', description: 'Offline, no daemon: a round\'s transcript file (from --out, or GET .../verification as application/octet-stream)' },
    'session-file': { type: 'string', description: 'With --transcript: the session file (as secagg session create wrote it) to check the transcript against' },
    json: { type: 'boolean', default: false, description: 'Print the verification as JSON, as the API gives it' }
  })
    .epilogue('Exit codes: 0 verified; 3 forged (the transcript shows that its aggregator signed a wrong sum); 2 unverifiable (the transcript is malformed or incomplete: it proves nothing either way) or wrong arguments; 1 the daemon could not answer.')
    .example('$0 verify --session mnist', 'audit the latest round the daemon holds')
    .example('$0 verify --session mnist --round 12 --out round-12.transcript', 'audit round 12 and save its transcript')
    .example('$0 verify --transcript round-12.transcript --session-file mnist.session.json', 'audit a saved transcript offline, with nothing but the session file') as any,
  handler: async (args) => {
    if (args.transcript !== undefined) {
      for (const flag of ['session', 'round', 'out'] as const) {
        if (args[flag] !== undefined) throw new CliError(`--${flag} asks the daemon; --transcript checks a file offline: ${BOTH_WAYS}`, EXIT_BAD_INPUT)
      }
      if (args.sessionFile === undefined) throw new CliError('--transcript needs --session-file SESSION.json: the session the transcript\'s round belongs to', EXIT_BAD_INPUT)
      report(await verifyOffline(args.transcript, args.sessionFile), args)
      return
    }
    if (args.sessionFile !== undefined) throw new CliError(`--session-file goes with --transcript: ${BOTH_WAYS}`, EXIT_BAD_INPUT)
    if (args.session === undefined) throw new CliError(BOTH_WAYS, EXIT_BAD_INPUT)
    const round = args.round === undefined || args.round === 'latest' ? 'latest' : Number(args.round)
    if (round !== 'latest' && !(Number.isInteger(round) && round >= 1)) throw new CliError(`--round must be a positive integer or 'latest', got '${args.round}'`, EXIT_BAD_INPUT)
    const client = await ApiClient.connect(args)
    report(await verifyWithDaemon(client, args.session, round, args), args)
  }
}
