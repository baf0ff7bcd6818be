/**
 * The aggregator's peak memory at n = 100 against n = 10, d = 1,000,000. The aggregator runs alone in
 * a child process, so its RSS is its own, and the other n - 1 members in two more (members-process.ts
 * says why not in this one); they talk over loopback TCP, as the memory transport does not cross
 * processes. The aggregator's key is chosen so that the election makes it the aggregator, and the
 * round counts only if every member gets its result, with all n in the sum.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { generateKeyPair, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { openSession, type SessionConfig } from '../src/node/session-config.js'
import { identityOf } from '../src/protocol/crypto/identity.js'
import { electAggregator, genesisBeacon } from '../src/protocol/election.js'
import { benchSession } from './secagg-nodes.js'
import type { PrivateKey } from '@libp2p/interface'
import type { FromMembers, ToMembers } from './members-process.js'
import type { BenchResult } from './result.js'

const MB = 1e6
const MEMBER_PROCESSES = 2

// One encoding for both sizes, so that the vectors, and the buffers that hold them, are the same size.
const MAX_PARTICIPANTS = 100

export async function aggregatorRss (dimension = 1_000_000): Promise<BenchResult[]> {
  const floor = await peakRss(10, dimension) / MB
  const value = await peakRss(100, dimension) / MB
  return [{
    name: 'aggregator-rss',
    value,
    unit: 'MB',
    floor,
    detail: `the aggregator's peak RSS in a process of its own, n = 100 against n = 10, d = ${dimension}: ${Math.round(value - floor)} MB more (target under 150)`
  }]
}

/** The peak RSS, in bytes, of the aggregator's process through one round of n members. */
async function peakRss (n: number, dimension: number): Promise<number> {
  // Open: the aggregator's key is picked to win this session's election, and a member list holding
  // that key would change the session id the election hashes.
  const config = benchSession(`aggregator-rss-${n}`, n, dimension, MAX_PARTICIPANTS, 'open')
  // Presence from n - 1 members on two busy cores must reach the aggregator before it elects.
  const gatherDelay = 2_000 + 100 * n
  const keys = await Promise.all(Array.from({ length: n - 1 }, async () => generateKeyPair('Ed25519')))
  const aggregatorKey = await keyElectedFirst(config, keys)
  const processes = Array.from({ length: 1 + MEMBER_PROCESSES }, () => spawn(process.execPath, [fileURLToPath(new URL('./members-process.js', import.meta.url))], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // structured clone, so keys travel as bytes
    serialization: 'advanced'
  }))
  const [aggregator, ...members] = processes
  const tell = (child: ChildProcess, message: ToMembers): void => { child.send(message) }
  const all = async <T extends FromMembers['type']>(message: ToMembers, answer: T): Promise<Array<Extract<FromMembers, { type: T }>>> => {
    for (const child of processes) tell(child, message)
    return Promise.all(processes.map(async child => reply(child, answer)))
  }
  try {
    const start = { type: 'start', config, gatherDelay } as const
    tell(aggregator, { ...start, keys: [privateKeyToProtobuf(aggregatorKey)], firstUpdate: 0, dial: [] })
    const { address } = await reply(aggregator, 'listening')
    const share = Math.ceil(keys.length / members.length)
    members.forEach((child, m) => {
      tell(child, { ...start, keys: keys.slice(m * share, (m + 1) * share).map(privateKeyToProtobuf), firstUpdate: 1 + m * share, dial: [address] })
    })
    await Promise.all(members.map(async child => reply(child, 'listening')))
    await all({ type: 'join' }, 'joined')
    const aggregatorId = peerIdFromPrivateKey(aggregatorKey).toString()
    for (const { results } of await all({ type: 'aggregate' }, 'aggregated')) {
      for (const result of results) {
        if (result.aggregator !== aggregatorId || result.survivors !== n) {
          throw new Error(`the round was aggregated by ${result.aggregator} with ${result.survivors} survivors, not by the measured process with ${n}`)
        }
      }
    }
    return (await all({ type: 'stop' }, 'peak'))[0].rssBytes
  } finally {
    for (const child of processes) if (child.exitCode === null) child.kill()
  }
}

/**
 * A fresh key that the election of round 1, attempt 0 ranks above all of `others`. Members are ranked
 * by a hash each, so it comes first in any member's view that includes it, complete or not.
 */
async function keyElectedFirst (config: SessionConfig, others: PrivateKey[]): Promise<PrivateKey> {
  const { id } = openSession(config)
  const members = others.map(key => identityOf(peerIdFromPrivateKey(key)))
  for (;;) {
    const key = await generateKeyPair('Ed25519')
    const candidate = identityOf(peerIdFromPrivateKey(key))
    if (electAggregator(id, 1, 0, genesisBeacon(id), [...members, candidate]).id === candidate.id) return key
  }
}

/** The child's next message of this type; rejects if its round fails or it exits first. */
async function reply<T extends FromMembers['type']> (child: ChildProcess, type: T): Promise<Extract<FromMembers, { type: T }>> {
  return new Promise((resolve, reject) => {
    const settle = (): void => {
      child.off('message', onMessage)
      child.off('exit', onExit)
    }
    const onMessage = (message: FromMembers): void => {
      if (message.type === 'failed') {
        settle()
        reject(new Error(`a round in a member process failed: ${message.message}`))
      } else if (message.type === type) {
        settle()
        resolve(message as Extract<FromMembers, { type: T }>)
      }
    }
    const onExit = (code: number | null): void => {
      settle()
      reject(new Error(`a member process exited with ${code} before '${type}'`))
    }
    child.on('message', onMessage)
    child.on('exit', onExit)
  })
}
