import { PatStore } from "@gittensor-pat/core"
import { Context, Duration, Effect, Layer, Schedule } from "effect"

/** What a drain left behind when its time ran out. */
export interface DrainResult {
  readonly unfinishedRequests: number
}

/**
 * Graceful shutdown's bookkeeping: requests and store writes in flight, and whether the
 * server is draining (new requests are then refused and connections closed).
 */
export class Drain extends Context.Tag("@gittensor-pat/validator/Drain")<
  Drain,
  {
    /** Counts a request in flight from now; the returned function ends it (once). */
    readonly requestStarted: () => () => void
    /** Counts `self` as a store write in flight until it ends. */
    readonly write: <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
    /** Whether shutdown has begun (a plain read: it is on every request's path). */
    readonly isDraining: () => boolean
    /**
     * Runs `cut` once when the grace is nearly over with requests still in flight (at once
     * if that moment has passed): what they still wait for must end now, so that they can
     * be answered within the grace.
     */
    readonly whenGraceEnds: (cut: () => void) => void
    /**
     * Starts draining and waits up to `grace` for requests in flight: when only the last
     * part of it is left, the `whenGraceEnds` callbacks cut what the rest wait for. Then it
     * waits for store writes in flight however long they take (a write is never cut short),
     * and for the answers of the requests those writes belonged to.
     */
    readonly drain: (grace: Duration.DurationInput) => Effect.Effect<DrainResult>
  }
>() {}

const POLL = Schedule.spaced("10 millis")

/** The last part of the grace, kept to answer the requests that were cut short. */
export const answerMargin = (grace: Duration.Duration): Duration.Duration =>
  Duration.min(Duration.millis(500), Duration.times(grace, 0.25))

// How long the request of a write that just ended takes to answer, at most.
const ANSWER_AFTER_WRITE = Duration.millis(200)

/** A fresh drain tracker. */
export const make: Effect.Effect<Drain["Type"]> = Effect.sync(() => {
  let requests = 0
  let writes = 0
  let draining = false
  let cutDone = false
  const cuts: Array<() => void> = []
  const until = (done: () => boolean) => Effect.repeat(Effect.sync(done), { schedule: POLL, until: (ok) => ok })
  // Shutdown runs as a scope finalizer, which is uninterruptible: the wait must be made
  // interruptible again, or the timeout could not stop it and would wait as long as it does.
  const within = (limit: Duration.Duration, done: () => boolean) =>
    Effect.timeoutOption(Effect.interruptible(until(done)), limit)
  const cut = Effect.sync(() => {
    cutDone = true
    for (const f of cuts.splice(0)) f()
  })
  // Plain counting: it runs on every request, outside any fiber.
  const requestStarted = () => {
    requests += 1
    let ended = false
    return () => {
      if (!ended) requests -= 1
      ended = true
    }
  }
  return Drain.of({
    requestStarted,
    write: (self) =>
      Effect.acquireUseRelease(
        Effect.sync(() => {
          writes += 1
        }),
        () => self,
        () =>
          Effect.sync(() => {
            writes -= 1
          })
      ),
    isDraining: () => draining,
    whenGraceEnds: (f) => {
      if (cutDone) f()
      else cuts.push(f)
    },
    drain: (grace) =>
      Effect.gen(function* () {
        draining = true
        const total = Duration.decode(grace)
        const margin = answerMargin(total)
        yield* within(Duration.subtract(total, margin), () => requests === 0)
        if (requests > 0) {
          yield* cut
          yield* within(margin, () => requests === 0)
        }
        if (writes > 0) {
          yield* until(() => writes === 0)
          yield* within(ANSWER_AFTER_WRITE, () => requests === 0)
        }
        return { unfinishedRequests: requests }
      })
  })
})

/** The tracker as a layer. */
export const layer: Layer.Layer<Drain> = Layer.effect(Drain, make)

/** Decorates the `PatStore` so that shutdown waits for every write in flight. */
export const trackWrites: Layer.Layer<PatStore, never, PatStore | Drain> = Layer.effect(
  PatStore,
  Effect.gen(function* () {
    const store = yield* PatStore
    const drain = yield* Drain
    return PatStore.of({ ...store, save: (entry, guard) => drain.write(store.save(entry, guard)) })
  })
)
