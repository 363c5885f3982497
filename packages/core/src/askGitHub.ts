import { Effect } from "effect"
import type * as Deadline from "./Deadline.js"
import type { GitHubId, Pat } from "./domain.js"
import type { InvalidPatError, TransientGitHubError } from "./errors.js"
import { GitHub } from "./GitHub.js"
import { type StartedCall, startCall } from "./startCall.js"

/** Identity's answer, and the test query still under way. */
export interface IdentityAnswered {
  readonly githubId: GitHubId
  readonly testQuery: StartedCall<string, TransientGitHubError | InvalidPatError>
}

/**
 * Asks GitHub both questions about `pat` at once and waits for identity's answer, which
 * outranks the test query's: an identity failure decides on its own and cuts the pending test
 * query short. On success the test query is left running, for the pipeline to await when its
 * order reaches it, or to cancel when an earlier step decides.
 */
export const askGitHub = (
  pat: Pat,
  deadline: Deadline.Deadline
): Effect.Effect<IdentityAnswered, TransientGitHubError | InvalidPatError, GitHub> =>
  Effect.gen(function* () {
    const github = yield* GitHub
    const testQuery = yield* startCall("test-query", github.testQuery(pat, deadline))
    const identity = yield* startCall("identity", github.identity(pat, deadline))
    const githubId = yield* Effect.tapError(identity.answer, () => testQuery.cancel)
    return { githubId, testQuery }
  })
