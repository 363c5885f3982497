import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber, FastCheck, Ref, TestClock } from "effect"
import * as Admission from "../src/overload/admission.js"

const FAR = 1_000_000

// Occupies every slot until `gate` opens.
const fill = (gate: Admission.Admission, slots: number, open: Deferred.Deferred<void>) =>
  Effect.forEach(
    Array.from({ length: slots }, (_, i) => i),
    () => Effect.fork(gate.run(0, FAR, () => Deferred.await(open))),
    { concurrency: "unbounded" }
  )

const settle = Effect.repeatN(Effect.yieldNow(), 20)

// Yields until `n` requests wait for a slot.
const waitingIs = (gate: Admission.Admission, n: number) =>
  Effect.repeat(Effect.zipRight(Effect.yieldNow(), gate.load), { until: (load) => load.waiting === n })

describe("Admission", () => {
  it.effect("runs at once while a slot is free", () =>
    Effect.gen(function* () {
      const gate = yield* Admission.make({ maxConcurrency: 2 })
      const open = yield* Deferred.make<void>()
      yield* fill(gate, 2, open)
      yield* settle
      assert.deepStrictEqual(yield* gate.load, { running: 2, waiting: 0 })
      const third = yield* Effect.fork(gate.run(0, FAR, () => Effect.succeed("third")))
      yield* settle
      assert.deepStrictEqual(yield* gate.load, { running: 2, waiting: 1 })
      yield* Deferred.succeed(open, undefined)
      assert.strictEqual(yield* Fiber.join(third), "third")
      yield* settle
      assert.deepStrictEqual(yield* gate.load, { running: 0, waiting: 0 })
    }))

  it.effect("a waiter that cannot start before its deadline is shed, and frees nothing it did not hold", () =>
    Effect.gen(function* () {
      const gate = yield* Admission.make({ maxConcurrency: 1 })
      const open = yield* Deferred.make<void>()
      yield* fill(gate, 1, open)
      yield* settle
      const late = yield* Effect.fork(Effect.either(gate.run(5, 1_000, () => Effect.succeed("late"))))
      yield* settle
      yield* TestClock.adjust(1_001)
      const result = yield* Fiber.join(late)
      assert.isTrue(result._tag === "Left" && result.left._tag === "OverloadShedError")
      assert.deepStrictEqual(yield* gate.load, { running: 1, waiting: 0 })
      yield* Deferred.succeed(open, undefined)
      yield* settle
      assert.deepStrictEqual(yield* gate.load, { running: 0, waiting: 0 })
    }))

  it.effect("a waiter passed over because it could no longer finish in time is shed when the slot frees", () =>
    Effect.gen(function* () {
      const gate = yield* Admission.make({ maxConcurrency: 1 })
      const slow = yield* Effect.fork(gate.run(0, FAR, () => Effect.sleep(800)))
      yield* settle
      const late = yield* Effect.fork(Effect.either(gate.run(0, 1_000, () => Effect.succeed("late"))))
      yield* settle
      yield* TestClock.adjust(800)
      yield* Fiber.join(slow)
      // The slot freed at 800 ms, but a run takes 800 ms and this one must answer by 1 000 ms.
      const result = yield* Fiber.join(late)
      assert.isTrue(result._tag === "Left" && result.left._tag === "OverloadShedError")
      assert.deepStrictEqual(yield* gate.load, { running: 0, waiting: 0 })
    }))

  it.effect("a request whose deadline has already passed is refused without waiting", () =>
    Effect.gen(function* () {
      const gate = yield* Admission.make({ maxConcurrency: 1 })
      const open = yield* Deferred.make<void>()
      yield* fill(gate, 1, open)
      yield* settle
      yield* TestClock.adjust(10)
      const exit = yield* Effect.exit(gate.run(1, 5, () => Effect.void))
      assert.isTrue(Exit.isFailure(exit))
    }))

  it.effect("once runs take longer than the wait allowed, a hopeless request is shed at once", () =>
    Effect.gen(function* () {
      const gate = yield* Admission.make({ maxConcurrency: 1 })
      // One completed run of 500 ms teaches the gate how long a run takes.
      yield* Effect.fork(gate.run(0, FAR, () => Effect.sleep(500)))
      yield* settle
      yield* TestClock.adjust(500)
      yield* settle
      const open = yield* Deferred.make<void>()
      yield* fill(gate, 1, open)
      yield* Effect.forEach([1, 2, 3], () => Effect.fork(gate.run(0, FAR, () => Effect.void)))
      yield* settle
      const now = 500
      // Three waiters of equal stake are ahead: four runs of 500 ms cannot fit in 600 ms.
      const exit = yield* Effect.exit(gate.run(0, now + 600, () => Effect.void))
      assert.isTrue(Exit.isFailure(exit))
      // A higher stake jumps the queue, so the same deadline is still reachable for it.
      const rich = yield* Effect.fork(gate.run(1_000, now + 600, () => Effect.succeed("rich")))
      yield* settle
      yield* Deferred.succeed(open, undefined)
      assert.strictEqual(yield* Fiber.join(rich), "rich")
    }))

  it.effect("an interrupted waiter gives up its place without leaking a slot", () =>
    Effect.gen(function* () {
      const gate = yield* Admission.make({ maxConcurrency: 1 })
      const open = yield* Deferred.make<void>()
      yield* fill(gate, 1, open)
      const waiter = yield* Effect.fork(gate.run(0, FAR, () => Effect.void))
      yield* settle
      yield* Fiber.interrupt(waiter)
      assert.deepStrictEqual(yield* gate.load, { running: 1, waiting: 0 })
      yield* Deferred.succeed(open, undefined)
      yield* settle
      assert.deepStrictEqual(yield* gate.load, { running: 0, waiting: 0 })
    }))

  it.effect("a failing run releases its slot", () =>
    Effect.gen(function* () {
      const gate = yield* Admission.make({ maxConcurrency: 1 })
      const exit = yield* Effect.exit(gate.run(0, FAR, () => Effect.fail("boom")))
      assert.deepStrictEqual(exit, Exit.fail("boom"))
      assert.deepStrictEqual(yield* gate.load, { running: 0, waiting: 0 })
    }))

  it.effect.prop(
    "waiters are admitted highest stake first, ties in arrival order",
    [FastCheck.array(FastCheck.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 20 })],
    ([stakes]) =>
      Effect.gen(function* () {
        const gate = yield* Admission.make({ maxConcurrency: 1 })
        const open = yield* Deferred.make<void>()
        const order = yield* Ref.make<ReadonlyArray<number>>([])
        yield* fill(gate, 1, open)
        const fibers = []
        for (const [i, stake] of stakes.entries()) {
          fibers.push(yield* Effect.fork(gate.run(stake, FAR, () => Ref.update(order, (o) => [...o, i]))))
          yield* waitingIs(gate, i + 1)
        }
        yield* Deferred.succeed(open, undefined)
        yield* Fiber.joinAll(fibers)
        const expected = stakes
          .map((stake, i) => ({ stake, i }))
          .sort((a, b) => b.stake - a.stake || a.i - b.i)
          .map(({ i }) => i)
        assert.deepStrictEqual(yield* Ref.get(order), expected)
      }),
    { fastCheck: { numRuns: 80 } }
  )
})

describe("Admission deadlines", () => {
  it.effect("a pipeline alone runs under its own deadline; one in a crowd due together, under an earlier one", () =>
    Effect.gen(function* () {
      const gate = yield* Admission.make({ maxConcurrency: 2_000, answerCostMs: () => 5 })
      const open = yield* Deferred.make<void>()
      const seen = yield* Ref.make<ReadonlyArray<number>>([])
      const record = (deadline: number) => Effect.zipRight(Ref.update(seen, (s) => [...s, deadline]), Deferred.await(open))
      const fibers = yield* Effect.forEach(Array.from({ length: 100 }, (_, i) => i), () => Effect.fork(gate.run(0, 10_000, record)))
      yield* settle
      const deadlines = yield* Ref.get(seen)
      assert.strictEqual(deadlines[0], 10_000)
      // 99 ahead × 5 ms, less the 200 ms the margin absorbs.
      assert.strictEqual(Math.min(...deadlines), 10_000 - (99 * 5 - 200))
      yield* Deferred.succeed(open, undefined)
      yield* Fiber.joinAll(fibers)
      const after = yield* Effect.exit(gate.run(0, 10_000, (deadline) => Effect.succeed(deadline)))
      assert.deepStrictEqual(after, Exit.succeed(10_000))
    }))
})
