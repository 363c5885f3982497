import type { Deadline, GitHubEndpoint, TransientGitHubError } from "@gittensor-pat/core"
import { Clock, Duration, Effect, Schedule } from "effect"
import type { GitHubFailure } from "./GitHubAnswer.js"

/**
 * Time kept back from the caller's deadline, so that a call which runs out of time
 * returns its own transient verdict before the caller's deadline, not at it.
 */
export const deadlineMarginMs = 50

/** The shortest attempt worth starting after a backoff; less could only time out. */
const minAttemptMs = 100

/** When and how often one GitHub call is tried again. */
export interface RetryPolicy {
  readonly endpoint: GitHubEndpoint
  /** Retries after the first attempt, at most (the deadline may allow fewer). */
  readonly retries: number
  readonly baseDelay: Duration.Duration
  readonly maxDelay: Duration.Duration
  /** Which transient failures are worth another attempt. */
  readonly retryWhen: (error: TransientGitHubError) => boolean
}

const retryable = (policy: RetryPolicy) => (error: GitHubFailure): boolean =>
  error._tag === "TransientGitHubError" && policy.retryWhen(error)

const retryAfter = (error: GitHubFailure): Duration.Duration =>
  Duration.millis(error._tag === "TransientGitHubError" ? (error.retryAfterMs ?? 0) : 0)

/**
 * The retries of one GitHub call: a jittered exponential backoff (half to all of the
 * doubling delay, capped), never shorter than GitHub's `retry-after`, only while the failure
 * is a transient one the policy retries, and only while the wait still leaves time for a
 * worthwhile attempt before `deadline` (less the margin). The last failure is then the
 * call's result, so running out of time is always transient. Each retry is logged (Debug).
 */
export const retrySchedule = (policy: RetryPolicy, deadline: Deadline.Deadline): Schedule.Schedule<Duration.Duration, GitHubFailure> =>
  Schedule.exponential(policy.baseDelay).pipe(
    Schedule.jitteredWith({ min: 0.5, max: 1 }),
    Schedule.modifyDelay((_, delay) => Duration.min(delay, policy.maxDelay)),
    Schedule.intersect(Schedule.recurs(policy.retries)),
    Schedule.intersect(Schedule.identity<GitHubFailure>()),
    Schedule.modifyDelay(([, error], delay) => Duration.max(delay, retryAfter(error))),
    Schedule.whileInput(retryable(policy)),
    Schedule.delays,
    Schedule.checkEffect((error, delay) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        deadline - deadlineMarginMs - now - Duration.toMillis(delay) >= minAttemptMs
          ? Effect.as(logRetry(policy.endpoint, error, delay), true)
          : Effect.succeed(false)
      )
    )
  )

const logRetry = (endpoint: GitHubEndpoint, error: GitHubFailure, delay: Duration.Duration) =>
  Effect.logDebug("GitHub answer was transient; retrying").pipe(
    Effect.annotateLogs({
      endpoint,
      cause: error._tag === "TransientGitHubError" ? error.cause : error.reason,
      delayMs: Math.round(Duration.toMillis(delay))
    })
  )
