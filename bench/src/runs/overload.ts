import { Effect } from "effect"
import { benchMain } from "../benchMain.js"
import { minerRange, minerStake } from "../miners.js"
import { benchOptions } from "../options.js"
import { percent, repeatPoint, summarize } from "../stats.js"
import { groupFigures, groupRecords, markdownTable } from "../summary.js"
import { makeWorld, runChecks, startValidatorIn, warmUp } from "../world.js"

// Issue 9 item 4: more callers than pipeline slots, with short timeouts. Whoever cannot be
// served in time must get a quick 503 (never a timeout), and stake decides who is served.
const options = benchOptions()
const maxConcurrency = options.quick ? 8 : 32
const callers = options.quick ? 64 : 512
const timeoutSeconds = 2
const latencyMs = 100

const meanStake = (miners: ReadonlyArray<number>): number =>
  miners.length === 0 ? 0 : Math.round(miners.reduce((sum, miner) => sum + minerStake(miner), 0) / miners.length)

const program = Effect.gen(function* () {
  const world = yield* makeWorld()
  const validator = yield* startValidatorIn(world, { maxConcurrency })
  yield* world.github.setLatency(latencyMs)
  yield* warmUp(world, validator)
  const point = Effect.gen(function* () {
    const report = yield* runChecks(world, validator, [
      { miners: minerRange(0, callers), concurrency: callers, durationMs: options.durationMs, timeoutSeconds }
    ])
    const figures = groupFigures(report, 0, ["valid"])
    const records = groupRecords(report, 0)
    const minersWith = (outcome: string) => records.filter(([, , o]) => o === outcome).map(([, miner]) => miner)
    const shedLatency = summarize(records.filter(([, , o]) => o === "status:503").map(([, , , ms]) => ms))
    return {
      maxConcurrency,
      callers,
      requests: figures.requests,
      servedPct: percent(figures.outcomes.valid ?? 0, figures.requests),
      shedPct: percent(figures.outcomes["status:503"] ?? 0, figures.requests),
      timedOutPct: percent(figures.outcomes.timeout ?? 0, figures.requests),
      timedOut: figures.outcomes.timeout ?? 0,
      p99: figures.p99,
      shedP50: shedLatency.p50,
      shedMax: shedLatency.max,
      meanStakeServed: meanStake(minersWith("valid")),
      meanStakeShed: meanStake(minersWith("status:503")),
      outcomes: figures.outcomes
    }
  })
  const figures = yield* repeatPoint(options.runs, () => point)
  return { options, latencyMs, timeoutSeconds, ...figures }
})

benchMain("overload", program, (figures) =>
  markdownTable([figures], {
    maxConcurrency: "--max-concurrency",
    callers: "concurrent callers",
    timeoutSeconds: "timeout s",
    servedPct: "served %",
    shedPct: "shed 503 %",
    timedOutPct: "timed out %",
    p99: "p99 ms",
    shedP50: "503 p50 ms",
    shedMax: "503 max ms",
    meanStakeServed: "mean stake served",
    meanStakeShed: "mean stake shed"
  })
)
