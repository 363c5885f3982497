import { assert, describe, it } from "@effect/vitest"
import { Effect, FastCheck as fc, Fiber, Redacted, Runtime, TestClock } from "effect"
import {
  BroadcastOutcome,
  broadcastPat,
  type CheckOutcome,
  checkPat,
  Deadline,
  type GitHub,
  Messages,
  type Metagraph,
  type PatEntry,
  type PatStore
} from "@gittensor-pat/core"
import { Answer, InMemoryPatStore } from "@gittensor-pat/core/testing"
import { type Case, caseArbitrary, deadlineMillis, expectedBroadcast, expectedCheck, settle } from "./oracle.js"
import { alice, bob, githubId, pat, stored, stranger, world } from "./world.js"

const numRuns = 500
// Generous because the machine may be shared; a run takes a few seconds when it is not.
const timeout = 120_000

/**
 * Runs `property` over `numRuns` generated cases inside one test, sharing its TestClock:
 * a fresh test environment per case would cost more than the case itself.
 */
const forAll = (property: (c: Case) => Effect.Effect<void, never, never>) =>
  Effect.gen(function* () {
    const runtime = yield* Effect.runtime<never>()
    yield* Effect.promise(() =>
      fc.assert(
        fc.asyncProperty(caseArbitrary, (c) => Runtime.runPromise(runtime)(property(c))),
        { numRuns }
      )
    )
  })
const previousToken = "old_previousToken0000"

const entriesOf = (c: Case, storedToken: string): ReadonlyArray<PatEntry> =>
  c.store._tag === "entry"
    ? [stored(0, c.store.sameHotkey ? alice : bob, storedToken, c.store.githubId)]
    : c.store._tag === "unreadable"
      ? [stored(0, alice, storedToken, "1")]
      : []

/** Runs a pipeline in the case's world, with the clock moved to the deadline. */
const run = <A>(
  c: Case,
  storedToken: string,
  pipeline: (deadline: Deadline.Deadline) => Effect.Effect<A, never, GitHub | PatStore | Metagraph>
) =>
  Effect.gen(function* () {
    const store = yield* InMemoryPatStore
    const before = yield* store.entries
    const fiber = yield* Effect.fork(Effect.flatMap(Deadline.after(deadlineMillis), pipeline))
    yield* TestClock.adjust(deadlineMillis)
    const outcome = yield* Fiber.join(fiber)
    return { outcome, before, after: yield* store.entries }
  }).pipe(
    Effect.provide(
      world({
        store: {
          entries: entriesOf(c, storedToken),
          faults: { read: c.store._tag === "unreadable", write: c.writeFault }
        },
        github: { [c.token]: { identity: c.identity, testQuery: c.testQuery } }
      })
    )
  )

const hotkeyOf = (c: Case) => (c.registered ? alice : stranger)
const check = (c: Case) => run(c, c.token, (deadline) => checkPat(hotkeyOf(c), deadline))
const broadcast = (c: Case) => run(c, previousToken, (deadline) => broadcastPat(hotkeyOf(c), pat(c.token), deadline))

const transient = (c: Case) => ({
  identity: settle(c.identity, deadlineMillis).kind === "transient",
  // Sequential or side by side, a late test query is late with the whole deadline too.
  testQuery: settle(c.testQuery, deadlineMillis).kind === "transient"
})

const shows = (token: string, outcome: CheckOutcome | BroadcastOutcome) =>
  [JSON.stringify(outcome), String(outcome)].some((text) => text.includes(token))

// The outcomes answered with has_pat true: the caller's uid holds its own entry.
const heldTags: ReadonlyArray<CheckOutcome["_tag"]> = ["Inconclusive", "Invalid", "Valid"]

describe("checkPat properties", () => {
  it.effect(
    `${numRuns} arbitrary GitHub answers and store states: (c) equals the oracle of docs/outcomes.md, Checks, (a) a held PAT meeting a transient answer is inconclusive, never invalid, (d) never shows the PAT`,
    () =>
      forAll((c) =>
      Effect.map(check(c), ({ outcome, before, after }) => {
        assert.deepStrictEqual(outcome, expectedCheck(c))
        const identity = settle(c.identity, deadlineMillis)
        if (
          heldTags.includes(outcome._tag) &&
          (identity.kind === "transient" || (identity.kind === "ok" && transient(c).testQuery))
        ) {
          assert.strictEqual(outcome._tag, "Inconclusive")
        }
        assert.deepStrictEqual(after, before)
        assert.isFalse(shows(c.token, outcome))
      })),
    timeout
  )
})

describe("broadcastPat properties", () => {
  it.effect(
    `${numRuns} arbitrary GitHub answers and store states: (c) equals the oracle of docs/outcomes.md, Broadcasts, (b) stores iff everything allows it, (a) transient is never stored, (d) never shows the PAT`,
    () =>
      forAll((c) =>
      Effect.map(broadcast(c), ({ outcome, before, after }) => {
        assert.deepStrictEqual(outcome, expectedBroadcast(c))

        const id = settle(c.identity, deadlineMillis)
        const test = settle(c.testQuery, deadlineMillis - id.elapsed)
        const pinAllows =
          c.store._tag !== "entry" || !c.store.sameHotkey || (id.kind === "ok" && c.store.githubId === id.value)
        const stores =
          c.registered &&
          id.kind === "ok" &&
          c.store._tag !== "unreadable" &&
          pinAllows &&
          test.kind === "ok" &&
          !c.writeFault
        assert.strictEqual(outcome._tag === "Accepted", stores)
        if (stores && id.kind === "ok") {
          assert.deepStrictEqual(
            after.map((e) => [e.uid, e.hotkey, Redacted.value(e.pat), e.githubId]),
            [[0, alice, c.token, id.value]]
          )
        } else {
          assert.deepStrictEqual(after, before)
        }

        const { identity, testQuery } = transient(c)
        if (identity || testQuery) assert.notStrictEqual(outcome._tag, "Accepted")

        assert.isFalse(shows(c.token, outcome))
      })),
    timeout
  )
})

describe("broadcastPat with both GitHub calls at once", () => {
  // Any timing of either call, on either side of the deadline: the verdicts come in any order.
  const timed = <A>(values: fc.Arbitrary<A>) =>
    fc.tuple(
      fc.integer({ min: 0, max: deadlineMillis + 1_000 }),
      fc.oneof(
        values.map((value) => Answer.succeed(value)),
        fc.constant(Answer.transient("status", 503)),
        fc.constant(Answer.invalid("unauthorized", "GitHub GraphQL API returned 401"))
      )
    ).map(([millis, then]) => Answer.delay(millis, then))
  const interleaving = fc.record({
    identity: timed(fc.constantFrom(githubId("1001"), githubId("2002"))),
    testQuery: timed(fc.constant("alice")),
    pinned: fc.constantFrom(undefined, "1001", "2002")
  })

  it.effect(`${numRuns} interleavings: a PAT is stored only when identity, pin and test query all allowed it, and decided in that order`, () =>
    Effect.gen(function* () {
      const runtime = yield* Effect.runtime<never>()
      yield* Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(interleaving, (i) =>
            Runtime.runPromise(runtime)(
              Effect.gen(function* () {
                const store = yield* InMemoryPatStore
                const fiber = yield* Effect.fork(Effect.flatMap(Deadline.after(deadlineMillis), (d) => broadcastPat(alice, pat("ghp_new"), d)))
                yield* TestClock.adjust(deadlineMillis + 1_000)
                const outcome = yield* Fiber.join(fiber)
                const id = settle(i.identity, deadlineMillis)
                const test = settle(i.testQuery, deadlineMillis)
                const after = yield* store.entries
                const storedNew = after.some((e) => Redacted.value(e.pat) === "ghp_new")
                const pinOk = id.kind === "ok" && (i.pinned === undefined || i.pinned === id.value)
                // Stored exactly when every step allowed it; never with a failed test query.
                assert.strictEqual(storedNew, pinOk && test.kind === "ok")
                assert.strictEqual(outcome._tag === "Accepted", storedNew)
                // The contract's order decides, whatever answered first.
                if (id.kind !== "ok") assert.include(outcome._tag === "Rejected" ? outcome.reason : "", id.kind === "transient" ? "Could not validate Github id" : "No Github id found")
                else if (!pinOk) assert.deepStrictEqual(outcome, BroadcastOutcome.Rejected({ reason: Messages.identityLocked, transient: false }))
              }).pipe(
                Effect.provide(
                  world({
                    store: { entries: i.pinned === undefined ? [] : [stored(0, alice, "ghp_old", i.pinned)] },
                    github: { ghp_new: { identity: i.identity, testQuery: i.testQuery } }
                  })
                )
              )
            )
          ),
          { numRuns }
        )
      )
    }),
    timeout
  )
})
