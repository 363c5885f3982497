import { Cause, Clock, Context, DefaultServices, Duration, Effect, type Exit, type Fiber, FiberId, FiberRef, Option } from "effect"
import { type GitHubEndpoint, TransientGitHubError } from "./errors.js"

/** An absolute point in time (epoch milliseconds) by which a request must be answered. */
export type Deadline = number & { readonly Deadline: unique symbol }

/** The deadline `duration` from now. */
export const after = (duration: Duration.DurationInput): Effect.Effect<Deadline> =>
  Effect.map(Clock.currentTimeMillis, (now) => (now + Duration.toMillis(duration)) as Deadline)

/** The deadline of the fiber that is running, if a caller set one. */
export const current: FiberRef.FiberRef<Option.Option<Deadline>> = FiberRef.unsafeMake(
  Option.none<Deadline>()
)

/** Milliseconds left before the current deadline (never negative), if there is one. */
export const remaining: Effect.Effect<Option.Option<number>> = Effect.flatMap(
  FiberRef.get(current),
  (deadline) =>
    Option.match(deadline, {
      onNone: () => Effect.succeed(Option.none()),
      onSome: (at) =>
        Effect.map(Clock.currentTimeMillis, (now) => Option.some(Math.max(0, at - now)))
    })
)

/** One GitHub call to run under a deadline, and the endpoint it asks. */
export interface Call<A, E, R> {
  readonly endpoint: GitHubEndpoint
  readonly effect: Effect.Effect<A, E, R>
}

interface Running {
  readonly endpoint: GitHubEndpoint
  readonly fiber: Fiber.RuntimeFiber<unknown, unknown>
}

const expired = (endpoint: GitHubEndpoint) => new TransientGitHubError({ endpoint, cause: "deadline" })

const liveClock = Context.get(DefaultServices.liveServices, Clock.Clock)

/**
 * Calls `ring` once `deadline` has passed on the fiber's clock; yields how to call it off.
 * On the live clock that is one timer: a sleeping fiber (forked, then interrupted when the
 * calls settle first, as they nearly always do) cost ~100 µs per check. Any other clock
 * (`TestClock`) gets the sleeping fiber, so that tests move time as they please.
 */
const setAlarm = (deadline: Deadline, ring: () => void): Effect.Effect<() => void> =>
  Effect.clockWith((clock) => {
    const millis = Math.max(0, deadline - clock.unsafeCurrentTimeMillis())
    if (clock === liveClock) {
      const timer = setTimeout(ring, millis)
      return Effect.succeed(() => clearTimeout(timer))
    }
    return Effect.map(
      Effect.fork(Effect.zipRight(Effect.sleep(Duration.millis(millis)), Effect.sync(ring))),
      (sleeper) => () => sleeper.unsafeInterruptAsFork(FiberId.none)
    )
  })

/**
 * Waits for `calls` (forked, in order of precedence) until `deadline`. The first failure
 * among calls whose predecessors all succeeded decides, at once, and interrupts the rest;
 * else the last call's value. When the deadline passes first, the earliest call still
 * running fails as out of time; so does a call interrupted from outside.
 *
 * Written against fiber observers and one timer rather than with `race`/`zip` combinators:
 * those fork a fiber per side and merge fiber refs on every join, which cost ~450 µs per
 * check, about a quarter of all the CPU a check took.
 */
const settle = (calls: ReadonlyArray<Running>, deadline: Deadline): Effect.Effect<unknown, unknown> =>
  Effect.gen(function* () {
    const self = yield* Effect.fiberId
    const exits: Array<Exit.Exit<unknown, unknown> | undefined> = calls.map(() => undefined)
    let verdict: Effect.Effect<unknown, unknown> | undefined
    let resume: ((result: Effect.Effect<unknown, unknown>) => void) | undefined
    let cancelAlarm = () => {}
    // Only fibers still running: a message to a finished fiber still costs a scheduler turn.
    const finish = (result: Effect.Effect<unknown, unknown>) => {
      if (verdict !== undefined) return
      verdict = result
      cancelAlarm()
      calls.forEach(({ fiber }, index) => {
        if (exits[index] === undefined) fiber.unsafeInterruptAsFork(self)
      })
      resume?.(result)
    }
    // A call interrupted from outside (the server cutting GitHub calls short as it shuts
    // down) gave no verdict: for the caller it ran out of time.
    const decide = () => {
      for (let index = 0; index < exits.length; index++) {
        const exit = exits[index]
        if (exit === undefined) return
        if (exit._tag === "Failure") {
          return finish(Cause.isInterruptedOnly(exit.cause) ? Effect.fail(expired(calls[index]!.endpoint)) : exit)
        }
      }
      finish(exits[exits.length - 1] as Exit.Exit<unknown, unknown>)
    }
    cancelAlarm = yield* setAlarm(deadline, () => {
      const late = calls.find((_, index) => exits[index] === undefined)
      if (late !== undefined) finish(Effect.fail(expired(late.endpoint)))
    })
    calls.forEach(({ fiber }, index) => {
      fiber.addObserver((exit) => {
        exits[index] = exit
        decide()
      })
    })
    return yield* Effect.async<unknown, unknown>((callback) => {
      if (verdict !== undefined) return callback(verdict)
      resume = callback
      // The caller gave up: nothing it started may outlive it.
      return Effect.sync(() => {
        resume = undefined
        finish(Effect.interrupt)
      })
    })
  })

const runAll = <R>(deadline: Deadline, calls: ReadonlyArray<Call<unknown, unknown, R>>): Effect.Effect<unknown, unknown, R> =>
  Effect.gen(function* () {
    const running: Array<Running> = []
    for (const call of calls) {
      // The fiber ends with the call, so the deadline need not be restored as `locally` would.
      const fiber = yield* Effect.fork(Effect.zipRight(FiberRef.set(current, Option.some(deadline)), call.effect))
      running.push({ endpoint: call.endpoint, fiber })
    }
    return yield* settle(running, deadline)
  })

/**
 * Runs a GitHub call under `deadline`: the call can read the deadline (to cap its own
 * retries and attempt timeouts), and running out of time fails it as transient. The
 * call is interrupted as soon as time is up, not waited for.
 */
export const bound =
  (deadline: Deadline, endpoint: GitHubEndpoint) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E | TransientGitHubError, R> =>
    // `runAll` is untyped inside; the call's value and error come back unchanged.
    runAll(deadline, [{ endpoint, effect: self }]) as Effect.Effect<A, E | TransientGitHubError, R>

/**
 * Runs two GitHub calls concurrently, each under `deadline` as `bound` does, and succeeds
 * with the second's value once both succeeded. The first outranks the second: its failure
 * decides at once and interrupts the second, while a failure of the second waits for the
 * first's answer (which wins if it fails too).
 */
export const boundBoth = <A1, E1, A2, E2, R>(
  deadline: Deadline,
  first: Call<A1, E1, R>,
  second: Call<A2, E2, R>
): Effect.Effect<A2, E1 | E2 | TransientGitHubError, R> =>
  runAll<R>(deadline, [first, second]) as Effect.Effect<A2, E1 | E2 | TransientGitHubError, R>
