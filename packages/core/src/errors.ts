import { Data } from "effect"
import type { Hotkey, Uid } from "./domain.js"

/** Which GitHub call a failure came from. */
export type GitHubEndpoint = "identity" | "test-query"

/**
 * GitHub could not give a conclusive answer: a 5xx, a timeout, a transport failure,
 * a rate limit, an unparseable body, or the caller's deadline ran out. Never means
 * the token is bad.
 */
export class TransientGitHubError extends Data.TaggedError("TransientGitHubError")<{
  readonly endpoint: GitHubEndpoint
  readonly cause: "status" | "timeout" | "transport" | "rate-limit" | "bad-json" | "deadline"
  readonly status?: number
  /** Milliseconds GitHub asked us to wait (`retry-after`), when it said so. */
  readonly retryAfterMs?: number
}> {}

/**
 * GitHub answered conclusively that the token cannot be used. `message` is the
 * text for the miner (for the test query, its row in docs/outcomes.md, "The test query").
 */
export class InvalidPatError extends Data.TaggedError("InvalidPatError")<{
  readonly endpoint: GitHubEndpoint
  readonly reason: "empty" | "unauthorized" | "no-identity" | "graphql-error" | "missing-scope"
  readonly message: string
}> {}

/** The PAT store could not be read or written; nothing was changed. */
export class StoreUnavailableError extends Data.TaggedError("StoreUnavailableError")<{
  readonly operation: "read" | "write"
  readonly detail: string
}> {}

/** This hotkey already pinned a different GitHub account on its uid. */
export class IdentityLockedError extends Data.TaggedError("IdentityLockedError")<{
  readonly uid: Uid
}> {}

/** The hotkey is not in the metagraph. */
export class HotkeyNotRegisteredError extends Data.TaggedError("HotkeyNotRegisteredError")<{
  readonly hotkey: Hotkey
}> {}

/** Every failure a pipeline can meet; the outcome mapping must decide each one. */
export type PipelineFailure =
  | TransientGitHubError
  | InvalidPatError
  | StoreUnavailableError
  | IdentityLockedError
  | HotkeyNotRegisteredError
