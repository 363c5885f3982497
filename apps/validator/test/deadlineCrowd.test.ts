import { assert, describe, it } from "@effect/vitest"
import { FastCheck } from "effect"
import { CROWD_SLACK_MS, DeadlineCrowd, MAX_ADVANCE_SHARE } from "../src/overload/deadlineCrowd.js"

describe("DeadlineCrowd", () => {
  it("a pipeline alone keeps its deadline", () => {
    const crowd = new DeadlineCrowd()
    assert.strictEqual(crowd.enter(11_000, 0, 3).deadline, 11_000)
  })

  it("a crowd due together is spread out: each answer gets its own time before the margin runs out", () => {
    const crowd = new DeadlineCrowd()
    const answerMs = 2
    const deadlines = Array.from({ length: 1_000 }, () => crowd.enter(11_000, 0, answerMs).deadline).sort((a, b) => a - b)
    // Those beyond what the margin absorbs are brought forward, one answer's cost apart.
    for (let i = 1; i < deadlines.length; i++) {
      const gap = deadlines[i]! - deadlines[i - 1]!
      assert.isTrue(gap === 0 || gap === answerMs, `gap ${gap}`)
    }
    const unmoved = deadlines.filter((d) => d === 11_000).length
    assert.strictEqual(unmoved, CROWD_SLACK_MS / answerMs + 1)
    assert.strictEqual(deadlines[0], 11_000 - (999 * answerMs - CROWD_SLACK_MS))
  })

  it.prop(
    "never later than the request's own deadline, never earlier than half its remaining time",
    [
      FastCheck.array(FastCheck.integer({ min: 0, max: 20_000 }), { minLength: 1, maxLength: 300 }),
      FastCheck.integer({ min: 0, max: 10_000 }),
      FastCheck.double({ min: 0, max: 50, noNaN: true })
    ],
    ([deadlines, now, answerMs]) => {
      const crowd = new DeadlineCrowd()
      for (const deadline of deadlines) {
        const entry = crowd.enter(deadline, now, answerMs)
        assert.isAtMost(entry.deadline, deadline)
        assert.isAtLeast(entry.deadline, deadline - Math.max(0, deadline - now) * MAX_ADVANCE_SHARE - 1e-9)
      }
    }
  )

  it("a pipeline that ended no longer counts", () => {
    const crowd = new DeadlineCrowd()
    const entries = Array.from({ length: 300 }, () => crowd.enter(5_000, 0, 2))
    for (const entry of entries) crowd.leave(entry)
    assert.strictEqual(crowd.size, 0)
    assert.strictEqual(crowd.enter(5_000, 0, 2).deadline, 5_000)
  })

  it("pipelines due later do not move an earlier one", () => {
    const crowd = new DeadlineCrowd()
    for (let i = 0; i < 500; i++) crowd.enter(9_000, 0, 2)
    assert.strictEqual(crowd.enter(4_000, 0, 2).deadline, 4_000)
  })
})
