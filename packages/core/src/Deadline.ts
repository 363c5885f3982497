import { Clock, Duration, Effect, FiberRef, Option } from "effect"
import { TransientGitHubError, type GitHubEndpoint } from "./errors.js"

/** An absolute point in time (epoch milliseconds) by which a request must be answered. */
export type Deadline = number & { readonly Deadline: unique symbol }

/** The deadline `duration` from now. */
export const after = (duration: Duration.DurationInput): Effect.Effect<Deadline> =>
  Effect.map(Clock.currentTimeMillis, (now) => (now + Duration.toMillis(duration)) as Deadline)

/** The deadline of the fiber that is running, if a caller set one. */
export const current: FiberRef.FiberRef<Option.Option<Deadline>> = FiberRef.unsafeMake(
  Option.none<Deadline>()
)

/** Milliseconds left before the current deadline (never negative), if there is one. */
export const remaining: Effect.Effect<Option.Option<number>> = Effect.flatMap(
  FiberRef.get(current),
  (deadline) =>
    Option.match(deadline, {
      onNone: () => Effect.succeed(Option.none()),
      onSome: (at) =>
        Effect.map(Clock.currentTimeMillis, (now) => Option.some(Math.max(0, at - now)))
    })
)

/**
 * Runs a GitHub call under `deadline`: the call can read the deadline (to cap its own
 * retries and attempt timeouts), and running out of time fails it as transient.
 */
export const bound =
  (deadline: Deadline, endpoint: GitHubEndpoint) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E | TransientGitHubError, R> =>
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      // A race rather than `Effect.timeoutFail`: a timeout defers interruption until it
      // settles, so a caller that no longer needs the answer would still wait for the deadline.
      Effect.raceFirst(
        Effect.locally(self, current, Option.some(deadline)),
        Effect.zipRight(
          Effect.sleep(Duration.millis(Math.max(0, deadline - now))),
          // Built only when time runs out: an error's stack capture is a measurable cost per call.
          Effect.failSync(() => new TransientGitHubError({ endpoint, cause: "deadline" }))
        )
      )
    )
