import { assert, describe, it } from "@effect/vitest"
import { Clock, Deferred, Effect, Either, Fiber, TestClock } from "effect"
import {
  BroadcastOutcome,
  broadcastPat,
  CheckOutcome,
  checkPat,
  Deadline,
  Messages,
  TransientGitHubError
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

  it.effect("a call interrupted from outside (a server cutting it short) fails as out of time, not as an interruption", () =>
    Effect.gen(function* () {
      const deadline = yield* Deadline.after("1 minute")
      // A hanging call that hands out its own fiber, which is interrupted from outside.
      const cuttable = (started: Deferred.Deferred<Fiber.RuntimeFiber<unknown, unknown>>) =>
        Effect.withFiberRuntime<never>((fiber) => Effect.zipRight(Deferred.succeed(started, fiber), Effect.never))
      const alone = yield* Deferred.make<Fiber.RuntimeFiber<unknown, unknown>>()
      const single = yield* Effect.fork(Effect.either(Deadline.bound(deadline, "test-query")(cuttable(alone))))
      yield* Fiber.interrupt(yield* Deferred.await(alone))
      const first = yield* Deferred.make<Fiber.RuntimeFiber<unknown, unknown>>()
      const second = yield* Deferred.make<Fiber.RuntimeFiber<unknown, unknown>>()
      const both = yield* Effect.fork(
        Effect.either(
          Deadline.boundBoth(
            deadline,
            { endpoint: "identity", effect: cuttable(first) },
            { endpoint: "test-query", effect: cuttable(second) }
          )
        )
      )
      yield* Fiber.interrupt(yield* Deferred.await(second))
      yield* Fiber.interrupt(yield* Deferred.await(first))
      for (const [fiber, endpoint] of [[single, "test-query"], [both, "identity"]] as const) {
        const result = yield* Fiber.join(fiber)
        assert.deepStrictEqual(result, Either.left(new TransientGitHubError({ endpoint, cause: "deadline" })))
      }
    })
  )
})

