/** The phases of a round, by the names used everywhere: code, logs, metrics and CLI flags. */
export const PHASES = ['announce', 'advertise-keys', 'share-keys', 'masked-input', 'consistency-check', 'unmask'] as const

export type Phase = typeof PHASES[number]

/** The phases that have a deadline in the announcement, in order. */
export const TIMED_PHASES = PHASES.slice(1) as Array<Exclude<Phase, 'announce'>>

export type TimedPhase = typeof TIMED_PHASES[number]
