import { Deferred, Effect, FiberId } from "effect"

/** One effect whose concurrent runs are shared; see `singleFlight`. */
export interface SingleFlight<A, E> {
  /** Joins the run under way, or starts one. */
  readonly run: Effect.Effect<A, E>
  /** Lets the next `run` start afresh even if one is under way (its waiters keep its answer). */
  readonly forget: Effect.Effect<void>
}

/**
 * Shares one run of `self` among every caller that asks while it runs. The run has its own
 * fiber, so one caller giving up (interrupted) never cuts it short for the others.
 */
export const singleFlight = <A, E>(self: Effect.Effect<A, E>): SingleFlight<A, E> => {
  let running: Deferred.Deferred<A, E> | undefined
  const start = (shared: Deferred.Deferred<A, E>) =>
    Effect.forkDaemon(
      Effect.flatMap(Effect.exit(self), (exit) => {
        if (running === shared) running = undefined
        return Deferred.done(shared, exit)
      })
    )
  const run = Effect.suspend(() => {
    if (running !== undefined) return Deferred.await(running)
    const shared = Deferred.unsafeMake<A, E>(FiberId.none)
    running = shared
    return Effect.zipRight(start(shared), Deferred.await(shared))
  })
  const forget = Effect.sync(() => {
    running = undefined
  })
  return { run, forget }
}
