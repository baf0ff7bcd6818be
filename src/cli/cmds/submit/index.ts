import { readFile } from 'node:fs/promises'
import { ApiClient, clientOptions, type ClientArgs } from '../../api-client.js'
import { CliError, EXIT_BAD_INPUT } from '../../cli-error.js'
import { withCommandEnv } from '../../command-env.js'
import { globalOptions, type GlobalArgs } from '../../global-options.js'
import { printResult, waitForUpdate } from '../result/handler.js'
import type { CommandModule } from 'yargs'

interface SubmitArgs extends GlobalArgs, ClientArgs {
  session: string
  file: string
  weight?: number
  wait: number
  out?: string
  json: boolean
}

export const submitCommand: CommandModule<GlobalArgs, SubmitArgs> = {
  command: 'submit',
  describe: 'Hand the daemon an update file (.npy, or raw little-endian float32) for a session\'s next round',
  builder: (yargs) => withCommandEnv(yargs, 'submit', 'out').options({
    ...globalOptions,
    ...clientOptions,
    session: { type: 'string', demandOption: true, description: 'The session\'s name or id' },
    file: { type: 'string', demandOption: true, description: 'The update: a .npy file, or any other file of raw little-endian float32' },
    weight: { type: 'number', description: 'The update\'s weight, such as its sample count' },
    wait: { type: 'number', default: 0, description: 'Seconds to wait for the round\'s result (0: return once accepted)' },
    out: { type: 'string', description: 'With --wait, write the mean here (.npy, or raw float32 for any other name)' },
    json: { type: 'boolean', default: false, description: 'Print the API\'s JSON' }
  })
    .example('$0 submit --session mnist --file update.npy --weight 600', 'queue an update, print its id')
    .example('$0 submit --session mnist --file update.f32 --wait 600 --out mean.npy', 'and wait for the mean') as any,
  handler: async (args) => {
    let body: Buffer<ArrayBuffer>
    try {
      body = await readFile(args.file)
    } catch (err: any) {
      throw new CliError(`cannot read ${args.file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`, EXIT_BAD_INPUT)
    }
    const client = await ApiClient.connect(args)
    const query = args.weight !== undefined ? `?weight=${encodeURIComponent(args.weight)}` : ''
    const status = await client.json<{ id: string, state: string }>(`/v1/sessions/${encodeURIComponent(args.session)}/updates${query}`, {
      method: 'POST',
      body,
      headers: { 'content-type': args.file.endsWith('.npy') ? 'application/x-npy' : 'application/octet-stream' }
    })
    if (args.wait <= 0) {
      process.stdout.write(args.json ? JSON.stringify(status) + '\n' : `${status.id}\n`)
      return
    }
    process.stderr.write(`accepted as ${status.id}; waiting for its round\n`)
    const round = await waitForUpdate(client, status.id, args.wait)
    await printResult(client, args.session, round, args)
  }
}
