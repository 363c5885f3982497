import { Clock, Data, Deferred, Effect, Exit, Option } from "effect"
import { DeadlineCrowd } from "./deadlineCrowd.js"
import { INITIAL_COST_MS } from "./loadMeter.js"
import { StakeQueue } from "./stakeQueue.js"

/** The request could not start before its deadline; it is answered 503 at once. */
export class OverloadShedError extends Data.TaggedError("OverloadShedError")<{
  readonly reason: "deadline" | "queue"
}> {}

interface Waiter {
  readonly stake: number
  readonly seq: number
  /** Epoch ms by which the request must be answered. */
  readonly deadline: number
  readonly turn: Deferred.Deferred<void, OverloadShedError>
  state: "waiting" | "granted" | "abandoned"
}

/** How busy the admission gate is, for `/healthz` and `/metrics`. */
export interface AdmissionLoad {
  readonly running: number
  readonly waiting: number
}

/** What a request of some stake would face at the gate now, for the front door. */
export interface AdmissionPressure {
  readonly running: number
  /** Expected wait for a slot (ms). */
  readonly waitMs: number
}

/**
 * A bounded number of pipelines at once; when all slots are busy, waiting requests are
 * admitted highest stake first, and a request that cannot start before its deadline is
 * refused instead of being left to time out.
 */
export interface Admission {
  /**
   * Runs `self` in a slot; fails with `OverloadShedError` if none frees up by `deadline`
   * (epoch ms). `self` gets the deadline to run under: `deadline`, or earlier when a
   * crowd of pipelines is due at the same time (see `DeadlineCrowd`).
   */
  readonly run: <A, E, R>(
    stake: number,
    deadline: number,
    self: (deadline: number) => Effect.Effect<A, E, R>
  ) => Effect.Effect<A, E | OverloadShedError, R>
  /** Pipelines running and waiting now. */
  readonly load: Effect.Effect<AdmissionLoad>
  /** What a request of `stake` would face at the gate now (a plain read: the front door asks it for every request). */
  readonly pressure: (stake: number) => AdmissionPressure
}

// Smoothing of the mean run time used to foresee that a waiter cannot finish in time.
const EWMA_WEIGHT = 0.1
// Under overload runs end hundreds of times a second; the queue is re-judged at most this often.
const SWEEP_EVERY_MS = 50

/** How to build an admission gate. */
export interface AdmissionOptions {
  readonly maxConcurrency: number
  /** Event-loop time answering one request costs (ms); default `INITIAL_COST_MS`. */
  readonly answerCostMs?: () => number
}

/** An admission gate with `maxConcurrency` slots. */
export const make = (options: AdmissionOptions): Effect.Effect<Admission> =>
  Effect.sync(() => {
    const slots = Math.max(1, Math.floor(options.maxConcurrency))
    const answerCostMs = options.answerCostMs ?? (() => INITIAL_COST_MS)
    const queue = new StakeQueue<Waiter>()
    const crowd = new DeadlineCrowd()
    let running = 0
    let waiting = 0
    let seq = 0
    let meanRunMs = 0

    const shed = (waiter: Waiter, reason: OverloadShedError["reason"]): void => {
      waiter.state = "abandoned"
      waiting--
      Deferred.unsafeDone(waiter.turn, Exit.fail(new OverloadShedError({ reason })))
    }

    // Hands the freed slot to the best waiter that can still finish in time; the others
    // it passes over could only end in a deadline answer, so they are shed now.
    const release = (now: number): void => {
      for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
        if (next.state !== "waiting") continue
        if (now + meanRunMs > next.deadline) {
          shed(next, "deadline")
          continue
        }
        next.state = "granted"
        waiting--
        Deferred.unsafeDone(next.turn, Exit.void)
        return
      }
      running--
    }

    const abandon = (waiter: Waiter, now: number): void => {
      if (waiter.state === "waiting") {
        waiter.state = "abandoned"
        waiting--
      } else if (waiter.state === "granted") {
        waiter.state = "abandoned"
        release(now)
      }
    }

    // Waiters that will be served before one of `stake`: a linear pass, paid only under overload.
    const ahead = (stake: number): number => {
      let count = 0
      for (const w of queue.values()) if (w.state === "waiting" && w.stake >= stake) count++
      return count
    }

    // Until a request of `stake` would have run, as `hopeless` reckons it; nothing while a slot is free.
    const slotWaitMs = (stake: number): number =>
      running < slots && waiting === 0 ? 0 : (Math.floor(ahead(stake) / slots) + 1) * meanRunMs

    const hopeless = (stake: number, remainingMs: number): boolean =>
      remainingMs <= 0 || (meanRunMs > 0 && (Math.floor(ahead(stake) / slots) + 1) * meanRunMs > remainingMs)

    const wait = (waiter: Waiter, latestStartMs: number): Effect.Effect<void, OverloadShedError> =>
      Deferred.await(waiter.turn).pipe(
        Effect.timeoutOption(latestStartMs),
        Effect.onInterrupt(() => Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.sync(() => abandon(waiter, now)))),
        Effect.flatMap(
          Option.match({
            onSome: () => Effect.void,
            onNone: () =>
              Effect.flatMap(Clock.currentTimeMillis, (now) => {
                abandon(waiter, now)
                return Effect.fail(new OverloadShedError({ reason: "deadline" }))
              })
          })
        )
      )

    const acquire = (stake: number, deadline: number): Effect.Effect<void, OverloadShedError> =>
      Effect.suspend(() => {
        if (running < slots && waiting === 0) {
          running++
          return Effect.void
        }
        return Effect.flatMap(Clock.currentTimeMillis, (now) => {
          const remainingMs = deadline - now
          if (hopeless(stake, remainingMs)) {
            return Effect.fail(new OverloadShedError({ reason: remainingMs <= 0 ? "deadline" : "queue" }))
          }
          return Effect.flatMap(Deferred.make<void, OverloadShedError>(), (turn) => {
            const waiter: Waiter = { stake, seq: seq++, deadline, turn, state: "waiting" }
            queue.push(waiter)
            waiting++
            return wait(waiter, Math.max(0, remainingMs - meanRunMs))
          })
        })
      })

    // A waiter's timer was set from the run time known when it queued: none at all for those
    // queued before the first run ended, who would otherwise learn at their deadline what
    // is plain now. So as runs end, waiters that can no longer have their run in time are shed.
    let sweptAt = Number.NEGATIVE_INFINITY
    const sweep = (now: number): void => {
      if (waiting === 0 || now - sweptAt < SWEEP_EVERY_MS) return
      sweptAt = now
      const inLine = queue
        .values()
        .filter((w) => w.state === "waiting")
        .sort((a, b) => b.stake - a.stake || a.seq - b.seq)
      for (const [i, w] of inLine.entries()) if (now + (Math.floor(i / slots) + 1) * meanRunMs > w.deadline) shed(w, "queue")
    }

    const finish = (startedAt: number) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.sync(() => {
          const took = now - startedAt
          meanRunMs = meanRunMs === 0 ? took : meanRunMs + EWMA_WEIGHT * (took - meanRunMs)
          release(now)
          sweep(now)
        })
      )

    return {
      run: (stake, deadline, self) =>
        Effect.uninterruptibleMask((restore) =>
          Effect.zipRight(
            restore(acquire(stake, deadline)),
            Effect.flatMap(Clock.currentTimeMillis, (startedAt) => {
              const entry = crowd.enter(deadline, startedAt, answerCostMs())
              return restore(self(entry.deadline)).pipe(
                Effect.ensuring(Effect.zipRight(Effect.sync(() => crowd.leave(entry)), finish(startedAt)))
              )
            })
          )
        ),
      load: Effect.sync(() => ({ running, waiting })),
      pressure: (stake) => ({ running, waitMs: slotWaitMs(stake) })
    }
  })
