import { writeFile } from 'node:fs/promises'
import { defineSession, openSession } from '../../../node/session-config.js'
import { CliError, EXIT_BAD_INPUT } from '../../cli-error.js'
import { OPEN_SESSION_RISK, type SessionCreateArgs } from './options.js'
import type { DpParams } from '../../../protocol/dp/calibration.js'
import type { RobustParams } from '../../../protocol/robust/params.js'

/** Writes a checked session file and prints its id; the file is what every member loads. */
export async function sessionCreateHandler (args: SessionCreateArgs): Promise<void> {
  const config = defineSession({
    name: args.name,
    dimension: args.dimension,
    members: membersOf(args),
    minParticipants: args.minParticipants,
    encoding: { clip: args.clip, bits: args.bits, maxParticipants: args.maxParticipants, maxWeight: args.maxWeight, ...privacyOf(args) },
    announceTimeout: args.announceTimeout,
    maxAttempts: args.maxAttempts,
    ...robustOf(args)
  })
  const path = args.out ?? `${args.name.replace(/[^A-Za-z0-9._-]+/g, '-')}.session.json`
  try {
    await writeFile(path, JSON.stringify(config, null, 2) + '\n', { flag: args.force ? 'w' : 'wx' })
  } catch (err: any) {
    if (err.code === 'EEXIST') throw new CliError(`${path} already exists (use --force to overwrite it)`, EXIT_BAD_INPUT)
    throw err
  }
  process.stdout.write(`${openSession(config).idHex}\n`)
  if (config.members === 'open') process.stderr.write(`secagg: warning: ${path} is an open session. ${OPEN_SESSION_RISK}\n`)
  process.stderr.write(`wrote ${path}: give the same file to every member's \`secagg node --session\`\n`)
}

/** The DP settings, when --epsilon asks for them; the rest of them are then required. */
function privacyOf (args: SessionCreateArgs): { privacy?: DpParams } {
  if (args.epsilon === undefined) {
    if (args.dpRounds !== undefined || args.l2Clip !== undefined) throw new CliError('--dp-rounds and --l2-clip set a differential-privacy budget: give --epsilon too', EXIT_BAD_INPUT)
    return {}
  }
  if (args.dpRounds === undefined || args.l2Clip === undefined) throw new CliError('--epsilon needs --dp-rounds (the rounds the budget covers) and --l2-clip (the L2 norm each update is clipped to)', EXIT_BAD_INPUT)
  return { privacy: { mechanism: 'discrete-gaussian', epsilon: args.epsilon, delta: args.delta, rounds: args.dpRounds, l2Clip: args.l2Clip, modulusBits: args.modulusBits } }
}

/** The robust-groups settings, when --byzantine-rate asks for them. */
function robustOf (args: SessionCreateArgs): { robust?: RobustParams } {
  if (args.byzantineRate === undefined) {
    if (args.l2Bound !== undefined) throw new CliError('--l2-bound applies with --byzantine-rate', EXIT_BAD_INPUT)
    return {}
  }
  return { robust: { groupSize: args.groupSize, rule: args.robustRule, byzantineRate: args.byzantineRate, ...(args.l2Bound !== undefined ? { l2Bound: args.l2Bound } : {}) } }
}

/** Who may take part, as asked: never open by default, since an open session protects no one from a party with many identities. */
function membersOf (args: SessionCreateArgs): string[] | 'open' {
  const listed = args.members !== undefined && args.members.length > 0
  if (listed && args.open === true) throw new CliError('give --members or --open, not both', EXIT_BAD_INPUT)
  if (args.open === true) return 'open'
  if (!listed) throw new CliError('name who may take part: --members <PeerId...> for a closed session, or --open for one anyone may join (see secagg session create --help)', EXIT_BAD_INPUT)
  return args.members!
}
