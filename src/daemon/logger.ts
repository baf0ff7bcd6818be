/**
 * Structured logs through pino: JSON lines for log collectors, or coloured lines for people. What the
 * daemon logs is chosen to hold no secret (ids, counts, phases, addresses); the redaction below is a
 * second line of defence for the fields that could.
 */
import { pino, type Logger } from 'pino'
import pretty from 'pino-pretty'
import type { LogFormat, LogLevel } from './options.js'

export type { Logger }

const REDACT = ['token', 'authorization', '*.authorization', 'req.headers.authorization', 'privateKey', '*.privateKey']

export function createLogger (level: LogLevel, format: LogFormat, destination: NodeJS.WritableStream = process.stderr): Logger {
  const options = { level, base: undefined, redact: { paths: REDACT, censor: '[redacted]' } }
  if (format === 'json') return pino(options, destination as any)
  // synchronous, so the last lines before an exit are not lost in a worker thread's buffer
  return pino(options, pretty({ destination: destination as any, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }))
}
