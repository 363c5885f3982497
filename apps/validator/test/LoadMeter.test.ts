import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, FastCheck, Fiber } from "effect"
import { make, nextCost } from "../src/overload/loadMeter.js"

describe("load meter cost", () => {
  it("keeps its value through windows too thin to tell", () => {
    assert.strictEqual(nextCost(3, { activeMs: 90, answered: 1, shed: 500 }), 3)
  })

  it.prop(
    "moves toward the window's cost per request, sheds counted as a fraction of one",
    [FastCheck.double({ min: 0.1, max: 20, noNaN: true }), FastCheck.integer({ min: 4, max: 500 }), FastCheck.nat({ max: 2_000 }), FastCheck.double({ min: 1, max: 100, noNaN: true })],
    ([previous, answered, shed, activeMs]) => {
      const next = nextCost(previous, { activeMs, answered, shed })
      const window = activeMs / answered
      const sheddingOnly = activeMs / (answered + shed)
      // Between the old value and the window's figure, which lies between "sheds free" and "sheds cost a full request".
      assert.isAtLeast(next, Math.min(previous, sheddingOnly) - 1e-9)
      assert.isAtMost(next, Math.max(previous, window) + 1e-9)
    }
  )
})

describe("load meter load", () => {
  it.scoped("counts a request as load while it runs, and not after it ends, fails or is interrupted", () =>
    Effect.gen(function* () {
      const meter = yield* make
      const gate = yield* Deferred.make<void>()
      const running = yield* Effect.fork(meter.load(Deferred.await(gate)))
      const stuck = yield* Effect.fork(meter.load(Effect.never))
      yield* Effect.yieldNow()
      assert.strictEqual(meter.open(), 2)
      yield* Deferred.succeed(gate, undefined)
      yield* Fiber.join(running)
      assert.strictEqual(meter.open(), 1)
      yield* Fiber.interrupt(stuck)
      assert.strictEqual(meter.open(), 0)
      yield* Effect.either(meter.load(Effect.fail("refused")))
      assert.strictEqual(meter.open(), 0)
    }))
})
