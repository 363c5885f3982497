import { assert, describe, it } from "@effect/vitest"
import { FastCheck } from "effect"
import { budgetMillis, DEFAULT_TIMEOUT_SECONDS, effectiveTimeoutSeconds, MAX_SEND_LEAD_MS, sentAtMillis } from "../src/http/budget.js"

describe("request budget (docs/protocol.md, Deadline and timeouts)", () => {
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

describe("when the caller sent the request (the deadline's origin)", () => {
  const arrival = 1_800_000_000_000
  const ns = (ms: number) => BigInt(ms) * 1_000_000n

  it("a request parsed late counts from its nonce, the dendrite's send time", () =>
    assert.strictEqual(sentAtMillis(arrival, ns(arrival - 2_500)), arrival - 2_500))
  it("without a nonce it counts from its arrival", () => assert.strictEqual(sentAtMillis(arrival, undefined), arrival))
  it("a nonce from the future (a fast clock) cannot lengthen the budget", () =>
    assert.strictEqual(sentAtMillis(arrival, ns(arrival + 30_000)), arrival))
  it("a nonce far in the past (a slow clock) moves the origin back by at most the lead", () =>
    assert.strictEqual(sentAtMillis(arrival, ns(arrival - 600_000)), arrival - MAX_SEND_LEAD_MS))

  it.prop(
    "the origin is never after the arrival nor more than the lead before it",
    [FastCheck.bigInt({ min: 0n, max: 2n ** 64n - 1n })],
    ([nonce]) => {
      const origin = sentAtMillis(arrival, nonce)
      assert.isTrue(origin <= arrival)
      assert.isTrue(origin >= arrival - MAX_SEND_LEAD_MS)
    },
    { fastCheck: { numRuns: 500 } }
  )
})
