import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Either, FastCheck as fc, Fiber, Option, Runtime, TestClock } from "effect"
import { type GitHubEndpoint, startCall, TransientGitHubError } from "@gittensor-pat/core"

type Name = "first" | "second"

const endpoints: Record<Name, GitHubEndpoint> = { first: "identity", second: "test-query" }

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

// Neither scripted call runs out of time here (nothing interrupts them from outside).
const verdictOf = (poll: Option.Option<Either.Either<string, CallFailed | TransientGitHubError>>): Verdict =>
  Option.match(poll, {
    onNone: () => "pending",
    onSome: Either.match({
      onRight: (name) => ({ ok: name as Name }),
      onLeft: (error) => ({ failed: error instanceof CallFailed ? error.call : ("unexpected" as Name) })
    })
  })

/** Both calls started, the first's answer deciding first, as `checkPat` runs identity and test query. */
const pair = <A, B, E1, E2>(first: Effect.Effect<A, E1>, second: Effect.Effect<B, E2>) =>
  Effect.gen(function* () {
    const later = yield* startCall(endpoints.second, second)
    const sooner = yield* startCall(endpoints.first, first)
    yield* Effect.tapError(sooner.answer, () => later.cancel)
    return yield* later.answer
  })

const runPair = (first: Script, second: Script) =>
  Effect.gen(function* () {
    const interrupted = { first: yield* Deferred.make<void>(), second: yield* Deferred.make<void>() }
    const fiber = yield* Effect.fork(
      Effect.either(
        pair(scripted("first", first, interrupted.first), scripted("second", second, interrupted.second))
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

describe("startCall", () => {
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
          pair(Effect.zipRight(Effect.sleep(10), Effect.fail(new CallFailed("first"))), scripted("second", { delay: undefined, ok: true }, interrupted))
        )
      )
      yield* TestClock.adjust(10)
      const result = yield* Fiber.join(fiber)
      assert.isTrue(Either.isLeft(result) && result.left instanceof CallFailed && result.left.call === "first")
      yield* Deferred.await(interrupted)
    })
  )

  it.effect("interrupting the caller interrupts both calls", () =>
    Effect.gen(function* () {
      const firstInterrupted = yield* Deferred.make<void>()
      const secondInterrupted = yield* Deferred.make<void>()
      const never: Script = { delay: undefined, ok: true }
      const fiber = yield* Effect.fork(
        pair(scripted("first", never, firstInterrupted), scripted("second", never, secondInterrupted))
      )
      yield* TestClock.adjust(10)
      yield* Fiber.interrupt(fiber)
      yield* Deferred.await(firstInterrupted)
      yield* Deferred.await(secondInterrupted)
    })
  )

  it.effect("a call interrupted from outside (a server cutting it short) answers as out of time, not as an interruption", () =>
    Effect.gen(function* () {
      const running = yield* Deferred.make<Fiber.RuntimeFiber<unknown, unknown>>()
      // A hanging call that hands out the fiber it runs in, which is interrupted from outside.
      const call = Effect.withFiberRuntime<never>((fiber) => Effect.zipRight(Deferred.succeed(running, fiber), Effect.never))
      const started = yield* startCall("test-query", call)
      const waiting = yield* Effect.fork(Effect.either(started.answer))
      yield* Fiber.interrupt(yield* Deferred.await(running))
      assert.deepStrictEqual(yield* Fiber.join(waiting), Either.left(new TransientGitHubError({ endpoint: "test-query", cause: "deadline" })))
    })
  )
})
