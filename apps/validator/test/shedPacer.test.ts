import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { ShedPacer } from "../src/overload/shedPacer.js"

const until = (done: () => boolean, ms: number) =>
  Effect.promise(async () => {
    const stop = Date.now() + ms
    while (!done() && Date.now() < stop) await new Promise((resolve) => setTimeout(resolve, 5))
  })

describe("ShedPacer", () => {
  it("refusals cheap enough for their share of the loop are written at once", () => {
    const pacer = new ShedPacer(() => 0.01)
    const written: Array<number> = []
    for (let i = 0; i < 200; i++) pacer.submit({ write: () => written.push(i), latestMs: Date.now() + 1_000 })
    assert.strictEqual(written.length, 200)
    assert.strictEqual(pacer.waiting, 0)
  })

  it.live("beyond their share they wait their turn, in arrival order, each written by its latest time", () =>
    Effect.gen(function* () {
      // A refusal costing 100 ms of loop may be written once per 400 ms: the rest wait.
      const pacer = new ShedPacer(() => 100)
      const written: Array<{ readonly i: number; readonly late: number }> = []
      const start = Date.now()
      const latest = (i: number) => start + 40 + 20 * i
      for (let i = 0; i < 5; i++) pacer.submit({ write: () => written.push({ i, late: Date.now() - latest(i) }), latestMs: latest(i) })
      assert.deepStrictEqual(written.map((w) => w.i), [0])
      assert.strictEqual(pacer.waiting, 4)
      yield* until(() => written.length === 5, 2_000)
      assert.deepStrictEqual(written.map((w) => w.i), [0, 1, 2, 3, 4])
      // Written at their latest time, give or take a tick of the timer on a busy machine.
      for (const w of written.slice(1)) assert.isBelow(w.late, 250)
      assert.strictEqual(pacer.waiting, 0)
    }))

  it.live("an overdue refusal behind one that may still wait is written anyway", () =>
    Effect.gen(function* () {
      const pacer = new ShedPacer(() => 100)
      const written: Array<string> = []
      pacer.submit({ write: () => written.push("first"), latestMs: Date.now() })
      pacer.submit({ write: () => written.push("patient"), latestMs: Date.now() + 60_000 })
      pacer.submit({ write: () => written.push("urgent"), latestMs: Date.now() + 20 })
      yield* until(() => written.includes("urgent"), 2_000)
      assert.deepStrictEqual(written, ["first", "urgent"])
      pacer.flush()
      assert.deepStrictEqual(written, ["first", "urgent", "patient"])
      assert.strictEqual(pacer.waiting, 0)
    }))
})
