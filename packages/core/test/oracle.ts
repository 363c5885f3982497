import { FastCheck as fc } from "effect"
import { type BroadcastFields, type CheckFields, GitHubId } from "@gittensor-pat/core"
import { Answer } from "@gittensor-pat/core/testing"

/**
 * An independent reading of CONTRACT §4 and §5 as tables, for property tests to compare
 * the pipelines with. It shares no code with the pipelines: texts are spelled out here.
 */

/** The deadline every generated request runs under. */
export const deadlineMillis = 5_000

/** What the pipeline should make of one scripted answer, given the time it has left. */
export type Settled =
  | { readonly kind: "ok"; readonly value: string; readonly elapsed: number }
  | { readonly kind: "transient"; readonly elapsed: number }
  | { readonly kind: "invalid"; readonly message: string; readonly elapsed: number }

/** Settles one scripted answer as the contract says, given `budget` ms left. */
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

type Row<C, F> = readonly [applies: (c: C) => boolean, fields: (c: C) => F]

interface Checked extends Case {
  readonly id: Settled
  readonly test: Settled
}

const checkTable: ReadonlyArray<Row<Checked, CheckFields>> = [
  [(c) => !c.registered, () => ({ has_pat: false, pat_valid: false, rejection_reason: "No PAT stored for this miner" })],
  [
    (c) => c.store._tag === "unreadable",
    () => ({ has_pat: false, pat_valid: null, rejection_reason: "Validator PAT store temporarily unavailable; please retry." })
  ],
  [
    (c) => c.store._tag !== "entry" || !c.store.sameHotkey,
    () => ({ has_pat: false, pat_valid: false, rejection_reason: "No PAT stored for this miner" })
  ],
  [(c) => c.id.kind === "transient", () => retryCheck],
  [(c) => c.id.kind === "invalid", () => ({ has_pat: true, pat_valid: false, rejection_reason: "No Github id found for miner 0's PAT" })],
  [(c) => c.test.kind === "transient", () => retryCheck],
  [
    (c) => c.test.kind === "invalid",
    (c) => ({ has_pat: true, pat_valid: false, rejection_reason: `PAT test query failed: ${c.test.kind === "invalid" ? c.test.message : ""}` })
  ],
  [() => true, () => ({ has_pat: true, pat_valid: true, rejection_reason: null })]
]

const retryCheck: CheckFields = {
  has_pat: true,
  pat_valid: null,
  rejection_reason: "GitHub API temporarily unavailable; retry the check in a few minutes."
}

/** CONTRACT §4: identity and test query each have the whole deadline (they run side by side). */
export const expectedCheck = (c: Case): CheckFields => {
  const checked = { ...c, id: settle(c.identity, deadlineMillis), test: settle(c.testQuery, deadlineMillis) }
  return checkTable.find(([applies]) => applies(checked))![1](checked)
}

const rejected = (reason: string): BroadcastFields => ({ accepted: false, rejection_reason: reason })

const broadcastTable: ReadonlyArray<Row<Checked, BroadcastFields>> = [
  [(c) => !c.registered, () => rejected("Hotkey not registered on subnet")],
  [(c) => c.id.kind === "invalid", () => rejected("No Github id found for miner 0's PAT")],
  [
    (c) => c.id.kind === "transient",
    () => rejected("Could not validate Github id for miner 0: GitHub /user lookup failed transiently")
  ],
  [(c) => c.store._tag === "unreadable", () => rejected("Validator PAT store temporarily unavailable; please retry.")],
  [
    (c) => c.store._tag === "entry" && c.store.sameHotkey && c.id.kind === "ok" && c.store.githubId !== c.id.value,
    () =>
      rejected("GitHub identity is locked for this hotkey. Deregister and re-register to change GitHub accounts.")
  ],
  [(c) => c.test.kind === "invalid", (c) => rejected(`PAT test query failed: ${c.test.kind === "invalid" ? c.test.message : ""}`)],
  [
    (c) => c.test.kind === "transient",
    () => rejected("GitHub API temporarily unavailable; the PAT was not evaluated. Retry the broadcast in a few minutes.")
  ],
  [(c) => c.writeFault, () => rejected("Validator PAT store temporarily unavailable; please retry.")],
  [() => true, () => ({ accepted: true, rejection_reason: null })]
]

/** CONTRACT §5: the steps run one after another, so the test query gets what the identity left. */
export const expectedBroadcast = (c: Case): BroadcastFields => {
  const id = settle(c.identity, deadlineMillis)
  const checked = { ...c, id, test: settle(c.testQuery, deadlineMillis - id.elapsed) }
  return broadcastTable.find(([applies]) => applies(checked))![1](checked)
}
