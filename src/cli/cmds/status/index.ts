import { ApiClient, clientOptions, type ClientArgs } from '../../api-client.js'
import { withCommandEnv } from '../../command-env.js'
import { globalOptions, type GlobalArgs } from '../../global-options.js'
import type { CommandModule } from 'yargs'

interface StatusArgs extends GlobalArgs, ClientArgs {
  json: boolean
}

interface NodeStatus {
  peerId: string
  addresses: string[]
  connections: number
  sessions: Array<{ id: string, name: string, dimension: number, members: string | number, nextRound: number, queued: number, current?: { update: string, round?: number, phase?: string, role?: string }, privacy?: { epsilon: number, delta: number, epsilonSpent: number, roundsLeft: number } }>
}

export const statusCommand: CommandModule<GlobalArgs, StatusArgs> = {
  command: 'status',
  describe: 'Ask the running daemon for its PeerId, addresses, connections and sessions',
  builder: (yargs) => withCommandEnv(yargs, 'status', 'data-dir').options({ ...globalOptions, ...clientOptions, json: { type: 'boolean', default: false, description: 'Print the API\'s JSON' } })
    .example('$0 status', 'the daemon of ~/.secagg')
    .example('$0 status --data-dir /var/lib/secagg --json', 'as JSON') as any,
  handler: async (args) => {
    const status = await (await ApiClient.connect(args)).json<NodeStatus>('/v1/node')
    if (args.json) {
      process.stdout.write(JSON.stringify(status, null, 2) + '\n')
      return
    }
    const lines = [
      `peer id      ${status.peerId}`,
      `connections  ${status.connections}`,
      'addresses',
      ...status.addresses.map(address => `  ${address}`),
      'sessions',
      ...status.sessions.map(s => {
        const now = s.current === undefined ? 'idle' : `update ${s.current.update} in round ${s.current.round ?? '?'}${s.current.phase !== undefined ? `, ${s.current.phase} (${s.current.role})` : ''}`
        const privacy = s.privacy === undefined ? '' : `  privacy: epsilon ${s.privacy.epsilonSpent.toFixed(3)} of ${s.privacy.epsilon} spent (delta ${s.privacy.delta}), room for ${s.privacy.roundsLeft} more rounds`
        return `  ${s.name}  ${s.id.slice(0, 16)}…  d=${s.dimension}  members=${s.members}  next round ${s.nextRound}  queued ${s.queued}  ${now}${privacy}`
      })
    ]
    process.stdout.write(lines.join('\n') + '\n')
  }
}
