import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { checkFields, checkPat, Deadline, Messages } from "@gittensor-pat/core"
import { Answer, InMemoryPatStore, ScriptedGitHub } from "@gittensor-pat/core/testing"
import { alice, bob, githubId, stored, stranger, uid, world } from "./world.js"

const token = "ghp_aliceToken000000000000000000000001"
const aliceEntry = stored(0, alice, token, "1001")
const ok = { identity: Answer.succeed(githubId("1001")), testQuery: Answer.succeed("alice") }

const check = (hotkey = alice) =>
  Effect.flatMap(Deadline.after("10 seconds"), (deadline) => Effect.map(checkPat(hotkey, deadline), checkFields))

describe("CONTRACT §4 PatCheckSynapse", () => {
  it.effect("PAT store unreadable (corrupt JSON, I/O error) → has_pat false, pat_valid null, store message", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(yield* check(), {
        has_pat: false,
        pat_valid: null,
        rejection_reason: Messages.storeUnavailable
      })
    }).pipe(Effect.provide(world({ store: { entries: [aliceEntry], faults: { read: true } }, github: { [token]: ok } })))
  )

  it.effect("no entry for the caller's uid → has_pat false, pat_valid false, No PAT stored", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(yield* check(bob), { has_pat: false, pat_valid: false, rejection_reason: Messages.noPat })
      assert.strictEqual((yield* (yield* ScriptedGitHub).calls).length, 0)
    }).pipe(Effect.provide(world({ store: { entries: [aliceEntry] }, github: { [token]: ok } })))
  )

  it.effect("the entry's hotkey differs (a new miner on the uid) → No PAT stored", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(yield* check(bob), { has_pat: false, pat_valid: false, rejection_reason: Messages.noPat })
    }).pipe(Effect.provide(world({ store: { entries: [stored(1, alice, token, "1001")] }, github: { [token]: ok } })))
  )

  it.effect("an unregistered hotkey has no entry → No PAT stored, even with the store unreadable", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(yield* check(stranger), {
        has_pat: false,
        pat_valid: false,
        rejection_reason: Messages.noPat
      })
    }).pipe(Effect.provide(world({ store: { faults: { read: true } } })))
  )

  it.effect("identity transient → has_pat true, pat_valid null, retry the check", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(yield* check(), {
        has_pat: true,
        pat_valid: null,
        rejection_reason: Messages.checkRetryLater
      })
    }).pipe(
      Effect.provide(
        world({
          store: { entries: [aliceEntry] },
          // The test query's conclusive "invalid" must not outrank the identity's transient answer.
          github: {
            [token]: {
              identity: Answer.transient("status", 502),
              testQuery: Answer.invalid("unauthorized", Messages.graphqlStatus(401))
            }
          }
        })
      )
    )
  )

  it.effect("identity invalid → has_pat true, pat_valid false, No Github id found for miner <uid>'s PAT", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(yield* check(), {
        has_pat: true,
        pat_valid: false,
        rejection_reason: Messages.noGitHubId(uid(0))
      })
      assert.strictEqual(Messages.noGitHubId(uid(0)), "No Github id found for miner 0's PAT")
    }).pipe(
      Effect.provide(
        world({
          store: { entries: [aliceEntry] },
          github: {
            [token]: {
              identity: Answer.invalid("unauthorized", "401"),
              testQuery: Answer.transient("timeout")
            }
          }
        })
      )
    )
  )

  it.effect("test query transient → has_pat true, pat_valid null, retry the check", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(yield* check(), {
        has_pat: true,
        pat_valid: null,
        rejection_reason: Messages.checkRetryLater
      })
    }).pipe(
      Effect.provide(
        world({
          store: { entries: [aliceEntry] },
          github: { [token]: { ...ok, testQuery: Answer.transient("rate-limit", 403) } }
        })
      )
    )
  )

  it.effect("both fine → has_pat true, pat_valid true, no reason; both questions asked once", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(yield* check(), { has_pat: true, pat_valid: true, rejection_reason: null })
      const calls = yield* (yield* ScriptedGitHub).calls
      assert.deepStrictEqual(calls.map((c) => c.endpoint).sort(), ["identity", "test-query"])
      assert.strictEqual(yield* (yield* InMemoryPatStore).writes, 0)
    }).pipe(Effect.provide(world({ store: { entries: [aliceEntry] }, github: { [token]: ok } })))
  )
})

describe("CONTRACT §4 test query invalid → PAT test query failed: <message from §2>", () => {
  const rows = [
    ["any other 4xx (401, 403, 404, …)", "unauthorized", Messages.graphqlStatus(401), "GitHub GraphQL API returned 401"],
    ["any other 4xx: 404", "unauthorized", Messages.graphqlStatus(404), "GitHub GraphQL API returned 404"],
    ["200 with a non-empty errors array", "graphql-error", Messages.graphqlError("Bad credentials"), "GraphQL error: Bad credentials"],
    ["200 with errors[0] lacking a message", "graphql-error", Messages.graphqlError(undefined), "GraphQL error: unknown"],
    [
      "200 with data.viewer null (fine-grained PAT without access)",
      "missing-scope",
      Messages.missingScope,
      "Fine-grained PATs need 'Public Repositories (read-only)' permission"
    ]
  ] as const
  for (const [row, reason, message, text] of rows) {
    it.effect(row, () =>
      Effect.gen(function* () {
        assert.strictEqual(message, text)
        assert.deepStrictEqual(yield* check(), {
          has_pat: true,
          pat_valid: false,
          rejection_reason: `PAT test query failed: ${text}`
        })
      }).pipe(
        Effect.provide(
          world({
            store: { entries: [aliceEntry] },
            github: { [token]: { ...ok, testQuery: Answer.invalid(reason, message) } }
          })
        )
      )
    )
  }
})
