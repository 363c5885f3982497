import { Effect } from "effect"
import { minerCount, minerRange } from "../miners.js"
import { groupFigures } from "../summary.js"
import type { RunningValidator } from "../validatorProcess.js"
import { runChecks, type World } from "../world.js"

/** How a head-of-line point is set up: `quick` shrinks it (fewer stuck checks, a shorter stream). */
export const headOfLineSettings = (quick: boolean) => ({
  latencyMs: 100,
  stuckCount: quick ? 200 : 1000,
  healthyConcurrency: 16,
  // Spread over many miners: the validator's replay window gives each hotkey only its share
  // of dendrite sessions (one per caller here).
  hangingMiners: minerRange(minerCount - (quick ? 200 : 1000), minerCount),
  // The stuck checks are all signed and in flight before the healthy stream starts, and the
  // stream ends before the validator's deadline (12 s − 1 s) releases the stuck ones.
  healthyStartMs: quick ? 1500 : 3000,
  healthyDurationMs: quick ? 1000 : 5000
})

/** One of `headOfLineSettings`. */
export type HeadOfLineSettings = ReturnType<typeof headOfLineSettings>

/** Sets the fake GitHub up for head-of-line points: latency L, the hanging miners' tokens hanging. */
export const prepareHeadOfLine = (world: World, settings: HeadOfLineSettings) =>
  Effect.zipRight(world.github.setLatency(settings.latencyMs), world.github.scriptMiners(settings.hangingMiners, "hang"))

/**
 * Measures a healthy stream of checks alone, then the same stream beside `stuckCount`
 * checks stuck on the hanging token (all in flight before it starts); healthy latency is
 * reported against L. Ends when every stuck check has ended.
 */
export const measureHeadOfLine = (world: World, validator: RunningValidator, settings: HeadOfLineSettings) =>
  Effect.gen(function* () {
    const { latencyMs, stuckCount, hangingMiners } = settings
    const healthyStream = {
      miners: minerRange(0, settings.healthyConcurrency),
      concurrency: settings.healthyConcurrency,
      durationMs: settings.healthyDurationMs
    }
    const alone = groupFigures(yield* runChecks(world, validator, [healthyStream]), 0, ["valid"])
    const report = yield* runChecks(world, validator, [
      { miners: hangingMiners, concurrency: stuckCount, maxRequests: stuckCount, durationMs: 60_000 },
      { ...healthyStream, startAfterMs: settings.healthyStartMs }
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
