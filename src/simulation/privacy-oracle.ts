/**
 * Watches a simulated session and records, for every party, each sum it could hold: every result it
 * received or fetched, and, for an aggregator, the sum of every attempt in which an honest peer revealed
 * unmask shares to it (whether or not it ever signs or sends it). Inputs are variables, one per update
 * a member handed in (the same update in two attempts is the same variable: its rounding noise is too
 * small to hide it). A party, or a coalition pooling what its members hold and their own inputs, learns
 * a single honest input exactly when some linear combination of its sums, less the inputs it knows,
 * is that input alone: `leaks()` finds every such case.
 */
import { toHex } from '../protocol/crypto/bytes.js'
import { RoundResult, RoundTranscript, Signed, SurvivorSet } from '../protocol/pb/messages.js'
import { identityFromBytes } from '../protocol/crypto/identity.js'
import type { Delivery, SessionSimulation } from './session-simulation.js'

/** A sum one party holds: the updates in it. */
interface HeldSum {
  label: string
  inputs: Set<string>
}

export interface Leak {
  party: string
  input: string
  sums: string[]
}

// A prime below 2^26: products of two residues stay exact in a double. Elimination over this field
// agrees with elimination over the rationals on 0/1 matrices this small unless a minor is a multiple of
// the prime, which none of a few dozen rows and columns can reach.
const PRIME = 67_108_859

export class PrivacyOracle {
  /** Sums held, by member index. */
  private readonly held = new Map<number, HeldSum[]>()
  /** The survivor set each member signed per attempt ("round/attempt"), as member indices. */
  private readonly signedSets = new Map<string, number[]>()
  /** The update each member's masked input carried per attempt. */
  private readonly uploads = new Map<string, string>()

  constructor (private readonly sim: SessionSimulation) {}

  /** The observer to give the simulation. */
  readonly observe = (delivery: Delivery): void => {
    const key = (round: number, attempt: number): string => `${round}/${attempt}`
    if (delivery.kind === 'upload') {
      this.uploads.set(`${key(delivery.route.round, delivery.route.attempt)}/${delivery.from}`, delivery.update)
      return
    }
    if (delivery.kind === 'fetched') {
      this.holdResult(delivery.to, delivery.bytes)
      return
    }
    if (delivery.kind !== 'message') return
    const { route, type, bytes, from, to } = delivery
    if (type === 'survivor-set') {
      try {
        this.signedSets.set(`${key(route.round, route.attempt)}/${to}`, SurvivorSet.decode(bytes).survivors.map(p => this.indexOf(p)))
      } catch {}
    } else if (type === 'unmask-shares') {
      // An honest peer revealed for the set it signed: its aggregator can now compute that attempt's sum.
      const set = this.signedSets.get(`${key(route.round, route.attempt)}/${from}`)
      if (set !== undefined) this.hold(to, `sum of round ${route.round} attempt ${route.attempt} (revealed)`, route.round, route.attempt, set)
    } else if (type === 'result') {
      this.holdResult(to, bytes)
    }
  }

  /** Records that the aggregator of an attempt holds its sum although no honest peer revealed (it lies, say). */
  holdsAttempt (member: number, round: number, attempt: number, survivors: number[]): void {
    this.hold(member, `sum of round ${round} attempt ${attempt}`, round, attempt, survivors)
  }

  /** A result as it travels: in its transcript. */
  private holdResult (member: number, transcript: Uint8Array): void {
    try {
      const result = RoundResult.decode(Signed.decode(RoundTranscript.decode(transcript).result).body)
      const survivors = SurvivorSet.decode(result.survivorSet).survivors.map(p => this.indexOf(p))
      const round = Number(result.ref!.round)
      this.hold(member, `result of round ${round} attempt ${result.ref!.attempt}`, round, result.ref!.attempt, survivors)
    } catch {}
  }

  private hold (member: number, label: string, round: number, attempt: number, survivors: number[]): void {
    const inputs = new Set(survivors.map(s => this.uploads.get(`${round}/${attempt}/${s}`) ?? `${s}: unknown input of round ${round} attempt ${attempt}`))
    const sums = this.held.get(member) ?? []
    if (!sums.some(s => s.label === label)) sums.push({ label, inputs })
    this.held.set(member, sums)
  }

  private indexOf (peer: Uint8Array): number {
    const hex = toHex(identityFromBytes(peer).bytes)
    return this.sim.members.findIndex(m => toHex(m.peer.identity.bytes) === hex)
  }

  /** The inputs of a member: every update it handed in. */
  private inputsOf (member: number): string[] {
    return [...this.sim.members[member].updates.values()]
  }

  /**
   * Every honest input a party can isolate. `coalitions` are sets of colluding members (each member alone
   * is always checked too); a coalition knows its own members' inputs and pools what they hold.
   */
  leaks (coalitions: number[][] = []): Leak[] {
    const parties = [...this.sim.members.map(m => [m.index]), ...coalitions]
    const found: Leak[] = []
    for (const party of parties) {
      const known = new Set(party.flatMap(m => this.inputsOf(m)))
      const sums = party.flatMap(m => this.held.get(m) ?? [])
      const unknown = [...new Set(sums.flatMap(s => [...s.inputs]))].filter(v => !known.has(v))
      for (const input of unknown) {
        if (isolates(sums.map(s => unknown.map(v => s.inputs.has(v) ? 1 : 0)), unknown.indexOf(input))) {
          found.push({ party: party.join('+'), input, sums: sums.map(s => s.label) })
        }
      }
    }
    return found
  }

  /** The updates a signed result sums, as labels (the survivors' inputs in its attempt). */
  inputsOfResult (signedResult: Uint8Array): string[] {
    const result = RoundResult.decode(Signed.decode(signedResult).body)
    const round = Number(result.ref!.round)
    return SurvivorSet.decode(result.survivorSet).survivors.map(p => this.uploads.get(`${round}/${result.ref!.attempt}/${this.indexOf(p)}`) ?? 'unknown')
  }

  /** What each member holds, for a test's failure message. */
  describe (): string {
    return [...this.held].map(([m, sums]) => `${m}: ${sums.map(s => `${s.label} {${[...s.inputs].join(', ')}}`).join('; ')}`).join('\n')
  }
}

/** Whether the unit vector e_target lies in the row space of `rows` (over a prime field). */
export function isolates (rows: number[][], target: number): boolean {
  const width = rows[0]?.length ?? 0
  const rankOf = (matrix: number[][]): number => {
    const m = matrix.map(r => r.map(v => ((v % PRIME) + PRIME) % PRIME))
    let rank = 0
    for (let col = 0; col < width && rank < m.length; col++) {
      const pivot = m.findIndex((r, i) => i >= rank && r[col] !== 0)
      if (pivot < 0) continue
      ;[m[rank], m[pivot]] = [m[pivot], m[rank]]
      const inv = inverse(m[rank][col])
      m[rank] = m[rank].map(v => mulMod(v, inv))
      for (let i = 0; i < m.length; i++) {
        if (i === rank || m[i][col] === 0) continue
        const factor = m[i][col]
        m[i] = m[i].map((v, j) => (v - mulMod(factor, m[rank][j]) + PRIME) % PRIME)
      }
      rank++
    }
    return rank
  }
  const unit = Array.from({ length: width }, (_, i) => i === target ? 1 : 0)
  return rankOf(rows) === rankOf([...rows, unit])
}

function mulMod (a: number, b: number): number {
  return (a * b) % PRIME
}

function inverse (a: number): number {
  let result = 1
  let base = a
  let exponent = PRIME - 2
  while (exponent > 0) {
    if (exponent % 2 === 1) result = mulMod(result, base)
    base = mulMod(base, base)
    exponent = Math.floor(exponent / 2)
  }
  return result
}
