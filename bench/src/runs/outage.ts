import { Effect } from "effect"
import { benchMain } from "../benchMain.js"
import { minerRange } from "../miners.js"
import { benchOptions } from "../options.js"
import { freePort } from "../ports.js"
import { percent, repeatPoint } from "../stats.js"
import { groupFigures, markdownTable } from "../summary.js"
import type { RunningValidator } from "../validatorProcess.js"
import { makeWorld, runChecks, startValidatorIn, type World } from "../world.js"

// Issue 9 item 3: with GitHub hanging, failing with 503, or refusing connections, every
// check must still be answered (inconclusive) before the caller's timeout.
const options = benchOptions()
const concurrency = options.quick ? 32 : 256
const timeoutSeconds = options.quick ? 3 : 12

const measure = (world: World, validator: RunningValidator, mode: string) =>
  Effect.gen(function* () {
    const report = yield* runChecks(world, validator, [
      { miners: minerRange(0, concurrency), concurrency, maxRequests: concurrency, durationMs: 120_000, timeoutSeconds }
    ])
    const figures = groupFigures(report, 0, ["inconclusive"])
    const answered = figures.requests - (figures.outcomes.timeout ?? 0) - Object.entries(figures.outcomes)
      .filter(([outcome]) => outcome.startsWith("failed:"))
      .reduce((sum, [, count]) => sum + count, 0)
    return {
      mode,
      checks: figures.requests,
      answeredPct: percent(answered, figures.requests),
      inconclusivePct: percent(figures.outcomes.inconclusive ?? 0, figures.requests),
      p50: figures.p50,
      slowestMs: figures.max,
      timeoutMs: timeoutSeconds * 1000,
      outcomes: figures.outcomes
    }
  })

const repeated = <A extends Record<string, unknown>, E, R>(point: Effect.Effect<A, E, R>) =>
  repeatPoint(options.runs, () => point)

const program = Effect.gen(function* () {
  const world = yield* makeWorld()
  const miners = minerRange(0, concurrency)
  const scripted = yield* Effect.scoped(
    Effect.gen(function* () {
      const validator = yield* startValidatorIn(world)
      yield* world.github.scriptMiners(miners, "hang")
      const hang = yield* repeated(measure(world, validator, "hang"))
      yield* world.github.scriptMiners(miners, { status: 503, json: { message: "Service Unavailable" } })
      return [hang, yield* repeated(measure(world, validator, "503 always"))]
    })
  )
  // Nothing listens on a port that was just free, so every GitHub call is refused. The
  // first validator has stopped by now and released the store's writer lock.
  const closedPort = yield* freePort
  const refused = yield* Effect.scoped(
    Effect.flatMap(
      startValidatorIn(world, { githubUrl: `http://127.0.0.1:${closedPort}`, logFile: `${world.dir}/validator-refused.log` }),
      (validator) => repeated(measure(world, validator, "connection refused"))
    )
  )
  return { options, concurrency, timeoutSeconds, modes: [...scripted, refused] }
})

benchMain("outage", program, ({ modes }) =>
  markdownTable(modes, {
    mode: "GitHub",
    checks: "concurrent checks",
    answeredPct: "answered before timeout %",
    inconclusivePct: "inconclusive %",
    p50: "p50 ms",
    slowestMs: "slowest ms",
    timeoutMs: "timeout ms"
  })
)
