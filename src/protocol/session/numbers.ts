/** uint64 fields from the wire as JavaScript numbers, only where that is exact. */

/**
 * The number a uint64 field holds, or undefined beyond 2^53 - 1: past that a number is no longer exact,
 * and code that then frames it (u64be) would throw. A message carrying such a value is dropped.
 */
export function safeNumber (value: bigint): number | undefined {
  return value >= 0n && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined
}
