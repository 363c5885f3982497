import { performance } from "node:perf_hooks"
import { Effect, Schedule, type Scope } from "effect"

/**
 * How much work the validator holds and what one request costs it: the front door's and
 * the admission gate's view of the CPU queue they cannot see directly (Node's event loop).
 * Only a request whose body has arrived and whose signature is verified is load: one still
 * sending its body, or not yet known to be who it says, waits on nothing of ours, and a
 * crowd of them (issue 13: thousands of half-sent bodies) must not get real callers shed.
 */
export interface LoadMeter {
  /** Counts `self` as load while it runs: from a verified, complete request to its answer. */
  readonly load: <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /** A request that passed the front door was answered (or its caller left), load or not. */
  readonly answered: () => void
  /** A request was refused at the front door. */
  readonly shed: () => void
  /** Requests counted as load and not answered yet. */
  readonly open: () => number
  /** Event-loop milliseconds one answered request costs (a moving average). */
  readonly costMs: () => number
}

/** Event-loop time a request costs before anything is measured: about what this machine spends (bench/README.md). */
export const INITIAL_COST_MS = 3

/**
 * A front-door 503 skips the body, the signature and the pipeline, so it counts as this share
 * of a served request in the average (its measured cost against a served check's, bench/README.md).
 */
export const SHED_WEIGHT = 0.06
const SAMPLE_EVERY = "100 millis"
// Windows with fewer answers say more about timers and GC than about requests.
const MIN_ANSWERS = 4
const EWMA_WEIGHT = 0.2

/** One measurement window: event-loop busy time and what was done in it. */
export interface LoadSample {
  readonly activeMs: number
  readonly answered: number
  readonly shed: number
}

/** The moving average after one window; windows too thin to tell keep the old value. */
export const nextCost = (previousMs: number, sample: LoadSample): number => {
  if (sample.answered < MIN_ANSWERS) return previousMs
  const perRequest = sample.activeMs / (sample.answered + SHED_WEIGHT * sample.shed)
  return previousMs + EWMA_WEIGHT * (perRequest - previousMs)
}

/**
 * A meter that samples the event loop's utilisation every 100 ms while its scope is open.
 * Utilisation, not process CPU time: it is wall time on the one thread that serves
 * requests, so it also counts the time the OS gives to the neighbours.
 */
export const make: Effect.Effect<LoadMeter, never, Scope.Scope> = Effect.gen(function* () {
  let open = 0
  let answered = 0
  let shed = 0
  let cost = INITIAL_COST_MS
  let last = performance.eventLoopUtilization()
  const sample = Effect.sync(() => {
    const now = performance.eventLoopUtilization()
    const delta = performance.eventLoopUtilization(now, last)
    last = now
    cost = nextCost(cost, { activeMs: delta.active, answered, shed })
    answered = 0
    shed = 0
  })
  yield* Effect.forkScoped(Effect.repeat(sample, Schedule.spaced(SAMPLE_EVERY)))
  const admit = Effect.sync(() => {
    open++
  })
  const settle = Effect.sync(() => {
    open--
  })
  return {
    load: (self) => Effect.acquireUseRelease(admit, () => self, () => settle),
    answered: () => {
      answered++
    },
    shed: () => {
      shed++
    },
    open: () => open,
    costMs: () => cost
  }
})
