import { Context, Effect, Layer, Queue, type Scope } from "effect"

/** The operating system's requests to stop. */
export type StopSignal = "SIGINT" | "SIGTERM"

/**
 * SIGINT and SIGTERM as the commands see them. The miner's runtime does not interrupt on
 * a signal by itself (see `runtime.ts`): a command decides what one means, so that `ensure
 * --watch` can finish its round while `post` stops at once.
 */
export class StopSignals extends Context.Tag("@gittensor-pat/miner/StopSignals")<
  StopSignals,
  {
    /**
     * Waits for the next signal. Signals are this program's to handle only while someone
     * waits; otherwise Node's default applies (the process ends).
     */
    readonly next: Effect.Effect<StopSignal>
    /**
     * Every signal from now until the scope closes, in order: none falls between two waits
     * and none takes Node's default action meanwhile (a watch waits for a first and a second).
     */
    readonly subscribe: Effect.Effect<Queue.Dequeue<StopSignal>, never, Scope.Scope>
  }
>() {}

const names: ReadonlyArray<StopSignal> = ["SIGINT", "SIGTERM"]

/** The process's own SIGINT and SIGTERM. */
export const layerNode: Layer.Layer<StopSignals> = Layer.succeed(StopSignals, {
  next: Effect.async<StopSignal>((resume) => {
    const handlers = names.map((name) => [name, () => finish(name)] as const)
    const remove = () => {
      for (const [name, handler] of handlers) process.removeListener(name, handler)
    }
    function finish(name: StopSignal) {
      remove()
      resume(Effect.succeed(name))
    }
    for (const [name, handler] of handlers) process.on(name, handler)
    return Effect.sync(remove)
  }),
  subscribe: Effect.gen(function* () {
    const queue = yield* Queue.unbounded<StopSignal>()
    const handlers = names.map((name) => [name, () => Queue.unsafeOffer(queue, name)] as const)
    yield* Effect.acquireRelease(
      Effect.sync(() => {
        for (const [name, handler] of handlers) process.on(name, handler)
      }),
      () =>
        Effect.sync(() => {
          for (const [name, handler] of handlers) process.removeListener(name, handler)
        })
    )
    return queue
  })
})

/** Signals offered to `queue` by a test; none arrive unless it offers them. */
export const layerQueue = (queue: Queue.Dequeue<StopSignal>): Layer.Layer<StopSignals> =>
  Layer.succeed(StopSignals, { next: Queue.take(queue), subscribe: Effect.succeed(queue) })

/** No signal ever arrives. */
export const layerNever: Layer.Layer<StopSignals> = Layer.succeed(StopSignals, {
  next: Effect.never,
  subscribe: Queue.unbounded<StopSignal>()
})

/** Runs `effect`, interrupted by the first signal: what a command that has nothing to finish wants. */
export const stopOnSignal = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R | StopSignals> =>
  Effect.flatMap(StopSignals, (signals) => Effect.raceFirst(effect, Effect.zipRight(signals.next, Effect.interrupt)))
