import { Deadline, type GitHubEndpoint, type TransientGitHubError } from "@gittensor-pat/core"
import { Effect, Either, Option, Random } from "effect"
import type { AttemptBudget } from "./transport.js"
import { type GitHubFailure, transient } from "./GitHubAnswer.js"

/**
 * Time kept back from the caller's deadline, so that a call which runs out of time
 * returns its own transient verdict before the caller's timer fires, not at it.
 */
export const deadlineMarginMs = 50

/** The shortest attempt worth starting after a backoff; less could only time out. */
const minAttemptMs = 100

/** When and how often one GitHub call is tried again. */
export interface RetryPolicy {
  readonly endpoint: GitHubEndpoint
  readonly attemptTimeoutMs: number
  /** Retries after the first attempt, at most (the deadline may allow fewer). */
  readonly retries: number
  readonly baseDelayMs: number
  readonly maxDelayMs: number
  /** Which transient failures are worth another attempt. */
  readonly retryWhen: (error: TransientGitHubError) => boolean
}

/** The attempt timeout, capped by what the caller's deadline leaves (less the margin). */
export const attemptBudget = (
  policy: RetryPolicy
): Effect.Effect<AttemptBudget, TransientGitHubError> =>
  Effect.flatMap(Deadline.remaining, (remaining) => {
    if (Option.isNone(remaining)) {
      return Effect.succeed({ millis: policy.attemptTimeoutMs, cause: "timeout" as const })
    }
    const left = remaining.value - deadlineMarginMs
    if (left <= 0) return Effect.fail(transient(policy.endpoint, "deadline"))
    return Effect.succeed(
      left < policy.attemptTimeoutMs
        ? { millis: left, cause: "deadline" as const }
        : { millis: policy.attemptTimeoutMs, cause: "timeout" as const }
    )
  })

/** Exponential backoff with jitter, never shorter than GitHub's `retry-after`. */
const backoffMs = (policy: RetryPolicy, retry: number, error: TransientGitHubError) =>
  Effect.map(Random.next, (jitter) => {
    const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry)
    return Math.max(exponential * (0.5 + jitter / 2), error.retryAfterMs ?? 0)
  })

/**
 * Whether a wait of `delayMs` still leaves time for a worthwhile attempt. Without a
 * deadline, a wait longer than one attempt may take (a `retry-after: 3600`) is not.
 */
const fitsDeadline = (policy: RetryPolicy, delayMs: number) =>
  Effect.map(Deadline.remaining, (remaining) =>
    Option.match(remaining, {
      onNone: () => delayMs <= policy.attemptTimeoutMs,
      onSome: (left) => left - deadlineMarginMs - delayMs >= minAttemptMs
    })
  )

/**
 * Runs `attempt` until it succeeds, fails conclusively, or retrying stops paying off: the
 * retries are spent, the failure is not one `policy` retries, or the wait (backoff or
 * `retry-after`) would not leave time for an attempt before the caller's deadline. The
 * last failure is the result, so running out of time is always transient.
 */
export const retryWithinDeadline = <A>(
  policy: RetryPolicy,
  attempt: (budget: AttemptBudget) => Effect.Effect<A, GitHubFailure>
): Effect.Effect<A, GitHubFailure> =>
  Effect.gen(function* () {
    for (let retry = 0; ; retry++) {
      const budget = yield* attemptBudget(policy)
      const result = yield* Effect.either(attempt(budget))
      if (Either.isRight(result)) return result.right
      const error = result.left
      if (error._tag === "InvalidPatError" || retry >= policy.retries || !policy.retryWhen(error)) {
        return yield* error
      }
      const delayMs = yield* backoffMs(policy, retry, error)
      if (!(yield* fitsDeadline(policy, delayMs))) return yield* error
      yield* Effect.logDebug("GitHub answer was transient; retrying").pipe(
        Effect.annotateLogs({ endpoint: policy.endpoint, cause: error.cause, delayMs: Math.round(delayMs) })
      )
      yield* Effect.sleep(delayMs)
    }
  })
