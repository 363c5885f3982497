import { Effect, type Schedule } from "effect"
import type { LazyArg } from "effect/Function"

/**
 * `Effect.retry(self, schedule())`, with the schedule built and its driver started only once
 * `self` has failed: the first failure is handed to the driver as the first attempt's, without running
 * `self` again. Nearly every GitHub call succeeds at once, and starting a driver for each
 * cost about as much as the call's own dispatch (bench/README.md).
 */
export const retryAfterFailure = <A, E, R, B, R2>(
  self: Effect.Effect<A, E, R>,
  schedule: LazyArg<Schedule.Schedule<B, E, R2>>
): Effect.Effect<A, E, R | R2> =>
  Effect.catchAll(self, (first) => {
    let replayed = false
    const again = Effect.suspend(() => {
      if (replayed) return self
      replayed = true
      return Effect.fail(first)
    })
    return Effect.retry(again, schedule())
  })
