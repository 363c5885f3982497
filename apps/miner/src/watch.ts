import { Cause, Clock, Console, Deferred, Duration, Effect, Exit, Fiber, Option, Queue, Random, Ref } from "effect"
import { StoppedAtOnce } from "./errors.js"
import { StopSignals } from "./StopSignals.js"

/** The regular period is jittered by this much either way, so that miners do not call in step. */
export const jitter = 0.1

/** While GitHub is unreachable from here, the first retry comes after this share of the period. */
export const firstBackoffShare = 1 / 8

/**
 * The wait before the next round, for a draw `factor` in [1 − jitter, 1 + jitter]: the
 * period, or after `outagesInARow` rounds that found GitHub unreachable, period / 8
 * doubled per such round up to the period, so the watch notices the end of an outage
 * soon without asking GitHub in a tight loop.
 */
export const waitBeforeNextRound = (
  every: Duration.Duration,
  outagesInARow: number,
  factor: number
): Duration.Duration => {
  const period = Duration.toMillis(every)
  const base =
    outagesInARow === 0 ? period : Math.min(period, period * firstBackoffShare * 2 ** (outagesInARow - 1))
  return Duration.millis(Math.round(base * factor))
}

/** `waitBeforeNextRound` with a jitter drawn from the `Random` service. */
export const nextWait = (every: Duration.Duration, outagesInARow: number): Effect.Effect<Duration.Duration> =>
  Effect.map(Random.nextRange(1 - jitter, 1 + jitter), (factor) => waitBeforeNextRound(every, outagesInARow, factor))

/** A repeated job, as the watch loop sees it. */
export interface Watched<R, E, Env> {
  /** The regular period between the starts of two rounds' waits. */
  readonly every: Duration.Duration
  /** Round `n` (from 1). A failure ends the watch; anything a later round may fix belongs in `R`. */
  readonly round: (n: number) => Effect.Effect<R, E, Env>
  /** Whether the round found GitHub unreachable from here (the next waits back off). */
  readonly githubUnreachable: (result: R) => boolean
  /** Tells of a finished round; `next` is the wait before the next one, none when stopping. */
  readonly report: (n: number, result: R, next: Option.Option<Duration.Duration>) => Effect.Effect<void, never, Env>
}

const rounds = <R, E, Env>(watched: Watched<R, E, Env>, stopping: Deferred.Deferred<void>, current: Ref.Ref<number>) =>
  Effect.gen(function* () {
    let outagesInARow = 0
    for (let n = 1; ; n++) {
      yield* Ref.set(current, n)
      const result = yield* watched.round(n)
      yield* Ref.set(current, 0)
      outagesInARow = watched.githubUnreachable(result) ? outagesInARow + 1 : 0
      if (yield* Deferred.isDone(stopping)) return yield* watched.report(n, result, Option.none())
      const wait = yield* nextWait(watched.every, outagesInARow)
      yield* watched.report(n, result, Option.some(wait))
      const stopped = yield* Effect.raceFirst(
        Effect.as(Effect.sleep(wait), false),
        Effect.as(Deferred.await(stopping), true)
      )
      if (stopped) return
    }
  })

/**
 * Runs rounds until a stop signal: the first lets the current round finish (or ends the
 * wait between rounds), a second interrupts the round at once. Sleeps on the `Clock`, so
 * a test drives it with `TestClock`. Cut short by a second signal, it fails with
 * `StoppedAtOnce`.
 */
export const watch = <R, E, Env>(
  watched: Watched<R, E, Env>
): Effect.Effect<void, E | StoppedAtOnce, Env | StopSignals> =>
  Effect.gen(function* () {
    // Subscribed before the first round, so that neither signal can fall between two waits.
    const signals = yield* (yield* StopSignals).subscribe
    const stopping = yield* Deferred.make<void>()
    const current = yield* Ref.make(0)
    const running = yield* Effect.fork(rounds(watched, stopping, current))
    const listener = yield* Effect.fork(
      Effect.gen(function* () {
        const signal = yield* Queue.take(signals)
        const n = yield* Ref.get(current)
        yield* Console.error(
          n === 0
            ? `${signal}: stopping.`
            : `${signal}: stopping after round ${n} finishes; send the signal again to stop at once.`
        )
        yield* Deferred.succeed(stopping, undefined)
        const again = yield* Queue.take(signals)
        yield* Console.error(`${again}: stopping now.`)
        yield* Fiber.interrupt(running)
      })
    )
    const exit = yield* Fiber.await(running)
    yield* Fiber.interrupt(listener)
    // Only the listener interrupts the rounds: an interruption of the watch itself ends here too.
    if (Exit.isFailure(exit) && Cause.isInterruptedOnly(exit.cause)) return yield* new StoppedAtOnce()
    return yield* exit
  }).pipe(Effect.scoped)

/** The current time as `2026-05-01T12:00:00Z`, for the start of a watch's lines. */
export const timestamp: Effect.Effect<string> = Effect.map(
  Clock.currentTimeMillis,
  (now) => `${new Date(now).toISOString().slice(0, 19)}Z`
)
