import { Effect } from "effect"
import { benchMain } from "../benchMain.js"
import { minerCount, minerRange } from "../miners.js"
import { benchOptions } from "../options.js"
import { repeatPoint } from "../stats.js"
import { groupFigures, markdownTable } from "../summary.js"
import { makeWorld, runChecks, startValidatorIn, warmUp } from "../world.js"

// Issue 9 item 2 (head-of-line): many checks stuck on a hanging GitHub token must not slow
// the healthy checks running beside them. Healthy latency is reported against L, and
// beside the same stream's latency with nothing stuck.
const options = benchOptions()
const latencyMs = 100
const stuckCount = options.quick ? 200 : 1000
const healthyConcurrency = 16
// Spread over many miners, as the validator's replay window gives each hotkey only its share
// of dendrite sessions (one per caller here).
const hangingMiners = minerRange(minerCount - stuckCount, minerCount)
// The stuck checks are all signed and in flight before the healthy stream starts, and the
// stream ends before the validator's deadline (12 s − 1 s) releases the stuck ones.
const healthyStartMs = options.quick ? 1500 : 3000
const healthyDurationMs = options.quick ? 1000 : 5000

const program = Effect.gen(function* () {
  const world = yield* makeWorld()
  const validator = yield* startValidatorIn(world)
  yield* world.github.setLatency(latencyMs)
  yield* warmUp(world, validator)
  yield* world.github.scriptMiners(hangingMiners, "hang")
  const healthyStream = {
    miners: minerRange(0, healthyConcurrency),
    concurrency: healthyConcurrency,
    durationMs: healthyDurationMs
  }
  const point = Effect.gen(function* () {
    const alone = groupFigures(yield* runChecks(world, validator, [healthyStream]), 0, ["valid"])
    const report = yield* runChecks(world, validator, [
      { miners: hangingMiners, concurrency: stuckCount, maxRequests: stuckCount, durationMs: 60_000 },
      { ...healthyStream, startAfterMs: healthyStartMs }
    ])
    const stuck = groupFigures(report, 0, ["inconclusive"])
    const healthy = groupFigures(report, 1, ["valid"])
    return {
      latencyMs,
      stuck: stuckCount,
      stuckInconclusive: stuck.outcomes.inconclusive ?? 0,
      stuckMaxMs: stuck.max,
      aloneP50: alone.p50,
      aloneP99: alone.p99,
      healthyRequests: healthy.requests,
      healthyPerSecond: healthy.perSecond,
      healthyP50: healthy.p50,
      healthyP99: healthy.p99,
      p50OverL: Math.round((healthy.p50 / latencyMs) * 100) / 100,
      p99OverL: Math.round((healthy.p99 / latencyMs) * 100) / 100,
      healthyErrors: healthy.errors,
      healthyOutcomes: healthy.outcomes,
      stuckOutcomes: stuck.outcomes
    }
  })
  return { options, ...(yield* repeatPoint(options.runs, () => point)) }
})

benchMain("head-of-line", program, (figures) =>
  markdownTable([figures], {
    stuck: "stuck checks",
    stuckInconclusive: "stuck → inconclusive",
    stuckMaxMs: "stuck max ms",
    aloneP50: "alone p50 ms",
    aloneP99: "alone p99 ms",
    healthyPerSecond: "healthy req/s",
    healthyP50: "healthy p50 ms",
    healthyP99: "healthy p99 ms",
    p50OverL: "p50 / L",
    p99OverL: "p99 / L",
    healthyErrors: "healthy errors"
  })
)
