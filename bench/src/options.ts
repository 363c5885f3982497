import { parseArgs } from "node:util"

/** What every run takes on its command line. */
export interface BenchOptions {
  /** Tiny settings (one run per point, short points, few levels): proves the harness works. */
  readonly quick: boolean
  /** Runs per point; the median is reported. */
  readonly runs: number
  /** Length of one measured point, in milliseconds. */
  readonly durationMs: number
}

/** Reads `--quick`, `--runs N`, `--duration MS`. */
export const benchOptions = (): BenchOptions => {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      runs: { type: "string" },
      duration: { type: "string" }
    }
  })
  const quick = values.quick ?? false
  return {
    quick,
    runs: Number(values.runs ?? (quick ? 1 : 3)),
    durationMs: Number(values.duration ?? (quick ? 600 : 3000))
  }
}
