import { assert, describe, it } from "@effect/vitest"
import { BroadcastOutcome, CheckOutcome, GitHubId, Messages, Uid } from "@gittensor-pat/core"
import { FastCheck } from "effect"
import { type BroadcastFields, broadcastFields, type CheckFields, checkFields } from "../src/index.js"

const uid = Uid.make(7)
const retryCheck = "GitHub API temporarily unavailable; retry the check in a few minutes."
const storeUnavailable = "Validator PAT store temporarily unavailable; please retry."

// Each row: the situation of docs/outcomes.md, the outcome the core reaches there, the row it answers
// with. Texts are spelled out, so a changed message fails here as well as over the wire.
const checkRows: ReadonlyArray<readonly [string, CheckOutcome, CheckFields]> = [
  [
    "PAT store unreadable",
    CheckOutcome.StoreUnavailable(),
    { has_pat: false, pat_valid: null, rejection_reason: storeUnavailable }
  ],
  [
    "no entry for the caller's uid, or the entry's hotkey differs",
    CheckOutcome.NoPat(),
    { has_pat: false, pat_valid: false, rejection_reason: "No PAT stored for this miner" }
  ],
  [
    "identity transient",
    CheckOutcome.Inconclusive({ step: "identity" }),
    { has_pat: true, pat_valid: null, rejection_reason: retryCheck }
  ],
  [
    "identity invalid",
    CheckOutcome.Invalid({ reason: Messages.noGitHubId(uid) }),
    { has_pat: true, pat_valid: false, rejection_reason: "No Github id found for miner 7's PAT" }
  ],
  [
    "test query transient",
    CheckOutcome.Inconclusive({ step: "test-query" }),
    { has_pat: true, pat_valid: null, rejection_reason: retryCheck }
  ],
  [
    "test query invalid",
    CheckOutcome.Invalid({ reason: Messages.testQueryFailed(Messages.graphqlStatus(401)) }),
    { has_pat: true, pat_valid: false, rejection_reason: "PAT test query failed: GitHub GraphQL API returned 401" }
  ],
  ["both fine", CheckOutcome.Valid(), { has_pat: true, pat_valid: true, rejection_reason: null }]
]

const rejected = (reason: string, transient: boolean) => BroadcastOutcome.Rejected({ reason, transient })

const broadcastRows: ReadonlyArray<readonly [string, BroadcastOutcome, BroadcastFields]> = [
  [
    "1. hotkey not registered",
    rejected(Messages.notRegistered, false),
    { accepted: false, rejection_reason: "Hotkey not registered on subnet" }
  ],
  [
    "2. identity lookup invalid",
    rejected(Messages.noGitHubId(uid), false),
    { accepted: false, rejection_reason: "No Github id found for miner 7's PAT" }
  ],
  [
    "2. identity lookup transient",
    rejected(Messages.identityTransient(uid), true),
    {
      accepted: false,
      rejection_reason: "Could not validate Github id for miner 7: GitHub /user lookup failed transiently"
    }
  ],
  [
    "3. identity pin",
    rejected(Messages.identityLocked, false),
    {
      accepted: false,
      rejection_reason:
        "GitHub identity is locked for this hotkey. Deregister and re-register to change GitHub accounts."
    }
  ],
  [
    "4. test query invalid",
    rejected(Messages.testQueryFailed(Messages.graphqlError("Bad credentials")), false),
    { accepted: false, rejection_reason: "PAT test query failed: GraphQL error: Bad credentials" }
  ],
  [
    "4. test query transient",
    rejected(Messages.broadcastRetryLater, true),
    {
      accepted: false,
      rejection_reason:
        "GitHub API temporarily unavailable; the PAT was not evaluated. Retry the broadcast in a few minutes."
    }
  ],
  [
    "5. store unreadable or unwritable",
    rejected(Messages.storeUnavailable, true),
    { accepted: false, rejection_reason: storeUnavailable }
  ],
  [
    "success",
    BroadcastOutcome.Accepted({ githubId: GitHubId.make("1001") }),
    { accepted: true, rejection_reason: null }
  ]
]

describe("docs/outcomes.md, Checks: a check outcome on the wire", () => {
  for (const [situation, outcome, row] of checkRows) {
    it(`${situation} → ${JSON.stringify(row)}`, () => assert.deepStrictEqual(checkFields(outcome), row))
  }
})

describe("docs/outcomes.md, Broadcasts: a broadcast outcome on the wire", () => {
  for (const [situation, outcome, row] of broadcastRows) {
    it(`${situation} → ${JSON.stringify(row)}`, () => assert.deepStrictEqual(broadcastFields(outcome), row))
  }
})

const reason = FastCheck.string({ maxLength: 80 })

const checkOutcome: FastCheck.Arbitrary<CheckOutcome> = FastCheck.oneof(
  FastCheck.constant(CheckOutcome.StoreUnavailable()),
  FastCheck.constant(CheckOutcome.NoPat()),
  FastCheck.constantFrom("identity" as const, "test-query" as const).map((step) => CheckOutcome.Inconclusive({ step })),
  reason.map((reason) => CheckOutcome.Invalid({ reason })),
  FastCheck.constant(CheckOutcome.Valid())
)

const broadcastOutcome: FastCheck.Arbitrary<BroadcastOutcome> = FastCheck.oneof(
  FastCheck.stringMatching(/^[1-9][0-9]{0,9}$/).map((id) => BroadcastOutcome.Accepted({ githubId: GitHubId.make(id) })),
  FastCheck.record({ reason, transient: FastCheck.boolean() }).map((fields) => BroadcastOutcome.Rejected(fields))
)

const numRuns = 1_000

describe("the project's rule on the wire: a transient problem is never reported as an invalid PAT", () => {
  it.prop(
    "any check outcome: a transient one (store or GitHub) is pat_valid null, never false; an invalid one carries its reason verbatim",
    [checkOutcome],
    ([outcome]) => {
      const fields = checkFields(outcome)
      if (outcome._tag === "Inconclusive" || outcome._tag === "StoreUnavailable") assert.isNull(fields.pat_valid)
      if (outcome._tag === "Invalid") assert.strictEqual(fields.rejection_reason, outcome.reason)
      assert.strictEqual(fields.pat_valid === false, outcome._tag === "Invalid" || outcome._tag === "NoPat")
      assert.strictEqual(fields.rejection_reason === null, outcome._tag === "Valid")
    },
    { fastCheck: { numRuns } }
  )

  it.prop(
    "any broadcast outcome: a transient rejection is never accepted; a rejection carries its reason verbatim",
    [broadcastOutcome],
    ([outcome]) => {
      const fields = broadcastFields(outcome)
      if (outcome._tag === "Rejected" && outcome.transient) assert.isFalse(fields.accepted)
      assert.strictEqual(fields.accepted, outcome._tag === "Accepted")
      assert.strictEqual(fields.rejection_reason, outcome._tag === "Rejected" ? outcome.reason : null)
    },
    { fastCheck: { numRuns } }
  )
})
