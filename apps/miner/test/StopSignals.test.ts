import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Queue } from "effect"
import * as StopSignals from "../src/StopSignals.js"

describe("stop signals", () => {
  it.effect("the process's SIGINT and SIGTERM, listened to only while someone waits", () =>
    Effect.gen(function* () {
      const before = { SIGINT: process.listenerCount("SIGINT"), SIGTERM: process.listenerCount("SIGTERM") }
      const next = Effect.flatMap(StopSignals.StopSignals, (signals) => signals.next).pipe(
        Effect.provide(StopSignals.layerNode)
      )
      const waiting = yield* Effect.fork(next)
      while (process.listenerCount("SIGTERM") === before.SIGTERM) yield* Effect.yieldNow()
      assert.strictEqual(process.listenerCount("SIGINT"), before.SIGINT + 1)
      // The listeners as the operating system's signal would call them.
      process.emit("SIGTERM", "SIGTERM")
      assert.strictEqual(yield* Fiber.join(waiting), "SIGTERM")
      assert.deepStrictEqual(
        { SIGINT: process.listenerCount("SIGINT"), SIGTERM: process.listenerCount("SIGTERM") },
        before,
        "gone once answered"
      )
      const abandoned = yield* Effect.fork(next)
      while (process.listenerCount("SIGINT") === before.SIGINT) yield* Effect.yieldNow()
      yield* Fiber.interrupt(abandoned)
      assert.strictEqual(process.listenerCount("SIGINT"), before.SIGINT, "gone when nobody waits any more")
    })
  )

  it.effect("stopOnSignal: a command that has nothing to finish is interrupted by the first signal", () =>
    Effect.gen(function* () {
      const signals = yield* Queue.unbounded<StopSignals.StopSignal>()
      const layer = StopSignals.layerQueue(signals)
      const running = yield* Effect.fork(StopSignals.stopOnSignal(Effect.never).pipe(Effect.provide(layer)))
      yield* Queue.offer(signals, "SIGINT")
      assert.isTrue(Exit.isInterrupted(yield* Fiber.await(running)))
      assert.deepStrictEqual(yield* StopSignals.stopOnSignal(Effect.succeed(7)).pipe(Effect.provide(layer)), 7)
      assert.deepStrictEqual(
        yield* StopSignals.stopOnSignal(Effect.fail("bad")).pipe(Effect.provide(layer), Effect.flip),
        "bad"
      )
    })
  )
})
