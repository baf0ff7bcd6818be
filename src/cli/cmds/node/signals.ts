/**
 * Shutdown on signals, as long-running daemons do it: the first SIGINT or SIGTERM stops the daemon in
 * order and exits 0 (1 if stopping failed); a second one, while that runs, exits 1 at once.
 */
import type { Logger } from '../../../daemon/logger.js'

export function exitOnSignals (stop: () => Promise<void>, log: Logger, exit: (code: number) => void = code => process.exit(code)): () => void {
  let signals = 0
  const onSignal = (signal: NodeJS.Signals): void => {
    if (++signals > 1) {
      log.warn({ signal }, 'second signal: exiting now')
      exit(1)
      return
    }
    log.info({ signal }, 'shutting down (send the signal again to force)')
    stop().then(() => { exit(0) }, (err: Error) => {
      log.error({ err: err.message }, 'shutdown failed')
      exit(1)
    })
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return () => {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}
