/**
 * Environment variables name their command: `secagg <command> --<flag>` reads SECAGG_<COMMAND>_<FLAG>,
 * in upper case with dashes and spaces as underscores (`secagg node --api-port` is
 * SECAGG_NODE_API_PORT, `secagg session create --out` is SECAGG_SESSION_CREATE_OUT). With one prefix
 * for all, a variable set for one command also set any namesake flag of the others: SECAGG_OUT, meant
 * for `secagg submit --out mean.npy`, had `secagg keygen` write the private key to mean.npy.
 */
import type { Argv } from 'yargs'

export const ENV_PREFIX = 'SECAGG'

/** Every command that takes flags, as typed after `secagg`. */
export const ENV_COMMANDS = ['node', 'keygen', 'session create', 'status', 'submit', 'result', 'verify', 'testnet'] as const
export type EnvCommand = typeof ENV_COMMANDS[number]

/** The prefix of a command's variables, without the underscore before the flag: SECAGG_SESSION_CREATE. */
export function envPrefixOf (command: EnvCommand): string {
  return `${ENV_PREFIX}_${command.toUpperCase().replace(/[ -]/g, '_')}`
}

/** The variable that sets one flag of one command. */
export function envVariableOf (command: EnvCommand, flag: string): string {
  return `${envPrefixOf(command)}_${flag.toUpperCase().replace(/-/g, '_')}`
}

/**
 * Has a command's builder read its own variables, and no others, and says so at the end of its help;
 * `example` is one of its flags, shown with its variable.
 */
export function withCommandEnv<T> (yargs: Argv<T>, command: EnvCommand, example: string): Argv<T> {
  return yargs
    .env(envPrefixOf(command))
    .epilogue(`Every flag also works as a ${envPrefixOf(command)}_<FLAG> environment variable (--${example} is ${envVariableOf(command, example)}; lists are comma-separated) and as a key of the --config file; a flag beats the environment, which beats the file. No other command reads these variables.`)
}

/**
 * SECAGG_ variables that no command reads, such as SECAGG_DATA_DIR from before variables named their
 * command: names only, since a value may be a token.
 */
export function unreadVariables (env: NodeJS.ProcessEnv): string[] {
  const prefixes = ENV_COMMANDS.map(command => `${envPrefixOf(command)}_`)
  return Object.keys(env)
    .filter(name => name.startsWith(`${ENV_PREFIX}_`) && !prefixes.some(prefix => name.startsWith(prefix)))
    .sort()
}
