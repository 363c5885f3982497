import { assert, describe, it } from "@effect/vitest"
import { Data, Effect } from "effect"
import {
  type BroadcastFailure,
  BroadcastOutcome,
  broadcastOutcomeOf,
  type CheckFailure,
  CheckOutcome,
  checkOutcomeOf,
  HotkeyNotRegisteredError,
  IdentityLockedError,
  InvalidPatError,
  Messages,
  StoreUnavailableError,
  TransientGitHubError
} from "@gittensor-pat/core"
import { alice, uid } from "./world.js"

/** A failure kind nobody has decided an outcome for. */
class UndecidedError extends Data.TaggedError("UndecidedError")<{}> {}

// Type-level proof, checked by `tsc -p packages/core`: a failure union with one more tag
// cannot go through either mapping, so adding a tag to `PipelineFailure` without deciding
// its outcome fails to compile. The functions are never called; only their types matter.
export const typeLevel = {
  check: (failure: CheckFailure | UndecidedError) =>
    // @ts-expect-error UndecidedError has no check outcome
    checkOutcomeOf(uid(0))(failure),
  broadcast: (failure: BroadcastFailure | UndecidedError) =>
    // @ts-expect-error UndecidedError has no broadcast outcome
    broadcastOutcomeOf(uid(0))(failure),
  pipeline: (program: Effect.Effect<never, BroadcastFailure | UndecidedError>): Effect.Effect<BroadcastOutcome> =>
    // @ts-expect-error the error channel keeps a tag the mapping does not handle
    Effect.catchAll(program, (failure: BroadcastFailure) => Effect.succeed(broadcastOutcomeOf(uid(0))(failure)))
}

const transient = (endpoint: "identity" | "test-query") => new TransientGitHubError({ endpoint, cause: "status", status: 503 })
const invalid = (endpoint: "identity" | "test-query") =>
  new InvalidPatError({ endpoint, reason: "unauthorized", message: Messages.graphqlStatus(401) })

describe("the one mapping from failure kind to outcome", () => {
  it("decides every check failure kind", () => {
    const decide = checkOutcomeOf(uid(7))
    const cases: ReadonlyArray<readonly [CheckFailure, CheckOutcome]> = [
      [new StoreUnavailableError({ operation: "read", detail: "EIO" }), CheckOutcome.StoreUnavailable()],
      [transient("identity"), CheckOutcome.Inconclusive({ step: "identity" })],
      [transient("test-query"), CheckOutcome.Inconclusive({ step: "test-query" })],
      [invalid("identity"), CheckOutcome.Invalid({ reason: "No Github id found for miner 7's PAT" })],
      [invalid("test-query"), CheckOutcome.Invalid({ reason: "PAT test query failed: GitHub GraphQL API returned 401" })]
    ]
    for (const [failure, outcome] of cases) assert.deepStrictEqual(decide(failure), outcome)
  })

  it("decides every broadcast failure kind, marking which rejections are worth a retry", () => {
    const decide = broadcastOutcomeOf(uid(7))
    const cases: ReadonlyArray<readonly [BroadcastFailure, string, boolean]> = [
      [new HotkeyNotRegisteredError({ hotkey: alice }), "Hotkey not registered on subnet", false],
      [new StoreUnavailableError({ operation: "write", detail: "ENOSPC" }), Messages.storeUnavailable, true],
      [new IdentityLockedError({ uid: uid(7) }), Messages.identityLocked, false],
      [transient("identity"), "Could not validate Github id for miner 7: GitHub /user lookup failed transiently", true],
      [transient("test-query"), Messages.broadcastRetryLater, true],
      [invalid("identity"), "No Github id found for miner 7's PAT", false],
      [invalid("test-query"), "PAT test query failed: GitHub GraphQL API returned 401", false]
    ]
    for (const [failure, reason, transient] of cases) {
      assert.deepStrictEqual(decide(failure), BroadcastOutcome.Rejected({ reason, transient }))
    }
  })
})
