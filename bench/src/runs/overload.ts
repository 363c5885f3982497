import { Effect } from "effect"
import { benchMain } from "../benchMain.js"
import { minerRange, minerStake } from "../miners.js"
import { benchOptions } from "../options.js"
import { percent, repeatPoint, summarize } from "../stats.js"
import { groupFigures, groupRecords, markdownTable } from "../summary.js"
import { makeWorld, runChecks, startValidatorIn, warmUp, type World } from "../world.js"

// Issue 9 item 4: more callers than pipeline slots, with short timeouts. Whoever cannot be
// served in time must get a quick 503 (never a timeout), and stake decides who is served.
// A burst of one-shot callers makes the slots the bottleneck (admission decides); a
// sustained closed loop of many callers makes the CPU the bottleneck as well.
const options = benchOptions()
const timeoutSeconds = 2
const latencyMs = 100

interface Scenario {
  readonly name: string
  readonly maxConcurrency: number
  readonly callers: number
  /** Each caller sends once (a burst), or again as soon as it has its answer. */
  readonly oneShot: boolean
}

const scenarios: ReadonlyArray<Scenario> = options.quick
  ? [
      { name: "burst", maxConcurrency: 2, callers: 32, oneShot: true },
      { name: "sustained", maxConcurrency: 8, callers: 64, oneShot: false }
    ]
  : [
      { name: "burst", maxConcurrency: 4, callers: 128, oneShot: true },
      { name: "sustained", maxConcurrency: 32, callers: 512, oneShot: false }
    ]

const meanStake = (miners: ReadonlyArray<number>): number =>
  miners.length === 0 ? 0 : Math.round(miners.reduce((sum, miner) => sum + minerStake(miner), 0) / miners.length)

const measure = (world: World, scenario: Scenario) =>
  Effect.scoped(
    Effect.gen(function* () {
      const validator = yield* startValidatorIn(world, {
        maxConcurrency: scenario.maxConcurrency,
        logFile: `${world.dir}/validator-${scenario.name}.log`
      })
      yield* warmUp(world, validator)
      const point = Effect.gen(function* () {
        const report = yield* runChecks(world, validator, [
          {
            miners: minerRange(0, scenario.callers),
            concurrency: scenario.callers,
            durationMs: options.durationMs,
            timeoutSeconds,
            ...(scenario.oneShot ? { maxRequests: scenario.callers } : {})
          }
        ])
        const figures = groupFigures(report, 0, ["valid"])
        const records = groupRecords(report, 0)
        const minersWith = (outcome: string) => records.filter(([, , o]) => o === outcome).map(([, miner]) => miner)
        const shedLatency = summarize(records.filter(([, , o]) => o === "status:503").map(([, , , ms]) => ms))
        return {
          scenario: scenario.name,
          maxConcurrency: scenario.maxConcurrency,
          callers: scenario.callers,
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
      return yield* repeatPoint(options.runs, () => point)
    })
  )

const program = Effect.gen(function* () {
  const world = yield* makeWorld()
  yield* world.github.setLatency(latencyMs)
  const rows = yield* Effect.forEach(scenarios, (scenario) => measure(world, scenario))
  return { options, latencyMs, timeoutSeconds, rows }
})

benchMain("overload", program, ({ rows }) =>
  markdownTable(rows, {
    scenario: "scenario",
    maxConcurrency: "--max-concurrency",
    callers: "concurrent callers",
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
