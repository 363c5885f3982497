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
     * Starts draining, waits up to `grace` for requests in flight, then for store writes in
     * flight however long they take: a write is never cut short.
     */
    readonly drain: (grace: Duration.DurationInput) => Effect.Effect<DrainResult>
  }
>() {}

const POLL = Schedule.spaced("10 millis")

/** A fresh drain tracker. */
export const make: Effect.Effect<Drain["Type"]> = Effect.sync(() => {
  let requests = 0
  let writes = 0
  let draining = false
  const until = (done: () => boolean) => Effect.repeat(Effect.sync(done), { schedule: POLL, until: (ok) => ok })
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
    drain: (grace) =>
      Effect.gen(function* () {
        draining = true
        yield* until(() => requests === 0).pipe(Effect.timeoutOption(Duration.decode(grace)))
        yield* until(() => writes === 0)
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
