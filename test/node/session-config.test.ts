import { describe, expect, it } from 'vitest'
import { canonicalSessionConfig, defineSession, openSession, parseSessionConfig, sessionIdOf, type SessionConfig } from '../../src/node/session-config.js'
import { simulatedPeers } from '../../src/simulation/peers.js'

const base = defineSession({ name: 'test', dimension: 100, members: (await simulatedPeers(3, 'base')).map(p => p.identity.id) })

describe('session configs', () => {
  it('give the same id whatever the key order and member order, and another id for any change', async () => {
    const members = (await simulatedPeers(3, 'members')).map(p => p.identity.id)
    const a = defineSession({ name: 'x', dimension: 10, members })
    // the same config with its keys in another order and its members reversed
    const shuffled = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries({ ...a, members: [...members].reverse() }).reverse())))
    expect(sessionIdOf(parseSessionConfig(shuffled))).toEqual(sessionIdOf(a))
    expect(canonicalSessionConfig(a)).toBe(canonicalSessionConfig(parseSessionConfig(JSON.parse(canonicalSessionConfig(a)))))
    for (const changed of [{ ...a, dimension: 11 }, { ...a, name: 'y' }, { ...a, encoding: { ...a.encoding, bits: 15 } }, { ...a, members: members.slice(1) }, { ...a, members: 'open' as const }]) {
      expect(sessionIdOf(parseSessionConfig(changed))).not.toEqual(sessionIdOf(a))
    }
  })

  it('name the field that is wrong', () => {
    const cases: Array<[unknown, RegExp]> = [
      [null, /\(root\)/],
      [{ ...base, dimension: 0 }, /"dimension"/],
      [{ ...base, dimension: 1.5 }, /"dimension"/],
      [{ ...base, encoding: { ...base.encoding, bits: 40 } }, /"encoding.bits"/],
      [{ ...base, graph: { ...base.graph, shape: 'ring' } }, /"graph.shape"/],
      [{ ...base, phaseTimeouts: { ...base.phaseTimeouts, unmask: -1 } }, /"phaseTimeouts.unmask"/],
      [{ ...base, members: ['not-a-peer-id'] }, /"members\[0\]"/],
      [{ ...base, members: [] }, /"members"/],
      [{ ...base, colour: 'blue' }, /"colour"/],
      [{ ...base, encoding: { ...base.encoding, extra: 1 } }, /"encoding.extra"/],
      [{ ...base, announceTimeout: undefined }, /"announceTimeout"/],
      [{ ...base, members: undefined }, /"members"/],
      [{ ...base, minParticipants: 2 }, /"minParticipants"/]
    ]
    for (const [input, field] of cases) {
      expect(() => parseSessionConfig(input)).toThrow(field)
      expect(() => parseSessionConfig(input)).toThrow(expect.objectContaining({ name: 'InvalidSessionConfigError' }))
    }
  })

  it('are closed unless asked to be open: defineSession without members names the field and what to pass', () => {
    // @ts-expect-error the type requires members too; this is what a JavaScript caller gets
    const missing = (): SessionConfig => defineSession({ name: 'no-members', dimension: 10 })
    expect(missing).toThrow(expect.objectContaining({ name: 'InvalidSessionConfigError' }))
    expect(missing).toThrow(/"members" is required: pass the members' PeerIds, or 'open' knowingly/)
    expect(defineSession({ name: 'asked-open', dimension: 10, members: 'open' }).members).toBe('open')
  })

  it('refuse parameters the protocol cannot run with, and say why', () => {
    expect(() => parseSessionConfig({ ...base, encoding: { ...base.encoding, bits: 24, maxParticipants: 1000 } })).toThrow(/not usable.*modulus/)
    expect(() => parseSessionConfig({ ...base, minParticipants: 3, graph: { ...base.graph, corruptRate: 0.3 } })).toThrow(/not usable/)
  })

  it('open into the core\'s parameters under the session id', () => {
    const session = openSession(base)
    expect(session.params.sessionId).toEqual(session.id)
    expect(session.params.dimension).toBe(100)
    expect(session.idHex).toMatch(/^[0-9a-f]{64}$/)
  })
})
