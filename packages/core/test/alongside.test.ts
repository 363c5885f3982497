import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Either, FastCheck as fc, Fiber, Option, Runtime, TestClock } from "effect"
import { alongside } from "@gittensor-pat/core"

type Name = "first" | "second"

/** A scripted call: settles after `delay` ms of the TestClock (never, when undefined) with `ok` or a failure. */
interface Script {
  readonly delay: number | undefined
  readonly ok: boolean
}

class CallFailed extends Error {
  constructor(readonly call: Name) {
    super(call)
  }
}

const scripted = (name: Name, script: Script, interrupted: Deferred.Deferred<void>) =>
  (script.delay === undefined
    ? Effect.never
    : Effect.zipRight(Effect.sleep(script.delay), script.ok ? Effect.succeed(name) : Effect.fail(new CallFailed(name)))
  ).pipe(Effect.onInterrupt(() => Deferred.succeed(interrupted, undefined)))

/** What the pair comes to by the time both scripts have had their say; `pending` if it never settles. */
type Verdict = { readonly ok: Name } | { readonly failed: Name } | "pending"

/** The rule, stated sequentially: the first call outranks the second. */
const oracle = (first: Script, second: Script): Verdict => {
  if (first.delay === undefined) return "pending"
  if (!first.ok) return { failed: "first" }
  if (second.delay === undefined) return "pending"
  return second.ok ? { ok: "second" } : { failed: "second" }
}

// Longer than any scripted delay: by then every call that settles has settled.
const horizon = 1_000

const verdictOf = (poll: Option.Option<Either.Either<string, CallFailed>>): Verdict =>
  Option.match(poll, {
    onNone: () => "pending",
    onSome: Either.match({ onRight: (name) => ({ ok: name as Name }), onLeft: (error) => ({ failed: error.call }) })
  })

/** The first call in the foreground, the second alongside it, as `checkPat` runs identity and test query. */
const runPair = (first: Script, second: Script) =>
  Effect.gen(function* () {
    const interrupted = { first: yield* Deferred.make<void>(), second: yield* Deferred.make<void>() }
    const fiber = yield* Effect.fork(
      Effect.either(
        alongside(scripted("second", second, interrupted.second), (awaitSecond) =>
          Effect.zipRight(scripted("first", first, interrupted.first), awaitSecond)
        )
      )
    )
    yield* TestClock.adjust(horizon)
    const verdict = verdictOf(Option.flatMap(yield* Fiber.poll(fiber), (exit) => (exit._tag === "Success" ? Option.some(exit.value) : Option.none())))
    yield* Fiber.interrupt(fiber)
    return { verdict, interrupted }
  })

/** Waits for the interruption a call must get; checks that a call which settled got none. */
const checkCut = (cut: boolean, interrupted: Deferred.Deferred<void>) =>
  cut ? Deferred.await(interrupted) : Effect.map(Deferred.isDone(interrupted), (done) => assert.isFalse(done))

// At least 1 ms, so that both calls have started before either settles: a call interrupted
// before it starts never runs, and so never sees its interruption.
const script = fc.record({
  delay: fc.option(fc.integer({ min: 1, max: horizon - 1 }), { nil: undefined }),
  ok: fc.boolean()
})

describe("alongside", () => {
  it.effect("decides as the first-outranks-second rule says, for any timing of either call", () =>
    Effect.gen(function* () {
      const runtime = yield* Effect.runtime<never>()
      yield* Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(script, script, (first, second) =>
            Runtime.runPromise(runtime)(
              Effect.gen(function* () {
                const { verdict, interrupted } = yield* runPair(first, second)
                assert.deepStrictEqual(verdict, oracle(first, second))
                const firstFailedFirst =
                  first.delay !== undefined && !first.ok && (second.delay === undefined || first.delay < second.delay)
                // A second call whose answer is no longer needed is cut short at once, never left
                // running; one that settled was never interrupted. (Two calls settling at one
                // instant may go either way.)
                if (verdict !== "pending" && (first.delay !== second.delay || first.ok)) {
                  yield* checkCut(firstFailedFirst, interrupted.second)
                }
              })
            )
          ),
          { numRuns: 200 }
        )
      )
    })
  )

  it.effect("a failure of the first call does not wait for a second that never settles", () =>
    Effect.gen(function* () {
      const interrupted = yield* Deferred.make<void>()
      const fiber = yield* Effect.fork(
        Effect.either(
          alongside(scripted("second", { delay: undefined, ok: true }, interrupted), (awaitSecond) =>
            Effect.zipRight(Effect.zipRight(Effect.sleep(10), Effect.fail(new CallFailed("first"))), awaitSecond)
          )
        )
      )
      yield* TestClock.adjust(10)
      const result = yield* Fiber.join(fiber)
      assert.isTrue(Either.isLeft(result) && result.left.call === "first")
      yield* Deferred.await(interrupted)
    })
  )

  it.effect("interrupting the caller interrupts both calls", () =>
    Effect.gen(function* () {
      const firstInterrupted = yield* Deferred.make<void>()
      const secondInterrupted = yield* Deferred.make<void>()
      const never: Script = { delay: undefined, ok: true }
      const fiber = yield* Effect.fork(
        alongside(scripted("second", never, secondInterrupted), (awaitSecond) =>
          Effect.zipRight(scripted("first", never, firstInterrupted), awaitSecond)
        )
      )
      yield* TestClock.adjust(10)
      yield* Fiber.interrupt(fiber)
      yield* Deferred.await(firstInterrupted)
      yield* Deferred.await(secondInterrupted)
    })
  )
})
