import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Redacted, TestClock } from "effect"
import { BroadcastOutcome, broadcastPat, Deadline, Hotkey, Messages } from "@gittensor-pat/core"
import { Answer, InMemoryPatStore, neuron, ScriptedGitHub, type TokenScript } from "@gittensor-pat/core/testing"
import { alice, githubId, pat, world } from "./world.js"

const slowValid = (id: string): TokenScript => ({
  identity: Answer.succeed(githubId(id)),
  // Both broadcasts pass the pin before either saves, so only the guard can stop one.
  testQuery: Answer.delay(100, Answer.succeed(`user${id}`))
})

describe("concurrent broadcasts", () => {
  it.effect("two concurrent broadcasts for one hotkey with different github ids → exactly one accepted, the other locked", () =>
    Effect.gen(function* () {
      const deadline = yield* Deadline.after("10 seconds")
      const fiber = yield* Effect.fork(
        Effect.all([broadcastPat(alice, pat("ghp_first"), deadline), broadcastPat(alice, pat("ghp_second"), deadline)], {
          concurrency: 2
        })
      )
      yield* TestClock.adjust("100 millis")
      const outcomes = yield* Fiber.join(fiber)
      assert.strictEqual(outcomes.filter(BroadcastOutcome.$is("Accepted")).length, 1)
      assert.deepStrictEqual(outcomes.filter(BroadcastOutcome.$is("Rejected")), [
        BroadcastOutcome.Rejected({ reason: Messages.identityLocked, transient: false })
      ])
      const calls = yield* (yield* ScriptedGitHub).calls
      assert.strictEqual(calls.filter((c) => c.endpoint === "test-query").length, 2)
      const entries = yield* (yield* InMemoryPatStore).entries
      assert.strictEqual(entries.length, 1)
      const winner = outcomes[0]?._tag === "Accepted" ? "ghp_first" : "ghp_second"
      assert.strictEqual(Redacted.value(entries[0]!.pat), winner)
    }).pipe(Effect.provide(world({ github: { ghp_first: slowValid("1"), ghp_second: slowValid("2") } })))
  )

  const n = 64
  const hotkeys = Array.from({ length: n }, (_, i) => Hotkey.make(`5Miner${String(i).padStart(3, "0")}`))
  const scripts = Object.fromEntries(hotkeys.map((_, i) => [`ghp_miner${i}`, slowValid(String(1000 + i))]))

  it.effect(`${n} concurrent broadcasts for ${n} distinct uids → all stored`, () =>
    Effect.gen(function* () {
      const deadline = yield* Deadline.after("10 seconds")
      const fiber = yield* Effect.fork(
        Effect.forEach(hotkeys, (hotkey, i) => broadcastPat(hotkey, pat(`ghp_miner${i}`), deadline), {
          concurrency: "unbounded"
        })
      )
      yield* TestClock.adjust("100 millis")
      const outcomes = yield* Fiber.join(fiber)
      assert.deepStrictEqual(
        outcomes,
        hotkeys.map((_, i) => BroadcastOutcome.Accepted({ githubId: githubId(String(1000 + i)) }))
      )
      const entries = yield* (yield* InMemoryPatStore).entries
      assert.deepStrictEqual(
        entries.map((e) => [e.uid, e.hotkey, Redacted.value(e.pat), e.githubId]),
        hotkeys.map((hotkey, i) => [i, hotkey, `ghp_miner${i}`, String(1000 + i)])
      )
      assert.strictEqual(yield* (yield* InMemoryPatStore).writes, n)
    }).pipe(
      Effect.provide(world({ neurons: hotkeys.map((hotkey, i) => neuron(i, hotkey)), github: scripts }))
    )
  )
})
