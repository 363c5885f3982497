import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { CheckOutcome, checkPat, Deadline, type Hotkey, Messages } from "@gittensor-pat/core"
import { Answer, InMemoryPatStore, ScriptedGitHub, type TokenScript } from "@gittensor-pat/core/testing"
import { alice, bob, githubId, stored, stranger, uid, world } from "./world.js"

const token = "ghp_aliceToken000000000000000000000001"
const aliceEntry = stored(0, alice, token, "1001")
const ok = { identity: Answer.succeed(githubId("1001")), testQuery: Answer.succeed("alice") }

const noPat = CheckOutcome.NoPat()

interface Row {
  readonly hotkey?: Hotkey
  readonly entries?: ReadonlyArray<ReturnType<typeof stored>>
  readonly readFault?: boolean
  readonly script?: TokenScript
  readonly expected: CheckOutcome
}

/**
 * One row of docs/outcomes.md, "Checks": a check by `hotkey` in the given world ends in `expected`, and writes
 * nothing. The outcome's wire row is pinned next to the mapping, in axon's synapseFields test.
 */
const row = (name: string, { hotkey = alice, entries = [aliceEntry], readFault = false, script = ok, expected }: Row) =>
  it.effect(name, () =>
    Effect.gen(function* () {
      const outcome = yield* checkPat(hotkey, yield* Deadline.after("10 seconds"))
      assert.deepStrictEqual(outcome, expected)
      assert.strictEqual(yield* (yield* InMemoryPatStore).writes, 0)
    }).pipe(Effect.provide(world({ store: { entries, faults: { read: readFault } }, github: { [token]: script } })))
  )

describe("PatCheckSynapse (docs/outcomes.md, Checks)", () => {
  row("PAT store unreadable (corrupt JSON, I/O error) → the store-unavailable row", {
    readFault: true,
    expected: CheckOutcome.StoreUnavailable()
  })
  row("no entry for the caller's uid → No PAT stored", { hotkey: bob, expected: noPat })
  row("the entry's hotkey differs (a new miner on the uid) → No PAT stored", {
    hotkey: bob,
    entries: [stored(1, alice, token, "1001")],
    expected: noPat
  })
  row("an unregistered hotkey has no entry → No PAT stored, even with the store unreadable", {
    hotkey: stranger,
    readFault: true,
    expected: noPat
  })
  // The test query's conclusive "invalid" must not outrank the identity's transient answer.
  row("identity transient → inconclusive at the identity, retry the check", {
    script: {
      identity: Answer.transient("status", 502),
      testQuery: Answer.invalid("unauthorized", Messages.graphqlStatus(401))
    },
    expected: CheckOutcome.Inconclusive({ step: "identity" })
  })
  row("identity invalid → invalid: No Github id found for miner <uid>'s PAT", {
    script: { identity: Answer.invalid("unauthorized", "401"), testQuery: Answer.transient("timeout") },
    expected: CheckOutcome.Invalid({ reason: "No Github id found for miner 0's PAT" })
  })
  row("test query transient → inconclusive at the test query, retry the check", {
    script: { ...ok, testQuery: Answer.transient("rate-limit", 403) },
    expected: CheckOutcome.Inconclusive({ step: "test-query" })
  })
  row("both fine → valid", { expected: CheckOutcome.Valid() })

  it.effect("an absent entry is decided without asking GitHub; a stored one asks both questions once", () =>
    Effect.gen(function* () {
      const deadline = yield* Deadline.after("10 seconds")
      yield* checkPat(bob, deadline)
      assert.strictEqual((yield* (yield* ScriptedGitHub).calls).length, 0)
      yield* checkPat(alice, deadline)
      const calls = yield* (yield* ScriptedGitHub).calls
      assert.deepStrictEqual(calls.map((c) => c.endpoint).sort(), ["identity", "test-query"])
      assert.strictEqual(Messages.noGitHubId(uid(0)), "No Github id found for miner 0's PAT")
    }).pipe(Effect.provide(world({ store: { entries: [aliceEntry] }, github: { [token]: ok } })))
  )
})

describe("test query invalid → PAT test query failed: <message of the test query table>", () => {
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
  for (const [name, reason, message, text] of rows) {
    row(name, {
      script: { ...ok, testQuery: Answer.invalid(reason, message) },
      expected: CheckOutcome.Invalid({ reason: `PAT test query failed: ${text}` })
    })
  }
})
