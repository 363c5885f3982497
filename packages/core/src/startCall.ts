import { Cause, Effect, Exit, Fiber } from "effect"
import { type GitHubEndpoint, TransientGitHubError } from "./errors.js"

/** A GitHub call under way in a fiber of its own. */
export interface StartedCall<A, E> {
  /** Waits for its answer. A call interrupted from outside gave none: that is transient. */
  readonly answer: Effect.Effect<A, E | TransientGitHubError>
  /** Stops it, without waiting: its answer can no longer decide anything. */
  readonly cancel: Effect.Effect<void>
}

/**
 * Starts a GitHub call in a fiber of its own. The pipelines start both of a request's calls
 * so: they run at once, each answer is awaited only when the order of docs/outcomes.md reaches it,
 * and a call can be cut short from outside (a server whose shutdown grace ran out) without
 * cutting short the request that made it. A call still running when its request ends is
 * interrupted with it.
 */
export const startCall = <A, E>(endpoint: GitHubEndpoint, call: Effect.Effect<A, E>): Effect.Effect<StartedCall<A, E>> =>
  Effect.map(Effect.fork(call), (fiber) => ({
    answer: Effect.flatMap(
      Fiber.await(fiber),
      (exit): Effect.Effect<A, E | TransientGitHubError> =>
        Exit.isFailure(exit) && Cause.isInterruptedOnly(exit.cause) ? Effect.fail(new TransientGitHubError({ endpoint, cause: "deadline" })) : exit
    ),
    cancel: Fiber.interruptFork(fiber)
  }))
