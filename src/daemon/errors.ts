/** Errors of the daemon's own making; the API maps each to a status code, the CLI to an exit code. */

/** Something a daemon was given (a file, a flag, a request) is not usable; the message names it. */
export class DaemonInputError extends Error {
  static override name = 'DaemonInputError'
  override name = DaemonInputError.name
  /** A stable code for programs: 'unknown-session', 'bad-vector', 'key-file-mode', ... */
  constructor (readonly code: string, message: string, readonly statusCode = 400) {
    super(message)
  }
}
