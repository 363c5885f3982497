import { assert, describe, it } from "@effect/vitest"
import { FastCheck } from "effect"
import { budgetMillis, DEFAULT_TIMEOUT_SECONDS, effectiveTimeoutSeconds } from "../src/budget.js"

describe("request budget (CONTRACT §6 deadline)", () => {
  it("a 12 s timeout leaves 11 s", () => assert.strictEqual(budgetMillis(12), 11_000))
  it("a missing timeout is the 12 s default", () => {
    assert.strictEqual(effectiveTimeoutSeconds(undefined), DEFAULT_TIMEOUT_SECONDS)
    assert.strictEqual(budgetMillis(undefined), 11_000)
  })
  it("a 2 s timeout keeps 80 %", () => assert.strictEqual(budgetMillis(2), 1_600))
  it("5 s is the first timeout with the 1 s margin", () => {
    assert.strictEqual(budgetMillis(4.999), 3_999)
    assert.strictEqual(budgetMillis(5), 4_000)
  })
  it("timeouts above 60 s are capped", () => assert.strictEqual(budgetMillis(3_600), 59_000))
  it("zero, negative and non-finite timeouts fall back to the default", () => {
    for (const t of [0, -3, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.strictEqual(budgetMillis(t), 11_000)
    }
  })

  it.prop(
    "the budget is positive and always ends before the caller's timeout",
    [FastCheck.double({ min: 0.001, max: 10_000, noNaN: true })],
    ([timeout]) => {
      const budget = budgetMillis(timeout)
      const honoured = Math.min(timeout, 60) * 1_000
      assert.isTrue(budget > 0 || honoured < 2)
      assert.isTrue(budget < honoured)
      assert.isTrue(budget >= Math.floor(Math.min(honoured * 0.8, honoured - 1_000)))
    },
    { fastCheck: { numRuns: 500 } }
  )
})
