/**
 * How often a member publishes its presence: every presenceInterval in an open session, and less often
 * in a closed one the more members it has, so the session's gossip stays about PRESENCE_PUBLISHERS
 * members' worth whatever its size.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { PRESENCE_PUBLISHERS } from '../../src/protocol/session/session-core.js'
import type { Notice } from '../../src/node/pb/network.js'
import { openSession } from '../../src/node/session-config.js'
import { SessionRunner, type RunnerContext } from '../../src/node/session-runner.js'
import { identityOf } from '../../src/protocol/crypto/identity.js'
import { nodeCryptoSuite } from '../../src/protocol/crypto/suite-node.js'
import { testSession } from '../support/secagg-network.js'

const INTERVAL = 1_000

/** A runner for a session of `members` (or an open one), counting the presence notices it publishes over `ms`. */
async function presencesOver (members: number | 'open', ms: number): Promise<number> {
  const keys = await Promise.all(Array.from({ length: members === 'open' ? 1 : members }, async () => generateKeyPair('Ed25519')))
  const config = testSession(members === 'open' ? 4 : members, members === 'open' ? { members: 'open' } : { members: keys.map(k => peerIdFromPrivateKey(k).toString()) })
  let published = 0
  const context = {
    self: identityOf(peerIdFromPrivateKey(keys[0])),
    privateKey: keys[0],
    crypto: nodeCryptoSuite,
    publish: async (notice: Notice) => { if (notice.presence != null) published++ },
    addresses: () => [],
    presenceInterval: INTERVAL,
    gatherDelay: 0
  } as unknown as RunnerContext
  const runner = new SessionRunner(openSession(config), context)
  runner.start()
  await vi.advanceTimersByTimeAsync(ms)
  runner.stop()
  return published
}

describe('presence', () => {
  beforeEach(() => { vi.useFakeTimers() })
  afterEach(() => { vi.useRealTimers() })

  it('goes out every interval in an open session and in a closed one of up to PRESENCE_PUBLISHERS members', async () => {
    expect(await presencesOver('open', 20 * INTERVAL)).toBe(20)
    expect(await presencesOver(PRESENCE_PUBLISHERS, 20 * INTERVAL)).toBe(20)
  })

  it('goes out n / PRESENCE_PUBLISHERS times less often in a closed session of n members, the first after one interval still', async () => {
    expect(await presencesOver(5 * PRESENCE_PUBLISHERS, 20 * INTERVAL)).toBe(1 + 4)
    expect(await presencesOver(2 * PRESENCE_PUBLISHERS, 20 * INTERVAL)).toBe(1 + 10)
    expect(await presencesOver(5 * PRESENCE_PUBLISHERS, INTERVAL)).toBe(1)
  })
})
