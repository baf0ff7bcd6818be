/** One benchmark figure, next to the floor measured in the same run. */
export interface BenchResult {
  name: string
  value: number
  unit: string
  floor: number
  /** What was measured, for the readable table. */
  detail: string
}
