import { FastCheck as fc } from "effect"
import { BroadcastOutcome, CheckOutcome, GitHubId } from "@gittensor-pat/core"
import { Answer } from "@gittensor-pat/core/testing"

/**
 * An independent reading of docs/outcomes.md, "Checks" and "Broadcasts", as tables of outcomes, for property tests to
 * compare the pipelines with. It shares no code with the pipelines: texts are spelled out here.
 */

/** The deadline every generated request runs under. */
export const deadlineMillis = 5_000

/** What the pipeline should make of one scripted answer, given the time it has left. */
export type Settled =
  | { readonly kind: "ok"; readonly value: string; readonly elapsed: number }
  | { readonly kind: "transient"; readonly elapsed: number }
  | { readonly kind: "invalid"; readonly message: string; readonly elapsed: number }

/** Settles one scripted answer as docs/outcomes.md says, given `budget` ms left. */
export const settle = (answer: Answer<string>, budget: number, elapsed = 0): Settled => {
  switch (answer._tag) {
    case "Succeed":
      return { kind: "ok", value: answer.value, elapsed }
    case "Transient":
      return { kind: "transient", elapsed }
    case "Invalid":
      return { kind: "invalid", message: answer.message, elapsed }
    case "Hang":
      return { kind: "transient", elapsed: budget }
    case "Delay":
      return answer.millis >= budget
        ? { kind: "transient", elapsed: budget }
        : settle(answer.then, budget - answer.millis, elapsed + answer.millis)
  }
}

/** What the PAT store holds for uid 0 before the request. */
export type StoreState =
  | { readonly _tag: "unreadable" }
  | { readonly _tag: "empty" }
  | { readonly _tag: "entry"; readonly sameHotkey: boolean; readonly githubId: string }

/** One generated world: who asks, what the store holds, what GitHub answers. */
export interface Case {
  readonly registered: boolean
  readonly store: StoreState
  readonly writeFault: boolean
  readonly token: string
  readonly identity: Answer<GitHubId>
  readonly testQuery: Answer<string>
}

const causes = ["status", "timeout", "transport", "rate-limit", "bad-json"] as const
const reasons = ["unauthorized", "graphql-error", "missing-scope", "no-identity"] as const

const settledAnswer = <A>(values: fc.Arbitrary<A>): fc.Arbitrary<Answer<A>> =>
  fc.oneof(
    values.map((value) => Answer.succeed(value)),
    fc.constantFrom(...causes).map((cause) => Answer.transient(cause)),
    fc
      .tuple(fc.constantFrom(...reasons), fc.string({ maxLength: 40 }))
      .map(([reason, message]) => Answer.invalid(reason, message)),
    fc.constant(Answer.hang)
  )

/** Any answer, possibly late; delays never equal the deadline, which would be a tie. */
const answer = <A>(values: fc.Arbitrary<A>): fc.Arbitrary<Answer<A>> =>
  fc.oneof(
    settledAnswer(values),
    fc.tuple(fc.constantFrom(100, 9_000), settledAnswer(values)).map(([millis, then]) => Answer.delay(millis, then))
  )

/** Any store state. */
const storeState: fc.Arbitrary<StoreState> = fc.oneof(
  fc.constant({ _tag: "unreadable" as const }),
  fc.constant({ _tag: "empty" as const }),
  fc.record({ _tag: fc.constant("entry" as const), sameHotkey: fc.boolean(), githubId: fc.constantFrom("1", "2") })
)

/** Any world. */
export const caseArbitrary: fc.Arbitrary<Case> = fc.record({
  registered: fc.boolean(),
  store: storeState,
  writeFault: fc.boolean(),
  token: fc.stringMatching(/^ghp_[A-Za-z0-9]{16,36}$/),
  identity: answer(fc.constantFrom("1", "2").map((id) => GitHubId.make(id))),
  testQuery: answer(fc.constantFrom("alice", "bob"))
})

type Row<C, O> = readonly [applies: (c: C) => boolean, outcome: (c: C) => O]

interface Checked extends Case {
  readonly id: Settled
  readonly test: Settled
}

const invalidTestQuery = (c: Checked) => `PAT test query failed: ${c.test.kind === "invalid" ? c.test.message : ""}`

const checkTable: ReadonlyArray<Row<Checked, CheckOutcome>> = [
  [(c) => !c.registered, () => CheckOutcome.NoPat()],
  [(c) => c.store._tag === "unreadable", () => CheckOutcome.StoreUnavailable()],
  [(c) => c.store._tag !== "entry" || !c.store.sameHotkey, () => CheckOutcome.NoPat()],
  [(c) => c.id.kind === "transient", () => CheckOutcome.Inconclusive({ step: "identity" })],
  [(c) => c.id.kind === "invalid", () => CheckOutcome.Invalid({ reason: "No Github id found for miner 0's PAT" })],
  [(c) => c.test.kind === "transient", () => CheckOutcome.Inconclusive({ step: "test-query" })],
  [(c) => c.test.kind === "invalid", (c) => CheckOutcome.Invalid({ reason: invalidTestQuery(c) })],
  [() => true, () => CheckOutcome.Valid()]
]

/** Checks: identity and test query each have the whole deadline (they run side by side). */
export const expectedCheck = (c: Case): CheckOutcome => {
  const checked = { ...c, id: settle(c.identity, deadlineMillis), test: settle(c.testQuery, deadlineMillis) }
  return checkTable.find(([applies]) => applies(checked))![1](checked)
}

// A GitHub or store problem that may pass is transient: the miner should retry, not rotate.
const rejected = (reason: string, transient: boolean): BroadcastOutcome =>
  BroadcastOutcome.Rejected({ reason, transient })

const broadcastTable: ReadonlyArray<Row<Checked, BroadcastOutcome>> = [
  [(c) => !c.registered, () => rejected("Hotkey not registered on subnet", false)],
  [(c) => c.id.kind === "invalid", () => rejected("No Github id found for miner 0's PAT", false)],
  [
    (c) => c.id.kind === "transient",
    () => rejected("Could not validate Github id for miner 0: GitHub /user lookup failed transiently", true)
  ],
  [(c) => c.store._tag === "unreadable", () => rejected("Validator PAT store temporarily unavailable; please retry.", true)],
  [
    (c) => c.store._tag === "entry" && c.store.sameHotkey && c.id.kind === "ok" && c.store.githubId !== c.id.value,
    () =>
      rejected("GitHub identity is locked for this hotkey. Deregister and re-register to change GitHub accounts.", false)
  ],
  [(c) => c.test.kind === "invalid", (c) => rejected(invalidTestQuery(c), false)],
  [
    (c) => c.test.kind === "transient",
    () =>
      rejected("GitHub API temporarily unavailable; the PAT was not evaluated. Retry the broadcast in a few minutes.", true)
  ],
  [(c) => c.writeFault, () => rejected("Validator PAT store temporarily unavailable; please retry.", true)],
  [() => true, (c) => BroadcastOutcome.Accepted({ githubId: GitHubId.make(c.id.kind === "ok" ? c.id.value : "") })]
]

/** Broadcasts: the steps run one after another, so the test query gets what the identity left. */
export const expectedBroadcast = (c: Case): BroadcastOutcome => {
  const id = settle(c.identity, deadlineMillis)
  const checked = { ...c, id, test: settle(c.testQuery, deadlineMillis - id.elapsed) }
  return broadcastTable.find(([applies]) => applies(checked))![1](checked)
}
