import { assert, describe, it } from "@effect/vitest"
import { Effect, Either, Fiber, Logger, Option, Redacted, TestClock } from "effect"
import { Deadline, GitHub, Metagraph, type PatEntry, PatStore, pinGuard } from "@gittensor-pat/core"
import { Answer, InMemoryPatStore, neuron, ScriptedGitHub, StaticMetagraph } from "@gittensor-pat/core/testing"
import { alice, bob, carol, githubId, neurons, pat, stored, stranger, uid } from "./world.js"

const allow = () => Effect.void
const summary = (entries: ReadonlyArray<PatEntry>) => entries.map((e) => [e.uid, e.hotkey, e.githubId])

describe("InMemoryPatStore", () => {
  it.effect("gets, upserts by uid, and snapshots in uid order", () =>
    Effect.gen(function* () {
      const store = yield* PatStore
      assert.isTrue(Option.isNone(yield* store.get(uid(2))))
      yield* store.save(stored(2, carol, "ghp_c", "3"), allow)
      yield* store.save(stored(0, alice, "ghp_a", "1"), allow)
      yield* store.save(stored(0, bob, "ghp_b", "2"), allow)
      assert.deepStrictEqual(summary(yield* store.snapshot), [
        [0, bob, "2"],
        [2, carol, "3"]
      ])
      assert.strictEqual(Option.getOrThrow(yield* store.get(uid(2))).hotkey, carol)
      assert.strictEqual(yield* (yield* InMemoryPatStore).writes, 3)
    }).pipe(Effect.provide(InMemoryPatStore.layer()))
  )

  it.effect("an unreadable store fails get and save, writes nothing, and snapshots as [] with a loud log", () =>
    Effect.gen(function* () {
      const store = yield* PatStore
      const handle = yield* InMemoryPatStore
      yield* handle.setFaults({ read: true })
      const got = yield* Effect.either(store.get(uid(0)))
      assert.isTrue(Either.isLeft(got) && got.left._tag === "StoreUnavailableError" && got.left.operation === "read")
      const saved = yield* Effect.either(store.save(stored(1, bob, "ghp_b", "2"), allow))
      assert.isTrue(Either.isLeft(saved) && saved.left._tag === "StoreUnavailableError")
      const logs: Array<string> = []
      const logger = Logger.make(({ logLevel, message }) => logs.push(`${logLevel.label} ${String(message)}`))
      const snapshot = yield* store.snapshot.pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger)))
      assert.deepStrictEqual(snapshot, [])
      assert.strictEqual(logs.length, 1)
      assert.match(logs[0]!, /^ERROR .*unreadable/)
      assert.deepStrictEqual(summary(yield* handle.entries), [[0, alice, "1"]])
      yield* handle.setFaults({ read: false })
      assert.deepStrictEqual(summary(yield* store.snapshot), [[0, alice, "1"]])
    }).pipe(Effect.provide(InMemoryPatStore.layer({ entries: [stored(0, alice, "ghp_a", "1")] })))
  )

  it.effect("a write fault fails the save and leaves every entry as it was", () =>
    Effect.gen(function* () {
      const result = yield* Effect.either((yield* PatStore).save(stored(0, alice, "ghp_new", "1"), allow))
      assert.isTrue(Either.isLeft(result) && result.left._tag === "StoreUnavailableError" && result.left.operation === "write")
      const entries = yield* (yield* InMemoryPatStore).entries
      assert.deepStrictEqual(entries.map((e) => Redacted.value(e.pat)), ["ghp_old"])
      assert.strictEqual(yield* (yield* InMemoryPatStore).writes, 0)
    }).pipe(
      Effect.provide(InMemoryPatStore.layer({ entries: [stored(0, alice, "ghp_old", "1")], faults: { write: true } }))
    )
  )

  it.effect("saves are serialised: a guard sees the save that finished before it", () =>
    Effect.gen(function* () {
      const store = yield* PatStore
      const guard = pinGuard(uid(0), alice, githubId("1"))
      const fiber = yield* Effect.fork(
        Effect.all(
          [
            Effect.either(store.save(stored(0, alice, "ghp_one", "1"), guard)),
            Effect.either(store.save(stored(0, alice, "ghp_two", "2"), pinGuard(uid(0), alice, githubId("2"))))
          ],
          { concurrency: 2 }
        )
      )
      yield* TestClock.adjust("2 seconds")
      const [first, second] = yield* Fiber.join(fiber)
      assert.isTrue(Either.isRight(first))
      assert.isTrue(Either.isLeft(second) && second.left._tag === "IdentityLockedError")
      assert.deepStrictEqual(summary(yield* (yield* InMemoryPatStore).entries), [[0, alice, "1"]])
    }).pipe(Effect.provide(InMemoryPatStore.layer({ saveLatency: "1 second" })))
  )
})

// The TestClock starts at 0: a deadline no scripted answer comes near.
const far = Deadline.at(60_000)

describe("ScriptedGitHub", () => {
  it.effect("ends a hanging or too-slow answer at the call's deadline, transient", () =>
    Effect.gen(function* () {
      const github = yield* GitHub
      const hanging = yield* Effect.fork(Effect.either(github.identity(pat("ghp_hang"), Deadline.at(100))))
      const slow = yield* Effect.fork(Effect.either(github.testQuery(pat("ghp_hang"), Deadline.at(100))))
      yield* TestClock.adjust(99)
      assert.isTrue(Option.isNone(yield* Fiber.poll(hanging)))
      yield* TestClock.adjust(1)
      for (const fiber of [hanging, slow]) {
        const result = yield* Fiber.join(fiber)
        assert.isTrue(Either.isLeft(result) && result.left._tag === "TransientGitHubError" && result.left.cause === "deadline")
      }
    }).pipe(
      Effect.provide(
        ScriptedGitHub.layer({ ghp_hang: { identity: Answer.hang, testQuery: Answer.delay(500, Answer.succeed("late")) } })
      )
    )
  )

  it.effect("plays a token's answers in order, repeating the last, and records every call", () =>
    Effect.gen(function* () {
      const github = yield* GitHub
      const token = pat("ghp_seq")
      const first = yield* Effect.either(github.identity(token, far))
      assert.isTrue(Either.isLeft(first) && first.left._tag === "TransientGitHubError" && first.left.endpoint === "identity")
      assert.strictEqual(yield* github.identity(token, far), "42")
      assert.strictEqual(yield* github.identity(token, far), "42")
      const calls = yield* (yield* ScriptedGitHub).calls
      assert.deepStrictEqual(calls.map((c) => c.endpoint), ["identity", "identity", "identity"])
    }).pipe(
      Effect.provide(
        ScriptedGitHub.layer({
          ghp_seq: { identity: [Answer.transient("status", 502), Answer.succeed(githubId("42"))] }
        })
      )
    )
  )

  it.effect("answers an unscripted token as GitHub would an unknown one: 401 to both questions", () =>
    Effect.gen(function* () {
      const github = yield* GitHub
      const identity = yield* Effect.either(github.identity(pat("ghp_unknown"), far))
      const test = yield* Effect.either(github.testQuery(pat("ghp_unknown"), far))
      assert.isTrue(Either.isLeft(identity) && identity.left._tag === "InvalidPatError")
      assert.isTrue(Either.isLeft(test) && test.left._tag === "InvalidPatError" && test.left.endpoint === "test-query")
    }).pipe(Effect.provide(ScriptedGitHub.layer()))
  )

  it.effect("re-scripting a token starts its answers over", () =>
    Effect.gen(function* () {
      const github = yield* GitHub
      const handle = yield* ScriptedGitHub
      yield* handle.script("ghp_x", { testQuery: [Answer.succeed("a"), Answer.succeed("b")] })
      assert.strictEqual(yield* github.testQuery(pat("ghp_x"), far), "a")
      assert.strictEqual(yield* github.testQuery(pat("ghp_x"), far), "b")
      yield* handle.script("ghp_x", { testQuery: [Answer.succeed("c"), Answer.succeed("d")] })
      assert.strictEqual(yield* github.testQuery(pat("ghp_x"), far), "c")
    }).pipe(Effect.provide(ScriptedGitHub.layer()))
  )
})

describe("StaticMetagraph", () => {
  it.effect("finds uids and stakes by hotkey, and follows a replaced neuron list", () =>
    Effect.gen(function* () {
      const metagraph = yield* Metagraph
      assert.deepStrictEqual(yield* metagraph.uidOf(bob), Option.some(uid(1)))
      assert.deepStrictEqual(yield* metagraph.uidOf(stranger), Option.none())
      assert.strictEqual(yield* metagraph.stakeOf(uid(2)), 30)
      assert.strictEqual(yield* metagraph.stakeOf(uid(9)), 0)
      assert.deepStrictEqual(yield* metagraph.hotkeys, [alice, bob, carol])
      yield* (yield* StaticMetagraph).set([neuron(0, stranger, 5)])
      assert.deepStrictEqual(yield* metagraph.uidOf(stranger), Option.some(uid(0)))
      assert.deepStrictEqual(yield* metagraph.uidOf(bob), Option.none())
      assert.strictEqual((yield* metagraph.neurons).length, 1)
    }).pipe(Effect.provide(StaticMetagraph.layer(neurons)))
  )
})
