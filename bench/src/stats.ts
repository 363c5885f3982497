import { Effect } from "effect"

/** Latency figures of one run, in milliseconds. */
export interface LatencySummary {
  readonly count: number
  readonly p50: number
  readonly p99: number
  readonly max: number
  readonly mean: number
}

const round = (value: number): number => Math.round(value * 100) / 100

/** The `q` quantile (0..1) of sorted values, nearest-rank; 0 for an empty list. */
export const quantile = (sorted: ReadonlyArray<number>, q: number): number =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0

/** p50, p99, max and mean of a list of latencies. */
export const summarize = (latencies: ReadonlyArray<number>): LatencySummary => {
  const sorted = [...latencies].sort((a, b) => a - b)
  const total = sorted.reduce((sum, value) => sum + value, 0)
  return {
    count: sorted.length,
    p50: round(quantile(sorted, 0.5)),
    p99: round(quantile(sorted, 0.99)),
    max: round(sorted.at(-1) ?? 0),
    mean: round(sorted.length === 0 ? 0 : total / sorted.length)
  }
}

/** The median of a few runs' values (the figure we report for a noisy machine). */
export const median = (values: ReadonlyArray<number>): number => round(quantile([...values].sort((a, b) => a - b), 0.5))

/**
 * Reduces several runs of one point to one: every numeric field becomes the median of
 * that field across the runs; other fields are taken from the first run.
 */
export const medianOfRuns = <A extends Record<string, unknown>>(runs: ReadonlyArray<A>): A => {
  const first = runs[0]
  if (first === undefined) return {} as A
  const merged: Record<string, unknown> = { ...first }
  for (const [key, value] of Object.entries(first)) {
    if (typeof value === "number") merged[key] = median(runs.map((run) => run[key] as number))
  }
  return merged as A
}

/** `part / whole` as a percentage with one decimal; 0 when there is no whole. */
export const percent = (part: number, whole: number): number =>
  whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10

/** Runs a point `times` times (one after another) and reports the median run beside all runs. */
export const repeatPoint = <A extends Record<string, unknown>, E, R>(
  times: number,
  point: (run: number) => Effect.Effect<A, E, R>
): Effect.Effect<A & { readonly runs: ReadonlyArray<A> }, E, R> =>
  Effect.map(
    Effect.forEach(Array.from({ length: times }, (_, run) => run), point),
    (runs) => ({ ...medianOfRuns(runs), runs })
  )
