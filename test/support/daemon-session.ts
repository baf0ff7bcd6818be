/** A closed session of real `secagg node` processes on loopback, for the daemon tests. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defineSession, type SessionConfig } from '../../src/node/session-config.js'
import { secagg, startDaemon, type DaemonProcess } from '../../src/testnet/daemon-process.js'

export interface DaemonSession {
  root: string
  sessionFile: string
  config: SessionConfig
  peerIds: string[]
  daemons: DaemonProcess[]
  /** Kills every daemon and removes the directory. */
  close: () => Promise<void>
}

/**
 * Makes `peers` identities and a closed session of them (`overrides` on top of the given name and
 * dimension), and starts one daemon each, the others bootstrapped from the first, as docs/daemon.md shows.
 */
export async function startDaemonSession (name: string, peers: number, overrides: Omit<Partial<SessionConfig>, 'name' | 'members'> & { dimension: number }): Promise<DaemonSession> {
  const root = await mkdtemp(join(tmpdir(), `secagg-${name}-`))
  const made = await Promise.all(Array.from({ length: peers }, async (_, i) => secagg(['keygen', '--data-dir', join(root, `d${i}`)])))
  for (const run of made) if (run.code !== 0) throw new Error(`secagg keygen failed: ${run.stderr}`)
  const peerIds = made.map(run => run.stdout.trim())
  const config = defineSession({ name, members: peerIds, ...overrides })
  const sessionFile = join(root, `${name}.session.json`)
  await writeFile(sessionFile, JSON.stringify(config))
  const daemons = [await startDaemon(join(root, 'd0'), ['--session', sessionFile])]
  const first = daemons[0].info.addresses[0]
  daemons.push(...await Promise.all(Array.from({ length: peers - 1 }, async (_, i) => startDaemon(join(root, `d${i + 1}`), ['--session', sessionFile, '--bootstrap', first]))))
  return {
    root,
    sessionFile,
    config,
    peerIds,
    daemons,
    close: async () => {
      for (const daemon of daemons) daemon.child.kill('SIGKILL')
      await rm(root, { recursive: true, force: true })
    }
  }
}

/** Hands a daemon an update over its API, as a trainer would; returns the update's id. */
export async function submitUpdate (daemon: DaemonProcess, session: string, values: Float32Array): Promise<string> {
  const response = await daemon.api(`/v1/sessions/${session}/updates?weight=1`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array(values.buffer as ArrayBuffer) })
  if (response.status !== 202) throw new Error(`the update was refused: ${response.status} ${await response.text()}`)
  return ((await response.json()) as { id: string }).id
}
