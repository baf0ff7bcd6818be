/**
 * How the `secagg` command ends: 0 done, 1 something failed at run time, 2 the input was wrong, 3 a
 * round's transcript convicts its aggregator of a forged sum (`secagg verify`).
 */
import { DaemonInputError } from '../daemon/errors.js'
import { InvalidSessionConfigError } from '../node/session-config.js'

export const EXIT_FAILURE = 1
export const EXIT_BAD_INPUT = 2
/** `secagg verify`: the transcript shows that the sum its aggregator signed is not the survivors' inputs. */
export const EXIT_FORGED = 3

/** A failure to report in one line, with its exit code. */
export class CliError extends Error {
  static override name = 'CliError'
  override name = CliError.name
  constructor (message: string, readonly exitCode = EXIT_FAILURE) {
    super(message)
  }
}

/** Prints an error's message (never a stack for expected failures) and sets the exit code. */
export function reportError (err: unknown): void {
  const badInput = err instanceof DaemonInputError || err instanceof InvalidSessionConfigError
  const code = err instanceof CliError ? err.exitCode : badInput ? EXIT_BAD_INPUT : EXIT_FAILURE
  const message = err instanceof Error ? err.message : String(err)
  process.stderr.write(`secagg: ${message}\n`)
  process.exitCode = code
}
