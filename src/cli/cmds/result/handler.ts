import { writeFile } from 'node:fs/promises'
import { toNpy } from '../../../daemon/npy.js'
import { CliError } from '../../cli-error.js'
import type { ApiClient } from '../../api-client.js'

interface UpdateStatus { id: string, state: string, round?: number, error?: string }
interface RoundResult { round: number, attempt: number, aggregator: string, participants: string[], survivors: string[], weightSum: number, mean: number[] }

/** Long-polls an update until it is aggregated, within `seconds`; the round it went into. */
export async function waitForUpdate (client: ApiClient, id: string, seconds: number): Promise<number> {
  const deadline = Date.now() + seconds * 1000
  for (;;) {
    const left = Math.max(0, Math.min(300, (deadline - Date.now()) / 1000))
    const status = await client.json<UpdateStatus>(`/v1/updates/${encodeURIComponent(id)}?wait=${left.toFixed(1)}`)
    if (status.state === 'aggregated') return status.round!
    if (status.state === 'failed') throw new CliError(`update ${id} failed: ${status.error ?? 'no reason given'}`)
    if (Date.now() >= deadline) throw new CliError(`update ${id} is still ${status.state} after ${seconds} s${status.error !== undefined ? ` (last round: ${status.error})` : ''}`)
  }
}

/** Prints a round's result (a summary, or the JSON) and writes its mean to `out` if given. */
export async function printResult (client: ApiClient, session: string, round: number | 'latest', args: { out?: string, json: boolean, wait?: number }): Promise<void> {
  const wait = args.wait !== undefined && args.wait > 0 ? `?wait=${Math.min(300, args.wait)}` : ''
  const result = await client.json<RoundResult>(`/v1/sessions/${encodeURIComponent(session)}/rounds/${round}${wait}`)
  if (args.out !== undefined) {
    const mean = Float32Array.from(result.mean)
    await writeFile(args.out, args.out.endsWith('.npy') ? toNpy(mean) : new Uint8Array(mean.buffer))
  }
  if (args.json) {
    process.stdout.write(JSON.stringify(result) + '\n')
    return
  }
  const shown = result.mean.slice(0, 8).map(v => v.toPrecision(6)).join(', ')
  process.stdout.write([
    `round ${result.round} (attempt ${result.attempt}), aggregated by ${result.aggregator}`,
    `survivors ${result.survivors.length} of ${result.participants.length} participants, total weight ${result.weightSum}`,
    `mean [${shown}${result.mean.length > 8 ? `, … ${result.mean.length - 8} more` : ''}]`,
    ...(args.out !== undefined ? [`wrote the mean to ${args.out}`] : [])
  ].join('\n') + '\n')
}
