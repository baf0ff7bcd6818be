import { readFile, writeFile } from 'node:fs/promises'
import { performance } from 'node:perf_hooks'
import { loadSessionFile } from '../../../daemon/daemon.js'
import { verificationOf, type RoundVerification } from '../../../daemon/http-api.js'
import { openSession } from '../../../node/session-config.js'
import { nodeCryptoSuite } from '../../../protocol/crypto/suite-node.js'
import { auditSessionTranscript } from '../../../protocol/session/result-verification.js'
import { CliError, EXIT_BAD_INPUT, EXIT_FORGED } from '../../cli-error.js'
import type { ApiClient } from '../../api-client.js'

/** Asks the daemon to audit a round it holds; with `out`, saves that round's transcript there too. */
export async function verifyWithDaemon (client: ApiClient, session: string, round: number | 'latest', args: { out?: string, wait?: number }): Promise<RoundVerification> {
  const path = (at: number | 'latest'): string => `/v1/sessions/${encodeURIComponent(session)}/rounds/${at}/verification`
  const wait = args.wait !== undefined && args.wait > 0 ? `?wait=${Math.min(300, args.wait)}` : ''
  const report = await client.json<RoundVerification>(`${path(round)}${wait}`)
  if (args.out !== undefined) {
    // the round the verdict is of, not whatever round is latest by now
    const response = await client.request(path(report.round ?? round), { headers: { accept: 'application/octet-stream' } })
    await save(args.out, new Uint8Array(await response.arrayBuffer()))
  }
  return report
}

/** Audits a transcript file against a session file, with no daemon. */
export async function verifyOffline (transcriptFile: string, sessionFile: string): Promise<RoundVerification> {
  let bytes: Uint8Array
  try {
    bytes = new Uint8Array(await readFile(transcriptFile))
  } catch (err: any) {
    throw new CliError(`cannot read transcript file ${transcriptFile}: ${err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'it is a directory' : err.message}`, EXIT_BAD_INPUT)
  }
  if (bytes.length === 0) throw new CliError(`transcript file ${transcriptFile} is empty`, EXIT_BAD_INPUT)
  const session = openSession(await loadSessionFile(sessionFile))
  const started = performance.now()
  const verdict = await auditSessionTranscript(session, nodeCryptoSuite, bytes)
  return verificationOf(verdict, bytes.length, performance.now() - started)
}

/** Prints a verification (one line per fact, or the JSON), then ends as its verdict says: 0, EXIT_FORGED or EXIT_BAD_INPUT. */
export function report (verification: RoundVerification, args: { json: boolean, out?: string }): void {
  if (args.json) {
    process.stdout.write(JSON.stringify(verification) + '\n')
  } else {
    const facts: Array<[string, string | number | undefined]> = [
      ['round', verification.round],
      ['attempt', verification.attempt],
      ['aggregator', verification.aggregator],
      ['survivors', verification.survivors],
      ['verdict', verification.verdict],
      ['reason', verification.reason]
    ]
    process.stdout.write([
      ...facts.filter(([, value]) => value !== undefined).map(([name, value]) => `${name.padEnd(12)}${value}`),
      ...(args.out !== undefined ? [`saved the transcript to ${args.out}`] : [])
    ].join('\n') + '\n')
  }
  const which = verification.round === undefined ? '' : `round ${verification.round} (attempt ${verification.attempt}): `
  if (verification.verdict === 'forged') {
    throw new CliError(`${which}the transcript shows that the sum its aggregator ${verification.aggregator} signed is not the survivors' inputs: ${verification.reason}`, EXIT_FORGED)
  }
  if (verification.verdict === 'unverifiable') {
    throw new CliError(`${which}the transcript proves nothing either way: ${verification.reason}`, EXIT_BAD_INPUT)
  }
}

async function save (path: string, bytes: Uint8Array): Promise<void> {
  try {
    await writeFile(path, bytes)
  } catch (err: any) {
    throw new CliError(`cannot write the transcript to ${path}: ${err.code === 'ENOENT' ? 'no such directory' : err.message}`, EXIT_BAD_INPUT)
  }
}
