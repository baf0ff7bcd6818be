/**
 * The libp2p logger a daemon gives its node. What this project's service says (components under
 * `libp2p:secagg`: among them each session core's account of its attempts, whom it elected and why an
 * attempt ended, and the links to the members) goes to the daemon's own log at debug level, so an
 * operator sees it with `--log-level debug` and no DEBUG variable. Every other component logs as libp2p
 * does by default. These lines hold ids, phases and reasons, never a secret.
 */
import { format } from 'node:util'
import { defaultLogger } from '@libp2p/logger'
import type { ComponentLogger, Logger as ComponentLog } from '@libp2p/interface'
import type { Logger } from './logger.js'

const OWN = 'libp2p:secagg'

export function daemonComponentLogger (log: Logger): ComponentLogger {
  const others = defaultLogger()
  return {
    forComponent: (name: string) => name === OWN || name.startsWith(`${OWN}:`) ? forward(log, name) : others.forComponent(name)
  }
}

// libp2p's own format characters (%p a peer id, %a a multiaddr, %e an error...) print as strings do
const line = (formatter: unknown, args: unknown[]): string => format(String(formatter).replace(/%[abtpcke]/g, '%s'), ...args)

function forward (log: Logger, component: string): ComponentLog {
  // (a line below the daemon's level is not even formatted)
  const at = (level: 'debug' | 'error' | 'trace') => (formatter: unknown, ...args: unknown[]): void => {
    if (log.isLevelEnabled(level)) log[level]({ component }, line(formatter, args))
  }
  return Object.assign(at('debug'), {
    error: at('error'),
    trace: at('trace'),
    enabled: log.isLevelEnabled('debug'),
    newScope: (name: string) => forward(log, `${component}:${name}`)
  })
}
