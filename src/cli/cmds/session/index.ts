import { withCommandEnv } from '../../command-env.js'
import { sessionCreateHandler } from './handler.js'
import { sessionCreateOptions, type SessionCreateArgs } from './options.js'
import type { GlobalArgs } from '../../global-options.js'
import type { CommandModule } from 'yargs'

const createCommand: CommandModule<GlobalArgs, SessionCreateArgs> = {
  command: 'create',
  describe: 'Write a session file and print the session\'s id',
  builder: (yargs) => withCommandEnv(yargs, 'session create', 'out').options(sessionCreateOptions)
    .example('$0 session create --name lab --dimension 1000 --members 12D3KooWA... 12D3KooWB... 12D3KooWC...', 'a closed session of three listed peers')
    .example('$0 session create --name mnist --dimension 7850 --min-participants 5 --max-participants 20 --members $(cat peers.txt)', 'the PeerIds that `secagg keygen` printed, one a line')
    .example('$0 session create --name trial --dimension 10 --min-participants 3 --max-participants 10 --open', 'an open session, for a test among your own machines') as any,
  handler: sessionCreateHandler
}

export const sessionCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'session <command>',
  describe: 'Session files: what a group of peers aggregates, and how',
  builder: (yargs) => yargs.command(createCommand).demandCommand(1) as any,
  handler: () => {}
}
