import { Context, type Effect } from "effect"
import type { GitHubId, Pat } from "./domain.js"
import type { InvalidPatError, TransientGitHubError } from "./errors.js"

/**
 * The two questions the validator asks GitHub about a token. Implementations read the
 * caller's deadline from `Deadline.current` and never retry past it. Every error names the
 * endpoint of the call that failed: the pipelines choose the miner's message by it.
 */
export class GitHub extends Context.Tag("@gittensor-pat/core/GitHub")<
  GitHub,
  {
    /** `GET /user`: whose token is this? (CONTRACT §3) */
    readonly identity: (pat: Pat) => Effect.Effect<GitHubId, TransientGitHubError | InvalidPatError>
    /** GraphQL `{ viewer { login } }`: can it run scoring queries? Succeeds with the login. (CONTRACT §2) */
    readonly testQuery: (pat: Pat) => Effect.Effect<string, TransientGitHubError | InvalidPatError>
  }
>() {}
