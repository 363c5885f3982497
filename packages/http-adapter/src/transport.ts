import type { GitHubEndpoint, TransientGitHubError } from "@gittensor-pat/core"
import type { Effect } from "effect"
import type { GitHubAnswer } from "./GitHubAnswer.js"

/** How long one attempt may take, and what running out of it means. */
export interface AttemptBudget {
  readonly millis: number
  /** `deadline` when the caller's deadline, not the attempt timeout, set the limit. */
  readonly cause: "timeout" | "deadline"
}

/** One request to GitHub, its path relative to the API root. */
export interface GitHubCall {
  readonly method: "GET" | "POST"
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  readonly body?: string
}

/**
 * Sends one call and reads its answer within `budget`. Every way of not getting an answer
 * (refused, reset, DNS, TLS, a body cut short, time up) is transient; any status with its
 * body is handed back for the classifiers to judge.
 */
export type Send = (call: GitHubCall, budget: AttemptBudget) => Effect.Effect<GitHubAnswer, TransientGitHubError>

/** A way of reaching GitHub: the API root and user agent are the transport's to add. */
export type Transport = (endpoint: GitHubEndpoint) => Send

const decoder = new TextDecoder()

/** The first `maxBytes` of a body read in `parts`, as text. */
export const cappedText = (parts: ReadonlyArray<Uint8Array>, maxBytes: number): string => {
  // Most answers arrive in one chunk, which needs no copy.
  if (parts.length === 1) return decoder.decode(parts[0]!.subarray(0, maxBytes))
  const bytes = new Uint8Array(parts.reduce((size, part) => size + part.length, 0))
  let offset = 0
  for (const part of parts) {
    bytes.set(part, offset)
    offset += part.length
  }
  return decoder.decode(bytes.subarray(0, maxBytes))
}
