import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { spawn } from 'node:child_process'
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import {
  KEY_FILE, LOCK_FILE, RUNTIME_FILE, TOKEN_FILE, UPDATES_DIR, createIdentity, ensureDataDir, loadOrCreateIdentity,
  loadOrCreateToken, lockDataDir, readRuntimeInfo, readToken, removeRuntimeInfo, writeRuntimeInfo
} from '../../src/daemon/data-dir.js'
import type { RuntimeInfo } from '../../src/daemon/data-dir.js'
import { DaemonInputError } from '../../src/daemon/errors.js'

let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'secagg-data-dir-'))
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function modeOf (path: string): Promise<number> {
  return (await stat(path)).mode & 0o777
}

/** The DaemonInputError that `promise` rejects with, failing the test if it resolves or rejects with another error. */
async function inputError (promise: Promise<unknown>): Promise<DaemonInputError> {
  const err = await promise.then(() => undefined, (err: unknown) => err)
  expect(err).toBeInstanceOf(DaemonInputError)
  expect((err as Error).name).toBe('DaemonInputError')
  return err as DaemonInputError
}

describe('ensureDataDir', () => {
  it('creates the directory and its updates directory with mode 0700', async () => {
    const dataDir = join(dir, 'nested', 'data')
    await ensureDataDir(dataDir)
    expect(await modeOf(dataDir)).toBe(0o700)
    expect(await modeOf(join(dataDir, UPDATES_DIR))).toBe(0o700)
    expect((await stat(join(dataDir, UPDATES_DIR))).isDirectory()).toBe(true)
  })

  it('leaves an existing directory and its contents alone', async () => {
    await ensureDataDir(dir)
    await writeFile(join(dir, 'keep'), 'x')
    await ensureDataDir(dir)
    expect(await readFile(join(dir, 'keep'), 'utf8')).toBe('x')
  })
})

describe('loadOrCreateIdentity', () => {
  it('creates peer.key with mode 0600 exactly, leaving no temporary file, and loads the same identity next time', async () => {
    const first = await loadOrCreateIdentity(dir)
    expect(first.type).toBe('Ed25519')
    const path = join(dir, KEY_FILE)
    expect(await modeOf(path)).toBe(0o600)
    expect(await readdir(dir)).toEqual([KEY_FILE])
    expect(Buffer.from(await readFile(path))).toEqual(Buffer.from(privateKeyToProtobuf(first)))

    const second = await loadOrCreateIdentity(dir)
    expect(peerIdFromPrivateKey(second).toString()).toBe(peerIdFromPrivateKey(first).toString())
    expect(peerIdFromPrivateKey(second).equals(peerIdFromPrivateKey(first))).toBe(true)
  })

  it('makes a different identity in a different directory', async () => {
    const other = await mkdtemp(join(tmpdir(), 'secagg-data-dir-'))
    try {
      const a = peerIdFromPrivateKey(await loadOrCreateIdentity(dir))
      const b = peerIdFromPrivateKey(await loadOrCreateIdentity(other))
      expect(a.equals(b)).toBe(false)
    } finally {
      await rm(other, { recursive: true, force: true })
    }
  })

  it('refuses a key file that others can read (mode 0644), naming the path and the chmod that fixes it', async () => {
    await loadOrCreateIdentity(dir)
    const path = join(dir, KEY_FILE)
    await chmod(path, 0o644)
    const err = await inputError(loadOrCreateIdentity(dir))
    expect(err.code).toBe('secret-file-mode')
    expect(err.message).toContain(`chmod 600 ${path}`)
    expect(err.message).toContain('mode 644')
    // the refused file is neither replaced nor changed
    expect(await modeOf(path)).toBe(0o644)
  })

  it('refuses a key file that holds garbage rather than a key', async () => {
    const path = join(dir, KEY_FILE)
    await writeFile(path, 'this is not a key, just some text\n', { mode: 0o600 })
    await chmod(path, 0o600)
    const err = await inputError(loadOrCreateIdentity(dir))
    expect(err.code).toBe('bad-key-file')
    expect(err.message).toContain(path)
    expect(err.message).toContain('not a libp2p private key')
  })

  it('refuses a key file that holds a libp2p key of another type than Ed25519', async () => {
    const path = join(dir, KEY_FILE)
    await writeFile(path, privateKeyToProtobuf(await generateKeyPair('secp256k1')), { mode: 0o600 })
    const err = await inputError(loadOrCreateIdentity(dir))
    expect(err.code).toBe('bad-key-file')
    expect(err.message).toContain('secp256k1')
    expect(err.message).toContain('Ed25519')
  })
})

describe('createIdentity', () => {
  it('refuses to replace an existing key without force, and replaces it with force', async () => {
    const path = join(dir, KEY_FILE)
    const original = await loadOrCreateIdentity(dir)
    const originalBytes = await readFile(path)

    const err = await inputError(createIdentity(path))
    expect(err.code).toBe('exists')
    expect(err.message).toContain(path)
    expect(err.message).toContain('--force')
    expect(await readFile(path)).toEqual(originalBytes)
    expect(await readdir(dir)).toEqual([KEY_FILE])

    const replacement = await createIdentity(path, true)
    expect(peerIdFromPrivateKey(replacement).equals(peerIdFromPrivateKey(original))).toBe(false)
    expect(await modeOf(path)).toBe(0o600)
    expect(await readdir(dir)).toEqual([KEY_FILE])
    const loaded = await loadOrCreateIdentity(dir)
    expect(peerIdFromPrivateKey(loaded).equals(peerIdFromPrivateKey(replacement))).toBe(true)
  })
})

describe('loadOrCreateToken', () => {
  it('creates a token file of mode 0600 holding at least 32 characters, and returns the same token next time', async () => {
    const token = await loadOrCreateToken(dir)
    expect(token.length).toBeGreaterThanOrEqual(32)
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/)
    const path = join(dir, TOKEN_FILE)
    expect(await modeOf(path)).toBe(0o600)
    expect((await readFile(path, 'utf8')).trim()).toBe(token)
    expect(await readdir(dir)).toEqual([TOKEN_FILE])

    expect(await loadOrCreateToken(dir)).toBe(token)
    expect(await readToken(dir)).toBe(token)
  })

  it('makes a different token in each directory', async () => {
    const other = await mkdtemp(join(tmpdir(), 'secagg-data-dir-'))
    try {
      expect(await loadOrCreateToken(dir)).not.toBe(await loadOrCreateToken(other))
    } finally {
      await rm(other, { recursive: true, force: true })
    }
  })

  it('refuses a token file readable by its group (mode 0640), in the daemon and in a client', async () => {
    await loadOrCreateToken(dir)
    const path = join(dir, TOKEN_FILE)
    await chmod(path, 0o640)
    const err = await inputError(loadOrCreateToken(dir))
    expect(err.code).toBe('secret-file-mode')
    expect(err.message).toContain(`chmod 600 ${path}`)
    const clientErr = await inputError(readToken(dir))
    expect(clientErr.message).toContain(`chmod 600 ${path}`)
  })

  it('refuses a token file that holds too short a token', async () => {
    const path = join(dir, TOKEN_FILE)
    await writeFile(path, 'short\n', { mode: 0o600 })
    const err = await inputError(loadOrCreateToken(dir))
    expect(err.code).toBe('bad-token-file')
    expect(err.message).toContain(path)
  })
})

describe('runtime info', () => {
  const info: RuntimeInfo = {
    pid: 4242,
    peerId: '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN',
    api: 'http://127.0.0.1:7341',
    metrics: 'http://127.0.0.1:9090/metrics',
    addresses: ['/ip4/127.0.0.1/tcp/4001', '/ip6/::1/tcp/4001']
  }

  it('says no daemon is running when daemon.json is missing', async () => {
    const err = await inputError(readRuntimeInfo(dir))
    expect(err.code).toBe('not-running')
    expect(err.message).toContain(dir)
  })

  it('reads back what was written, from a 0600 file, leaving no temporary file', async () => {
    await writeRuntimeInfo(dir, info)
    expect(await readRuntimeInfo(dir)).toEqual(info)
    expect(await modeOf(join(dir, RUNTIME_FILE))).toBe(0o600)
    expect(await readdir(dir)).toEqual([RUNTIME_FILE])

    const { metrics: _, ...withoutMetrics } = info
    await writeRuntimeInfo(dir, { ...withoutMetrics, pid: 7 })
    expect(await readRuntimeInfo(dir)).toEqual({ ...withoutMetrics, pid: 7 })
  })

  it('says no daemon is running once the runtime info is removed', async () => {
    await writeRuntimeInfo(dir, info)
    await removeRuntimeInfo(dir)
    expect((await inputError(readRuntimeInfo(dir))).code).toBe('not-running')
    // removing it again is not an error
    await removeRuntimeInfo(dir)
  })

  it('reports a daemon.json that is not JSON as unreadable, not as no daemon', async () => {
    await writeFile(join(dir, RUNTIME_FILE), '{"pid": 12')
    const err = await inputError(readRuntimeInfo(dir))
    expect(err.code).toBe('bad-runtime-file')
    expect(err.message).toContain(join(dir, RUNTIME_FILE))
  })
})

describe('lockDataDir', () => {
  /** A process that has exited: its id is free (until the system hands it out again, which takes a while). */
  async function deadPid (): Promise<number> {
    const child = spawn(process.execPath, ['-e', ''])
    await new Promise(resolve => child.once('exit', resolve))
    return child.pid!
  }

  it('gives the directory to one of two takers that come at once, and refuses the other naming the holder', async () => {
    const outcomes = await Promise.allSettled([lockDataDir(dir), lockDataDir(dir)])
    expect(outcomes.map(o => o.status).sort()).toEqual(['fulfilled', 'rejected'])
    const refused = outcomes.find(o => o.status === 'rejected') as PromiseRejectedResult
    expect(refused.reason).toBeInstanceOf(DaemonInputError)
    expect(refused.reason.code).toBe('data-dir-in-use')
    expect(refused.reason.message).toContain(`another daemon (pid ${process.pid}) is running with data directory ${dir}`)
    const release = (outcomes.find(o => o.status === 'fulfilled') as PromiseFulfilledResult<() => Promise<void>>).value
    await release()
    expect(await readdir(dir)).toEqual([])
    // given back: the next taker gets it
    await (await lockDataDir(dir))()
  })

  it('takes over a lock left by a process that died, and refuses one of a process that runs', async () => {
    await writeFile(join(dir, LOCK_FILE), `${await deadPid()}\n`)
    const release = await lockDataDir(dir)
    expect(await readFile(join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`)
    await release()
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'])
    try {
      await writeFile(join(dir, LOCK_FILE), `${sleeper.pid}\n`)
      expect((await inputError(lockDataDir(dir))).message).toContain(`another daemon (pid ${sleeper.pid})`)
      expect(await readFile(join(dir, LOCK_FILE), 'utf8')).toBe(`${sleeper.pid}\n`)
    } finally {
      sleeper.kill()
    }
  })

  it('on release, leaves alone a lock that is no longer its own', async () => {
    const release = await lockDataDir(dir)
    await writeFile(join(dir, LOCK_FILE), '1\n')
    await release()
    expect(await readFile(join(dir, LOCK_FILE), 'utf8')).toBe('1\n')
  })

  it('waits out a lock being written, then names its holder', async () => {
    // created empty, as by a daemon between its create and its write
    await writeFile(join(dir, LOCK_FILE), '')
    setTimeout(() => { void writeFile(join(dir, LOCK_FILE), '1\n') }, 30)
    expect((await inputError(lockDataDir(dir))).message).toContain('another daemon (pid 1)')
  })
})
