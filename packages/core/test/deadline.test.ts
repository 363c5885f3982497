import { assert, describe, it } from "@effect/vitest"
import { Clock, Effect, Fiber, TestClock } from "effect"
import {
  BroadcastOutcome,
  broadcastPat,
  CheckOutcome,
  checkPat,
  Deadline,
  Messages
} from "@gittensor-pat/core"
import { Answer } from "@gittensor-pat/core/testing"
import { alice, githubId, pat, stored, uid, world } from "./world.js"

const token = "ghp_hangingToken0000000000000000000003"
const entry = stored(0, alice, token, "1001")
const valid = { identity: Answer.succeed(githubId("1001")), testQuery: Answer.succeed("alice") }

describe("the caller's deadline", () => {
  it.effect("a hanging identity lookup makes a check inconclusive at the deadline", () =>
    Effect.gen(function* () {
      const deadline = yield* Deadline.after("3 seconds")
      const fiber = yield* Effect.fork(checkPat(alice, deadline))
      yield* TestClock.adjust("2999 millis")
      assert.isNull(yield* Fiber.poll(fiber).pipe(Effect.map((exit) => exit._tag === "Some" ? "done" : null)))
      yield* TestClock.adjust("1 millis")
      assert.deepStrictEqual(yield* Fiber.join(fiber), CheckOutcome.Inconclusive({ step: "identity" }))
    }).pipe(
      Effect.provide(world({ store: { entries: [entry] }, github: { [token]: { ...valid, identity: Answer.hang } } }))
    )
  )

  it.effect("a hanging test query makes a check inconclusive, never invalid", () =>
    Effect.gen(function* () {
      const fiber = yield* Effect.fork(Effect.flatMap(Deadline.after("3 seconds"), (d) => checkPat(alice, d)))
      yield* TestClock.adjust("3 seconds")
      assert.deepStrictEqual(yield* Fiber.join(fiber), CheckOutcome.Inconclusive({ step: "test-query" }))
    }).pipe(
      Effect.provide(world({ store: { entries: [entry] }, github: { [token]: { ...valid, testQuery: Answer.hang } } }))
    )
  )

  it.effect("an identity answer that decides the check does not wait for a hanging test query", () =>
    Effect.gen(function* () {
      const fiber = yield* Effect.fork(Effect.flatMap(Deadline.after("3 seconds"), (d) => checkPat(alice, d)))
      yield* TestClock.adjust("10 millis")
      assert.deepStrictEqual(yield* Fiber.join(fiber), CheckOutcome.Invalid({ reason: Messages.noGitHubId(uid(0)) }))
    }).pipe(
      Effect.provide(
        world({
          store: { entries: [entry] },
          github: {
            [token]: {
              identity: Answer.delay(10, Answer.invalid("unauthorized", "401")),
              testQuery: Answer.hang
            }
          }
        })
      )
    )
  )

  it.effect("a hanging GitHub rejects a broadcast as transient at the deadline, storing nothing", () =>
    Effect.gen(function* () {
      const fiber = yield* Effect.fork(
        Effect.flatMap(Deadline.after("3 seconds"), (d) => broadcastPat(alice, pat(token), d))
      )
      yield* TestClock.adjust("3 seconds")
      assert.deepStrictEqual(
        yield* Fiber.join(fiber),
        BroadcastOutcome.Rejected({ reason: Messages.broadcastRetryLater, transient: true })
      )
    }).pipe(Effect.provide(world({ github: { [token]: { ...valid, testQuery: Answer.hang } } })))
  )

  it.live("with a real clock, a hanging GitHub is answered within the deadline plus a loose margin", () =>
    Effect.gen(function* () {
      const start = yield* Clock.currentTimeMillis
      const outcome = yield* checkPat(alice, yield* Deadline.after("200 millis"))
      const elapsed = (yield* Clock.currentTimeMillis) - start
      assert.deepStrictEqual(outcome, CheckOutcome.Inconclusive({ step: "identity" }))
      assert.isBelow(elapsed, 200 + 250)
    }).pipe(
      Effect.provide(
        world({ store: { entries: [entry] }, github: { [token]: { identity: Answer.hang, testQuery: Answer.hang } } })
      )
    )
  )
})
