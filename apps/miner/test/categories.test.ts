import { assert, describe, it } from "@effect/vitest"
import { FastCheck as fc, Option } from "effect"
import { broadcastFields, checkFields } from "@gittensor-pat/axon"
import { BroadcastOutcome, CheckOutcome, GitHubId } from "@gittensor-pat/core"
import {
  BroadcastCategories,
  broadcastCategory,
  CheckCategories,
  checkCategory,
  countCategories
} from "../src/categories.js"

const numRuns = 500
const nullableBoolean = fc.constantFrom(true, false, null, undefined)

describe("miner categories (docs/outcomes.md, How the miner files a check answer)", () => {
  // Every row a validator answers with (one per check outcome: axon's synapseFields test
  // pins which outcome gives which row), then a row with the fields missing.
  const rows = [
    ["valid (pat_valid true)", { has_pat: true, pat_valid: true }, "valid"],
    ["no_pat (has_pat false)", { has_pat: false, pat_valid: false }, "no_pat"],
    ["no_pat (has_pat false, store unavailable)", { has_pat: false, pat_valid: null }, "no_pat"],
    ["invalid_pat (has_pat true, pat_valid false)", { has_pat: true, pat_valid: false }, "invalid_pat"],
    ["inconclusive (has_pat true, pat_valid null)", { has_pat: true, pat_valid: null }, "inconclusive"],
    ["no_response (fields missing)", {}, "no_response"]
  ] as const
  for (const [name, response, category] of rows) {
    it(name, () => assert.strictEqual(checkCategory(Option.some(response)), category))
  }

  it("no_response (no answer, non-200)", () => {
    assert.strictEqual(checkCategory(Option.none()), "no_response")
    assert.strictEqual(broadcastCategory(Option.none()), "no_response")
  })

  it("every check outcome lands in the category its wire fields name", () => {
    const expected = [
      [CheckOutcome.StoreUnavailable(), "no_pat"],
      [CheckOutcome.NoPat(), "no_pat"],
      [CheckOutcome.Inconclusive({ step: "identity" }), "inconclusive"],
      [CheckOutcome.Inconclusive({ step: "test-query" }), "inconclusive"],
      [CheckOutcome.Invalid({ reason: "PAT test query failed: x" }), "invalid_pat"],
      [CheckOutcome.Valid(), "valid"]
    ] as const
    for (const [outcome, category] of expected) {
      assert.strictEqual(checkCategory(Option.some(checkFields(outcome))), category)
    }
  })

  it("broadcast answers: accepted, rejected, or no_response", () => {
    assert.strictEqual(broadcastCategory(Option.some({ accepted: true, rejection_reason: null })), "accepted")
    assert.strictEqual(broadcastCategory(Option.some({ accepted: false, rejection_reason: "r" })), "rejected")
    assert.strictEqual(broadcastCategory(Option.some({ accepted: null })), "no_response")
    assert.strictEqual(broadcastCategory(Option.some(broadcastFields(BroadcastOutcome.Accepted({ githubId: GitHubId.make("1") })))), "accepted")
    assert.strictEqual(
      broadcastCategory(Option.some(broadcastFields(BroadcastOutcome.Rejected({ reason: "r", transient: true })))),
      "rejected"
    )
  })

  it.prop(
    "a check category follows the rules of docs/outcomes.md in order for any field values",
    [fc.option(fc.record({ has_pat: nullableBoolean, pat_valid: nullableBoolean }), { nil: undefined })],
    ([response]) => {
      const category = checkCategory(Option.fromNullable(response))
      const oracle =
        response === undefined
          ? "no_response"
          : response.pat_valid === true
            ? "valid"
            : response.has_pat === false
              ? "no_pat"
              : response.has_pat === true && response.pat_valid === false
                ? "invalid_pat"
                : response.has_pat === true && (response.pat_valid === null || response.pat_valid === undefined)
                  ? "inconclusive"
                  : "no_response"
      assert.strictEqual(category, oracle)
    },
    { fastCheck: { numRuns } }
  )

  it.prop(
    "counts cover every category, sum to the answers, and match a recount",
    [fc.array(fc.constantFrom(...CheckCategories), { maxLength: 50 }), fc.array(fc.constantFrom(...BroadcastCategories), { maxLength: 50 })],
    ([checks, broadcasts]) => {
      const checkCounts = countCategories(CheckCategories, checks)
      assert.deepStrictEqual(Object.keys(checkCounts), [...CheckCategories])
      for (const category of CheckCategories) {
        assert.strictEqual(checkCounts[category], checks.filter((c) => c === category).length)
      }
      const broadcastCounts = countCategories(BroadcastCategories, broadcasts)
      assert.deepStrictEqual(Object.keys(broadcastCounts), [...BroadcastCategories])
      assert.strictEqual(
        Object.values(broadcastCounts).reduce((a, b) => a + b, 0),
        broadcasts.length
      )
    },
    { fastCheck: { numRuns } }
  )

  it("counts of nothing are all zero", () => {
    assert.deepStrictEqual(countCategories(CheckCategories, []), {
      valid: 0,
      no_pat: 0,
      invalid_pat: 0,
      inconclusive: 0,
      no_response: 0
    })
  })
})
