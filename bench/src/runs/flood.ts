import { loadavg } from "node:os"
import { Effect } from "effect"
import { benchMain } from "../benchMain.js"
import { type FloodFigures, type FloodKind, startFlood } from "../flood.js"
import { minerCount, minerRange } from "../miners.js"
import { benchOptions } from "../options.js"
import { percent, repeatPoint } from "../stats.js"
import { groupFigures, groupRecords, markdownTable } from "../summary.js"
import { makeWorld, runChecks, startValidatorIn, warmUp, type World } from "../world.js"

// Issue 13 item 1: thousands of connections holding a check's headers and 9 bytes of its
// body made a legitimate miner's checks shed (503) for as long as they stayed open. The
// miner checks every 200 ms; the flood is held at full strength while it does (every
// connection the validator closes is reopened), and the miner must keep ≥ 99 % answered 200.
const options = benchOptions()
const floodSockets = options.quick ? 200 : 2_000
const checkingMs = options.quick ? 3_000 : 20_000
const intervalMs = 200
const timeoutSeconds = 12
// Signed half-sent requests are waited for until their deadline (timeout − 1 s): longer
// than the miner checks, so they are all open for the whole of it.
const floodTimeoutSeconds = options.quick ? 5 : 30
const legitimateMiner = 0
// Not the miner, nor the warm-up's sixteen.
const floodKeys = minerRange(16, minerCount)

interface Scenario {
  readonly name: string
  readonly flood: FloodKind | undefined
}

const scenarios: ReadonlyArray<Scenario> = [
  { name: "no flood", flood: undefined },
  { name: "forged signatures", flood: "forged" },
  { name: "signed, body never sent", flood: "signed" }
]

// Any pipeline category is an answered 200; the load generator names other endings by status or failure.
const answered200 = (outcome: string): boolean => !/^(status:|failed:|timeout$|bad-answer$)/.test(outcome)

const floodColumns = (figures: FloodFigures | undefined) =>
  figures === undefined
    ? { floodRequests: 0, floodAnswers: "", floodHeldP50: "", floodHeldMax: "", floodStillOpen: 0 }
    : {
        floodRequests: figures.requests,
        floodAnswers: Object.entries(figures.answers)
          .map(([status, n]) => `${status}: ${n}`)
          .join(", "),
        floodHeldP50: figures.heldMsP50,
        floodHeldMax: figures.heldMsMax,
        floodStillOpen: figures.stillOpen
      }

const measure = (world: World, scenario: Scenario) =>
  Effect.scoped(
    Effect.gen(function* () {
      const validator = yield* startValidatorIn(world, { logFile: `${world.dir}/validator-${scenario.flood ?? "none"}.log` })
      yield* warmUp(world, validator)
      const point = Effect.scoped(
        Effect.gen(function* () {
          const loadBefore = loadavg()[0] ?? 0
          const cpuBefore = yield* validator.child.cpuMs
          yield* validator.child.resetPeak
          const flood =
            scenario.flood === undefined
              ? undefined
              : yield* startFlood({
                  target: validator.target,
                  sockets: floodSockets,
                  kind: scenario.flood,
                  keypairs: floodKeys.map((i) => world.keypairs[i]!),
                  timeoutSeconds: floodTimeoutSeconds
                })
          const startedMs = performance.now()
          const report = yield* runChecks(world, validator, [
            { miners: [legitimateMiner], concurrency: 1, durationMs: checkingMs, intervalMs, timeoutSeconds }
          ])
          const elapsedMs = performance.now() - startedMs
          const cpuMs = (yield* validator.child.cpuMs) - cpuBefore
          const peakRssKiB = yield* validator.child.peakRssKiB
          const loadAfter = loadavg()[0] ?? 0
          const floodFigures = flood === undefined ? undefined : yield* flood.stop((floodTimeoutSeconds + 5) * 1_000)
          const checks = groupFigures(report, 0, ["valid"])
          const records = groupRecords(report, 0)
          const ok = records.filter(([, , outcome]) => answered200(outcome)).length
          const latencies = records.map(([, , , ms]) => ms)
          return {
            scenario: scenario.name,
            sockets: scenario.flood === undefined ? 0 : floodSockets,
            checks: checks.requests,
            answered200Pct: percent(ok, checks.requests),
            p50: checks.p50,
            p99: checks.p99,
            max: checks.max,
            // Which of the checks, in order (1 = the first, sent just after the flood opened), was the slowest.
            slowestCheck: latencies.indexOf(Math.max(...latencies)) + 1,
            validatorCpuPct: Math.round((cpuMs / elapsedMs) * 100),
            peakRssMiB: Math.round(peakRssKiB / 1024),
            loadAverage: `${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)}`,
            ...floodColumns(floodFigures),
            outcomes: checks.outcomes
          }
        })
      )
      return yield* repeatPoint(options.runs, () => point)
    })
  )

const program = Effect.gen(function* () {
  const world = yield* makeWorld()
  yield* world.github.setLatency(0)
  const rows = yield* Effect.forEach(scenarios, (scenario) => measure(world, scenario))
  return { options, floodSockets, checkingMs, intervalMs, timeoutSeconds, floodTimeoutSeconds, rows }
})

benchMain("flood", program, (figures) =>
  markdownTable(figures.rows, {
    scenario: "flood",
    sockets: "half-sent sockets held",
    floodRequests: "half-sent requests sent",
    floodAnswers: "their answers",
    floodHeldP50: "held p50 ms",
    floodHeldMax: "held max ms",
    checks: "miner's checks",
    answered200Pct: "answered 200 %",
    p50: "p50 ms",
    p99: "p99 ms",
    max: "max ms",
    slowestCheck: "slowest check (nth)",
    validatorCpuPct: "validator CPU %",
    peakRssMiB: "peak RSS MiB",
    loadAverage: "load average (1 min)"
  })
)
