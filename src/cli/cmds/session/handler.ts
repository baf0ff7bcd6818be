import { writeFile } from 'node:fs/promises'
import { defineSession, openSession } from '../../../node/session-config.js'
import { CliError, EXIT_BAD_INPUT } from '../../cli-error.js'
import type { SessionCreateArgs } from './options.js'

/** Writes a checked session file and prints its id; the file is what every member loads. */
export async function sessionCreateHandler (args: SessionCreateArgs): Promise<void> {
  const config = defineSession({
    name: args.name,
    dimension: args.dimension,
    members: args.members === undefined || args.members.length === 0 ? 'open' : args.members,
    minParticipants: args.minParticipants,
    encoding: { clip: args.clip, bits: args.bits, maxParticipants: args.maxParticipants, maxWeight: args.maxWeight },
    announceTimeout: args.announceTimeout,
    maxAttempts: args.maxAttempts
  })
  const path = args.out ?? `${args.name.replace(/[^A-Za-z0-9._-]+/g, '-')}.session.json`
  try {
    await writeFile(path, JSON.stringify(config, null, 2) + '\n', { flag: args.force ? 'w' : 'wx' })
  } catch (err: any) {
    if (err.code === 'EEXIST') throw new CliError(`${path} already exists (use --force to overwrite it)`, EXIT_BAD_INPUT)
    throw err
  }
  process.stdout.write(`${openSession(config).idHex}\n`)
  process.stderr.write(`wrote ${path}: give the same file to every member's \`secagg node --session\`\n`)
}
