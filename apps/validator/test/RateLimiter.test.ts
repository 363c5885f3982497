import { assert, describe, it } from "@effect/vitest"
import { Effect, FastCheck, TestClock } from "effect"
import * as RateLimiter from "../src/http/RateLimiter.js"

const takeN = (limiter: RateLimiter.RateLimiter["Type"], hotkey: string, n: number) =>
  Effect.forEach(Array.from({ length: n }), () => limiter.take(hotkey))

describe("RateLimiter", () => {
  it.effect("allows the limit within a minute, then refuses", () =>
    Effect.gen(function* () {
      const limiter = yield* RateLimiter.make({ perMinute: 30 })
      const results = yield* takeN(limiter, "5Alice", 31)
      assert.strictEqual(results.filter(Boolean).length, 30)
      assert.isFalse(results[30])
    }))

  it.effect("hotkeys have separate allowances", () =>
    Effect.gen(function* () {
      const limiter = yield* RateLimiter.make({ perMinute: 2 })
      yield* takeN(limiter, "5Alice", 2)
      assert.isFalse(yield* limiter.take("5Alice"))
      assert.isTrue(yield* limiter.take("5Bob"))
    }))

  it.effect("the allowance comes back evenly over a minute", () =>
    Effect.gen(function* () {
      const limiter = yield* RateLimiter.make({ perMinute: 6 })
      yield* takeN(limiter, "5Alice", 6)
      assert.isFalse(yield* limiter.take("5Alice"))
      yield* TestClock.adjust(9_999)
      assert.isFalse(yield* limiter.take("5Alice"))
      yield* TestClock.adjust(1)
      assert.isTrue(yield* limiter.take("5Alice"))
      yield* TestClock.adjust(60_000)
      assert.strictEqual((yield* takeN(limiter, "5Alice", 7)).filter(Boolean).length, 6)
    }))

  it.effect("0 turns the limit off", () =>
    Effect.gen(function* () {
      const limiter = yield* RateLimiter.make({ perMinute: 0 })
      assert.isTrue((yield* takeN(limiter, "5Alice", 1_000)).every(Boolean))
    }))

  it.effect("a flood of distinct hotkeys neither fails nor limits any of them", () =>
    Effect.gen(function* () {
      const limiter = yield* RateLimiter.make({ perMinute: 1 })
      for (let i = 0; i < 5_000; i++) assert.isTrue(yield* limiter.take(`5Key${i}`))
      assert.isFalse(yield* limiter.take("5Key4999"))
    }))

  it.effect.prop(
    "a hotkey never gets more than its burst plus what the elapsed time refilled",
    [FastCheck.integer({ min: 1, max: 60 }), FastCheck.array(FastCheck.integer({ min: 0, max: 3_000 }), { maxLength: 40 })],
    ([perMinute, gaps]) =>
      Effect.gen(function* () {
        const limiter = yield* RateLimiter.make({ perMinute })
        let allowed = 0
        let elapsed = 0
        for (const gap of gaps) {
          yield* TestClock.adjust(gap)
          elapsed += gap
          if (yield* limiter.take("5Alice")) allowed++
        }
        assert.isAtMost(allowed, perMinute + Math.floor((elapsed * perMinute) / 60_000) + 1)
      }),
    { fastCheck: { numRuns: 60 } }
  )
})
