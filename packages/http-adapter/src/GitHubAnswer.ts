import { type GitHubEndpoint, InvalidPatError, TransientGitHubError } from "@gittensor-pat/core"
import { Option } from "effect"

/** What GitHub said to one request, as plain data: the input of the classifiers. */
export interface GitHubAnswer {
  readonly status: number
  /** Header names in lower case, as HTTP clients hand them over. */
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly body: string
}

/** Either verdict of a conclusive or inconclusive GitHub answer. */
export type GitHubFailure = TransientGitHubError | InvalidPatError

/** "rate limit" in any case, wherever docs/outcomes.md looks for it. */
export const mentionsRateLimit = (text: string): boolean => text.toLowerCase().includes("rate limit")

/**
 * A 403 that is GitHub throttling, not refusing: the quota header is at zero or the body
 * talks about a rate limit (GitHub's secondary limits only say so in the message).
 */
export const isRateLimited403 = (answer: GitHubAnswer): boolean =>
  answer.status === 403 &&
  (answer.headers["x-ratelimit-remaining"]?.trim() === "0" || mentionsRateLimit(answer.body))

/** `retry-after` in milliseconds, when GitHub sent it as delta-seconds (the form it uses). */
export const retryAfterMs = (answer: GitHubAnswer): number | undefined => {
  const text = answer.headers["retry-after"]?.trim()
  if (text === undefined || !/^\d+$/.test(text)) return undefined
  return Number(text) * 1000
}

/** A transient failure carrying the status and GitHub's requested wait, if any. */
export const transient = (
  endpoint: GitHubEndpoint,
  cause: TransientGitHubError["cause"],
  answer?: GitHubAnswer
): TransientGitHubError => {
  const wait = answer === undefined ? undefined : retryAfterMs(answer)
  return new TransientGitHubError({
    endpoint,
    cause,
    ...(answer === undefined ? {} : { status: answer.status }),
    ...(wait === undefined ? {} : { retryAfterMs: wait })
  })
}

/**
 * The verdict on any answer that is not a 200, shared by both endpoints (the tables of
 * docs/outcomes.md, "The test query" and "The identity lookup", agree on it): 5xx, 408, 429 and throttling 403 are transient, any other 4xx is invalid
 * with `invalidMessage`, and every other non-200 status is transient. `None` for a 200,
 * whose body each endpoint judges itself.
 */
export const judgeStatus = (
  endpoint: GitHubEndpoint,
  answer: GitHubAnswer,
  invalidMessage: (status: number) => string
): Option.Option<GitHubFailure> => {
  const { status } = answer
  if (status === 200) return Option.none()
  if (status === 429 || isRateLimited403(answer)) {
    return Option.some(transient(endpoint, "rate-limit", answer))
  }
  if (status >= 400 && status < 500 && status !== 408) {
    return Option.some(
      new InvalidPatError({ endpoint, reason: "unauthorized", message: invalidMessage(status) })
    )
  }
  return Option.some(transient(endpoint, "status", answer))
}
