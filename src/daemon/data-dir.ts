/**
 * The daemon's data directory: its identity key and API token (each readable by its owner alone), the
 * updates it accepted, and a note of where its API listens for the CLI and trainers to find.
 */
import { randomBytes } from 'node:crypto'
import { chmod, link, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { DaemonInputError } from './errors.js'
import { writeDurably } from './durable-file.js'
import { decodeSessionLedger, encodeSessionLedger } from '../protocol/session/ledger.js'
import type { SessionStore } from '../node/session-runner.js'
import type { PrivateKey } from '@libp2p/interface'

export const KEY_FILE = 'peer.key'
export const TOKEN_FILE = 'api-token'
export const RUNTIME_FILE = 'daemon.json'
export const LOCK_FILE = 'daemon.lock'
export const UPDATES_DIR = 'updates'
export const PEER_STORE_DIR = 'peerstore'
export const RESULTS_DIR = 'results'

/** What a running daemon tells its clients through the data directory. */
export interface RuntimeInfo {
  pid: number
  peerId: string
  /** Base URL of the local API, such as http://127.0.0.1:7341. */
  api: string
  metrics?: string
  addresses: string[]
}

/** Creates the directory, readable by its owner alone, if it does not exist. */
export async function ensureDataDir (dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 })
  await mkdir(join(dir, UPDATES_DIR), { recursive: true, mode: 0o700 })
  await mkdir(join(dir, RESULTS_DIR), { recursive: true, mode: 0o700 })
}

/** Reads a secret file, refusing one that others could read: they could then act as this node. */
async function readSecret (path: string, what: string): Promise<Buffer> {
  const { mode } = await stat(path)
  if ((mode & 0o077) !== 0) {
    throw new DaemonInputError('secret-file-mode', `${what} ${path} is readable by others (mode ${(mode & 0o777).toString(8)}); run: chmod 600 ${path}`)
  }
  return readFile(path)
}

/** Writes a new secret file with mode 0600; never overwrites one unless `force`. */
async function writeSecret (path: string, bytes: Uint8Array | string, force: boolean): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`
  await writeFile(temporary, bytes, { mode: 0o600, flag: 'wx' })
  // the mode given to open() is narrowed by the umask, never widened; this only makes it exact
  await chmod(temporary, 0o600)
  if (!force && await exists(path)) {
    await rm(temporary)
    throw new DaemonInputError('exists', `${path} already exists (use --force to replace it)`)
  }
  await rename(temporary, path)
}

async function exists (path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch (err: any) {
    if (err.code === 'ENOENT') return false
    throw err
  }
}

/** The node's Ed25519 identity: the key in the data directory, created on first use. */
export async function loadOrCreateIdentity (dir: string): Promise<PrivateKey> {
  const path = join(dir, KEY_FILE)
  if (!await exists(path)) return createIdentity(path)
  const bytes = await readSecret(path, 'key file')
  let key: PrivateKey
  try {
    key = privateKeyFromProtobuf(bytes)
  } catch (err: any) {
    throw new DaemonInputError('bad-key-file', `key file ${path} is not a libp2p private key: ${err.message}`)
  }
  if (key.type !== 'Ed25519') throw new DaemonInputError('bad-key-file', `key file ${path} holds a ${key.type} key; secagg signs with Ed25519`)
  return key
}

/** Writes a fresh Ed25519 key to `path` (mode 0600). */
export async function createIdentity (path: string, force = false): Promise<PrivateKey> {
  const key = await generateKeyPair('Ed25519')
  await writeSecret(path, privateKeyToProtobuf(key), force)
  return key
}

/** The bearer token every API request must carry, created on first use. */
export async function loadOrCreateToken (dir: string): Promise<string> {
  const path = join(dir, TOKEN_FILE)
  if (!await exists(path)) await writeSecret(path, randomBytes(32).toString('base64url'), false)
  const token = (await readSecret(path, 'API token file')).toString('utf8').trim()
  if (token.length < 16) throw new DaemonInputError('bad-token-file', `API token file ${path} holds no usable token (under 16 characters); delete it to have a new one made`)
  return token
}

/** Reads the token of the daemon whose data directory this is, for a client on the same machine. */
export async function readToken (dir: string): Promise<string> {
  return (await readSecret(join(dir, TOKEN_FILE), 'API token file')).toString('utf8').trim()
}

/** Keeps a session's latest signed result, from which a restarted node knows its next round and beacon. */
/**
 * The session records (protocol/session/ledger.ts) in the results directory: per session, the latest
 * signed result (`<session>.result`, written once a round) and the ledgers of the pending update's round
 * and, in a DP session, of the privacy spent (`<session>.json`, written before each promise goes out). Each save is durable
 * before it resolves, because the session core sends nothing after a save until then.
 */
export function sessionRecordStore (dir: string): SessionStore {
  const path = (session: string, kind: 'result' | 'json'): string => join(dir, RESULTS_DIR, `${session}.${kind}`)
  const read = async <T>(file: string, as: (bytes: Buffer) => T): Promise<T | undefined> => readFile(file).then(as, (err: any) => {
    if (err.code === 'ENOENT') return undefined
    throw err
  })
  return {
    load: async (session) => {
      const latest = await read(path(session, 'result'), bytes => new Uint8Array(bytes))
      const file = path(session, 'json')
      const ledgers = await read(file, bytes => {
        try {
          return decodeSessionLedger(bytes.toString('utf8'))
        } catch (err: any) {
          throw new DaemonInputError('bad-session-record', `${file}: ${err.message}; it holds what this node promised about an update it sent, so it is not ignored: restore it, or remove it together with the stored updates of that session`)
        }
      })
      return { ...(latest !== undefined ? { latest } : {}), ...ledgers }
    },
    save: async (session, record, latestChanged) => {
      if (latestChanged && record.latest !== undefined) await writeDurably(path(session, 'result'), record.latest)
      await writeDurably(path(session, 'json'), encodeSessionLedger(record))
    }
  }
}

export async function writeRuntimeInfo (dir: string, info: RuntimeInfo): Promise<void> {
  const path = join(dir, RUNTIME_FILE)
  await writeFile(`${path}.tmp`, JSON.stringify(info, null, 2) + '\n', { mode: 0o600 })
  await rename(`${path}.tmp`, path)
}

export async function removeRuntimeInfo (dir: string): Promise<void> {
  await rm(join(dir, RUNTIME_FILE), { force: true })
}

/** Where the daemon of this data directory listens; an error that says so when none is running. */
export async function readRuntimeInfo (dir: string): Promise<RuntimeInfo> {
  try {
    return JSON.parse(await readFile(join(dir, RUNTIME_FILE), 'utf8')) as RuntimeInfo
  } catch (err: any) {
    if (err.code === 'ENOENT') throw new DaemonInputError('not-running', `no daemon is running with data directory ${dir} (no ${RUNTIME_FILE} there)`)
    throw new DaemonInputError('bad-runtime-file', `${join(dir, RUNTIME_FILE)} is unreadable: ${err.message}`)
  }
}

/**
 * Takes the data directory for this process, or refuses at once: two daemons with one identity and one
 * set of stored updates would aggregate the same updates twice. The lock file is created exclusively
 * (O_EXCL), before anything else is read, so of two daemons started together exactly one gets it. A lock
 * whose process is gone (a crash, a kill -9) is moved aside and taken; the one moved aside is checked to
 * be that dead process's, so a daemon that took it over in between keeps it. Resolves to the release.
 */
export async function lockDataDir (dir: string): Promise<() => Promise<void>> {
  const path = join(dir, LOCK_FILE)
  const mine = `${process.pid}\n`
  for (let tries = 0; tries < 5; tries++) {
    try {
      await writeFile(path, mine, { flag: 'wx', mode: 0o600 })
      return async () => {
        // only our own lock: never one another daemon took after ours was moved aside
        if (await readFile(path, 'utf8').catch(() => '') === mine) await rm(path, { force: true })
      }
    } catch (err: any) {
      if (err.code !== 'EEXIST') throw new DaemonInputError('data-dir-lock', `cannot create the lock ${path}: ${err.message}`)
    }
    const holder = await readFile(path, 'utf8').catch(() => '')
    if (!holder.endsWith('\n') && tries < 4) {
      // created and not yet written: a daemon starting now
      await new Promise(resolve => setTimeout(resolve, 50))
      continue
    }
    const pid = Number.parseInt(holder, 10)
    if (alive(pid)) {
      throw new DaemonInputError('data-dir-in-use', `another daemon (pid ${pid}) is running with data directory ${dir}; it holds ${path}`)
    }
    const aside = `${path}.stale-${process.pid}`
    try {
      await rename(path, aside)
    } catch (err: any) {
      if (err.code === 'ENOENT') continue // someone else moved it: try again
      throw err
    }
    if (await readFile(aside, 'utf8') !== holder) await link(aside, path).catch(() => {})
    await rm(aside, { force: true })
  }
  throw new DaemonInputError('data-dir-in-use', `data directory ${dir} is being taken by another daemon starting now`)
}

/** Whether a process of this id is running; a missing or garbled id is not. */
function alive (pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (err: any) {
    // EPERM: it runs, as another user
    return err.code === 'EPERM'
  }
}
