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

/** The flags behind `BenchOptions`, for a run that reads more of its own beside them. */
export const benchFlags = {
  quick: { type: "boolean", default: false },
  runs: { type: "string" },
  duration: { type: "string" }
} as const

/** A flag's whole number of at least 1, `otherwise` when absent; anything else throws, naming the flag. */
export const positiveInteger = (flag: string, text: string | undefined, otherwise: number): number => {
  if (text === undefined) return otherwise
  const value = Number(text)
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`--${flag} takes a whole number of at least 1 (got "${text}")`)
  }
  return value
}

/** `BenchOptions` from parsed flag values (defaults depend on `--quick`); bad numbers throw, naming the flag. */
export const toBenchOptions = (values: {
  readonly quick?: boolean | undefined
  readonly runs?: string | undefined
  readonly duration?: string | undefined
}): BenchOptions => {
  const quick = values.quick ?? false
  return {
    quick,
    runs: positiveInteger("runs", values.runs, quick ? 1 : 3),
    durationMs: positiveInteger("duration", values.duration, quick ? 600 : 3000)
  }
}

/** How a run is called; `run` is its script's name (`npm_lifecycle_event` under pnpm). */
const benchUsage = (run = "<run>") =>
  `usage: pnpm bench:${run} [--quick] [--runs N] [--duration MS]   (what each run measures: bench/README.md)`

/**
 * Reads `--quick`, `--runs N`, `--duration MS` from the command line. `--help` prints the
 * usage and exits 0; anything it cannot read is said with the usage on stderr, exit 2.
 */
export const benchOptions = (): BenchOptions => {
  const usage = benchUsage(process.env.npm_lifecycle_event)
  try {
    const { values } = parseArgs({ options: { ...benchFlags, help: { type: "boolean", default: false } } })
    if (values.help) {
      process.stdout.write(`${usage}\n`)
      process.exit(0)
    }
    return toBenchOptions(values)
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${usage}\n`)
    process.exit(2)
  }
}
