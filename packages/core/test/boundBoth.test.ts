import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Either, FastCheck as fc, Fiber, Option, Runtime, TestClock } from "effect"
import { Deadline, type GitHubEndpoint, type TransientGitHubError } from "@gittensor-pat/core"

const deadlineMillis = 100

/** A scripted call: settles after `delay` ms of the TestClock (never, when undefined) with `ok` or a failure. */
interface Script {
  readonly delay: number | undefined
  readonly ok: boolean
}

class CallFailed extends Error {
  constructor(readonly endpoint: GitHubEndpoint) {
    super(endpoint)
  }
}

const scripted = (endpoint: GitHubEndpoint, script: Script, interrupted: Deferred.Deferred<void>) =>
  (script.delay === undefined
    ? Effect.never
    : Effect.zipRight(Effect.sleep(script.delay), script.ok ? Effect.succeed(endpoint) : Effect.fail(new CallFailed(endpoint)))
  ).pipe(Effect.onInterrupt(() => Deferred.succeed(interrupted, undefined)))

type Verdict = { readonly ok: GitHubEndpoint } | { readonly failed: GitHubEndpoint } | { readonly late: GitHubEndpoint }

/** The contract of `boundBoth`, stated sequentially: the first call outranks the second. */
const oracle = (first: Script, second: Script): Verdict => {
  if (first.delay === undefined) return { late: "identity" }
  if (!first.ok) return { failed: "identity" }
  if (second.delay === undefined) return { late: "test-query" }
  return second.ok ? { ok: "test-query" } : { failed: "test-query" }
}

const verdictOf = (result: Either.Either<string, CallFailed | TransientGitHubError>): Verdict =>
  Either.match(result, {
    onRight: (value) => ({ ok: value as GitHubEndpoint }),
    onLeft: (error) => {
      if (error instanceof CallFailed) return { failed: error.endpoint }
      assert.strictEqual(error.cause, "deadline")
      return { late: error.endpoint }
    }
  })

/** Both scripted calls under `deadline`: the verdict, and a signal of each call's interruption. */
const bothUnder = (deadline: Deadline.Deadline, first: Script, second: Script) =>
  Effect.gen(function* () {
    const interrupted = { first: yield* Deferred.make<void>(), second: yield* Deferred.make<void>() }
    const result = yield* Effect.either(
      Deadline.boundBoth(
        deadline,
        { endpoint: "identity", effect: scripted("identity", first, interrupted.first) },
        { endpoint: "test-query", effect: scripted("test-query", second, interrupted.second) }
      )
    )
    return { verdict: verdictOf(result), interrupted }
  })

/** `bothUnder` on the TestClock, moved to the deadline. */
const runBoth = (first: Script, second: Script) =>
  Effect.gen(function* () {
    const fiber = yield* Effect.fork(Effect.flatMap(Deadline.after(deadlineMillis), (d) => bothUnder(d, first, second)))
    yield* TestClock.adjust(deadlineMillis)
    return yield* Fiber.join(fiber)
  })

/** Waits for the interruption a call must get; checks that a call which settled got none. */
const checkCut = (cut: boolean, interrupted: Deferred.Deferred<void>) =>
  cut
    ? Deferred.await(interrupted)
    : Effect.map(Deferred.isDone(interrupted), (done) => assert.isFalse(done))

// Delays strictly before the deadline, or a call that never settles; a tie with the
// deadline would leave the order of two timers at one instant to the scheduler. At least
// 1 ms, so that both calls have started before either settles: a call interrupted before
// it starts never runs, and so never sees its interruption.
const script = fc.record({
  delay: fc.option(fc.integer({ min: 1, max: deadlineMillis - 1 }), { nil: undefined }),
  ok: fc.boolean()
})

describe("Deadline.boundBoth", () => {
  it.effect("decides as the first-outranks-second rule says, for any timing of either call", () =>
    Effect.gen(function* () {
      const runtime = yield* Effect.runtime<never>()
      yield* Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(script, script, (first, second) =>
            Runtime.runPromise(runtime)(
              Effect.gen(function* () {
                const { verdict, interrupted } = yield* runBoth(first, second)
                assert.deepStrictEqual(verdict, oracle(first, second))
                // A call whose answer is no longer needed is cut short, never left running.
                yield* checkCut(first.delay === undefined, interrupted.first)
                const firstFailedFirst =
                  first.delay !== undefined && !first.ok && (second.delay === undefined || first.delay < second.delay)
                // Two calls settling at one instant may go either way.
                if (first.delay !== second.delay || first.ok) {
                  yield* checkCut(second.delay === undefined || firstFailedFirst, interrupted.second)
                }
              })
            )
          ),
          { numRuns: 200 }
        )
      )
    })
  )

  // The live clock takes another path (a plain timer instead of a sleeping fiber).
  it.live("on the live clock, the earliest call still running at the deadline is out of time, and both are cut", () =>
    Effect.gen(function* () {
      for (const [first, late] of [
        [{ delay: undefined, ok: true }, "identity"],
        [{ delay: 10, ok: true }, "test-query"]
      ] as const) {
        const start = Date.now()
        const { verdict, interrupted } = yield* bothUnder((start + 150) as Deadline.Deadline, first, {
          delay: undefined,
          ok: true
        })
        const elapsed = Date.now() - start
        assert.deepStrictEqual(verdict, { late })
        assert.isAtLeast(elapsed, 145)
        assert.isBelow(elapsed, 150 + 250)
        yield* checkCut(first.delay === undefined, interrupted.first)
        yield* Deferred.await(interrupted.second)
      }
    })
  )

  it.live("on the live clock, answers before the deadline decide as they do on the test clock", () =>
    Effect.gen(function* () {
      const deadline = (Date.now() + 5_000) as Deadline.Deadline
      const both = (first: Script, second: Script) => bothUnder(deadline, first, second)
      assert.deepStrictEqual((yield* both({ delay: 5, ok: true }, { delay: 1, ok: true })).verdict, { ok: "test-query" })
      assert.deepStrictEqual((yield* both({ delay: 20, ok: true }, { delay: 1, ok: false })).verdict, { failed: "test-query" })
      const cut = yield* both({ delay: 1, ok: false }, { delay: undefined, ok: true })
      assert.deepStrictEqual(cut.verdict, { failed: "identity" })
      yield* Deferred.await(cut.interrupted.second)
    })
  )

  it.effect("both calls can read the deadline they run under", () =>
    Effect.gen(function* () {
      const deadline = yield* Deadline.after(deadlineMillis)
      const seen = yield* Deadline.boundBoth(
        deadline,
        { endpoint: "identity", effect: Deadline.remaining },
        { endpoint: "test-query", effect: Deadline.remaining }
      )
      assert.deepStrictEqual(seen, Option.some(deadlineMillis))
      assert.deepStrictEqual(yield* Deadline.remaining, Option.none())
    })
  )

  it.effect("interrupting the caller interrupts both calls", () =>
    Effect.gen(function* () {
      const firstInterrupted = yield* Deferred.make<void>()
      const secondInterrupted = yield* Deferred.make<void>()
      const never: Script = { delay: undefined, ok: true }
      const fiber = yield* Effect.fork(
        Deadline.boundBoth(
          yield* Deadline.after(deadlineMillis),
          { endpoint: "identity", effect: scripted("identity", never, firstInterrupted) },
          { endpoint: "test-query", effect: scripted("test-query", never, secondInterrupted) }
        )
      )
      yield* TestClock.adjust(10)
      yield* Fiber.interrupt(fiber)
      yield* Deferred.await(firstInterrupted)
      yield* Deferred.await(secondInterrupted)
    })
  )
})
