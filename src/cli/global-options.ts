/** Options every `secagg` command takes. */
import { DEFAULT_DAEMON_OPTIONS } from '../daemon/options.js'
import type { Options } from 'yargs'

export interface GlobalArgs {
  dataDir: string
}

export const globalOptions: Record<string, Options> = {
  'data-dir': {
    type: 'string',
    default: DEFAULT_DAEMON_OPTIONS.dataDir,
    description: 'The node\'s data directory: identity key, API token, stored updates',
    group: 'Global:'
  }
}

/** An array option that also takes one comma-separated string, as environment variables give it. */
export function list (values: unknown): string[] {
  const items = Array.isArray(values) ? values : [values]
  return items.flatMap(item => String(item).split(',')).map(item => item.trim()).filter(item => item.length > 0)
}
