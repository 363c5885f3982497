import type { FakeBehaviour } from "@gittensor-pat/fake-github"
import { Effect } from "effect"
import { minerRange } from "../miners.js"
import { percent } from "../stats.js"
import { groupFigures } from "../summary.js"
import type { RunningValidator } from "../validatorProcess.js"
import { runChecks, type World } from "../world.js"

/** How an outage point is set up: `quick` shrinks it (fewer checks, a shorter timeout). */
export const outageSettings = (quick: boolean) => ({
  concurrency: quick ? 32 : 256,
  timeoutSeconds: quick ? 3 : 12
})

/** One of `outageSettings`. */
export type OutageSettings = ReturnType<typeof outageSettings>

/** The outages the fake GitHub can play on the checking miners' tokens. */
export const scriptedOutages: ReadonlyArray<{ readonly mode: string; readonly behaviour: FakeBehaviour }> = [
  { mode: "hang", behaviour: "hang" },
  { mode: "503 always", behaviour: { status: 503, json: { message: "Service Unavailable" } } }
]

/** Makes the fake GitHub answer every call of the checking miners with `behaviour`. */
export const prepareOutage = (world: World, settings: OutageSettings, behaviour: FakeBehaviour) =>
  world.github.scriptMiners(minerRange(0, settings.concurrency), behaviour)

/**
 * `concurrency` distinct miners check at once with the settings' timeout: how many were
 * answered before it (every one should be, inconclusive), and how fast.
 */
export const measureOutage = (world: World, validator: RunningValidator, mode: string, settings: OutageSettings) =>
  Effect.gen(function* () {
    const { concurrency, timeoutSeconds } = settings
    const report = yield* runChecks(world, validator, [
      { miners: minerRange(0, concurrency), concurrency, maxRequests: concurrency, durationMs: 120_000, timeoutSeconds }
    ])
    const figures = groupFigures(report, 0, ["inconclusive"])
    return {
      mode,
      checks: figures.requests,
      answeredPct: percent(figures.answered, figures.requests),
      inconclusivePct: percent(figures.outcomes.inconclusive ?? 0, figures.requests),
      p50: figures.p50,
      slowestMs: figures.max,
      timeoutMs: timeoutSeconds * 1000,
      outcomes: figures.outcomes
    }
  })
