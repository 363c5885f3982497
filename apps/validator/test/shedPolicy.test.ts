import { assert, describe, it } from "@effect/vitest"
import { FastCheck } from "effect"
import { allowance, type Backlog, expectedMs, MAX_ALLOWANCE, MIN_ALLOWANCE, mustShed, StakeRanks } from "../src/overload/shedPolicy.js"

const backlog = FastCheck.record({
  queued: FastCheck.nat({ max: 5_000 }),
  running: FastCheck.nat({ max: 2_048 }),
  costMs: FastCheck.double({ min: 0.01, max: 50, noNaN: true }),
  slotWaitMs: FastCheck.double({ min: 0, max: 60_000, noNaN: true })
})
const rank = FastCheck.double({ min: 0, max: 1, noNaN: true })
const remaining = FastCheck.double({ min: -5_000, max: 60_000, noNaN: true })

describe("shed policy", () => {
  it.prop("more work ahead never shortens the expected wait", [backlog, FastCheck.nat({ max: 100 })], ([b, more]) => {
    assert.isAtLeast(expectedMs({ ...b, queued: b.queued + more }), expectedMs(b))
    assert.isAtLeast(expectedMs({ ...b, running: b.running + more }), expectedMs(b))
    assert.isAtLeast(expectedMs(b), b.slotWaitMs + b.costMs)
  })

  it.prop("a request whose deadline has passed is always shed", [backlog, rank, FastCheck.double({ min: -5_000, max: 0, noNaN: true })], ([b, r, left]) => {
    assert.isTrue(mustShed(expectedMs(b), left, r))
  })

  it.prop(
    "under pressure the lower stake is shed first: if a higher rank is shed, so is every lower one",
    [backlog, remaining, rank, rank],
    ([b, left, r1, r2]) => {
      const [low, high] = r1 <= r2 ? [r1, r2] : [r2, r1]
      if (mustShed(expectedMs(b), left, high)) assert.isTrue(mustShed(expectedMs(b), left, low))
    }
  )

  it.prop("the allowance stays between its bounds and grows with the rank", [rank, rank], ([r1, r2]) => {
    assert.isAtLeast(allowance(r1), MIN_ALLOWANCE)
    assert.isAtMost(allowance(r1), MAX_ALLOWANCE)
    if (r1 <= r2) assert.isAtMost(allowance(r1), allowance(r2))
  })

  it("an idle server sheds nothing that still has its time", () => {
    const idle: Backlog = { queued: 0, running: 0, costMs: 3, slotWaitMs: 0 }
    assert.isFalse(mustShed(expectedMs(idle), 1_600, 0))
    assert.isFalse(mustShed(expectedMs(idle), 100, 0))
  })

  it.prop(
    "a stake ranks by the share of recent callers below it",
    [FastCheck.array(FastCheck.nat({ max: 100 }), { minLength: 1, maxLength: 256 }), FastCheck.nat({ max: 100 })],
    ([stakes, stake]) => {
      const ranks = new StakeRanks()
      for (const s of stakes) ranks.add(s)
      const below = stakes.filter((s) => s < stake).length + stakes.filter((s) => s === stake).length / 2
      assert.closeTo(ranks.rank(stake), below / stakes.length, 1e-9)
    }
  )

  it("the ranks forget callers beyond their window", () => {
    const ranks = new StakeRanks()
    for (let i = 0; i < 256; i++) ranks.add(0)
    for (let i = 0; i < 256; i++) ranks.add(10)
    assert.strictEqual(ranks.rank(5), 0)
    assert.strictEqual(new StakeRanks().rank(5), 1)
  })
})
