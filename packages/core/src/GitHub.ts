import { Context, type Effect } from "effect"
import type { Deadline } from "./Deadline.js"
import type { GitHubId, Pat } from "./domain.js"
import type { InvalidPatError, TransientGitHubError } from "./errors.js"

/**
 * The two questions the validator asks GitHub about a token. Each call is answered by its
 * `deadline`, whatever GitHub does: an implementation that has no conclusive answer by then
 * (GitHub slow, hanging, retried out) fails with a `TransientGitHubError` whose cause is
 * `deadline`. Every error names the endpoint of the call that failed: the pipelines choose
 * the miner's message by it.
 */
export class GitHub extends Context.Tag("@gittensor-pat/core/GitHub")<
  GitHub,
  {
    /** `GET /user`: whose token is this? (docs/outcomes.md, "The identity lookup") */
    readonly identity: (pat: Pat, deadline: Deadline) => Effect.Effect<GitHubId, TransientGitHubError | InvalidPatError>
    /** GraphQL `{ viewer { login } }`: can it run scoring queries? Succeeds with the login. (docs/outcomes.md, "The test query") */
    readonly testQuery: (pat: Pat, deadline: Deadline) => Effect.Effect<string, TransientGitHubError | InvalidPatError>
  }
>() {}
