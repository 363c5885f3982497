import { Context, Effect, Layer } from "effect"
import * as Admission from "./admission.js"

export { OverloadShedError } from "./admission.js"
import * as LoadMeter from "./loadMeter.js"
import { MAX_HOLD_SHARE, ShedPacer } from "./shedPacer.js"
import { expectedMs, mustShed, StakeRanks } from "./shedPolicy.js"

/** A registered caller's request as overload sees it: the caller's stake and the request's deadline (epoch ms). */
export interface Caller {
  readonly stake: number
  readonly deadline: number
}

/** Whether a request that just arrived goes on, or is refused now with 503. */
export type Arrived = "pass" | "shed"

/** Pipelines running and waiting now, for `/healthz` and `/metrics`. */
export type OverloadGauges = Admission.AdmissionLoad

/**
 * How the validator stays answerable when more arrives than it can serve: requests that
 * could only end in a timeout are refused with 503 instead, as early as possible, lowest
 * stake first. Two gates: at arrival, before any costly work (`arrive`), and for a slot to
 * run the pipeline in (`run`). Only verified, complete requests count as load (`load`);
 * unfinished or unauthenticated ones never crowd out a real caller.
 */
export class Overload extends Context.Tag("@gittensor-pat/validator/Overload")<
  Overload,
  {
    /**
     * Decides, from its headers alone, whether a registered caller's request can still be
     * answered by its deadline. A CPU-bound validator otherwise lets requests wait in its
     * event loop for their whole budget and answers them after the caller has gone. When
     * the validator is not overloaded every request passes. A request that passes reports
     * its end with `answered`.
     */
    readonly arrive: (caller: Caller) => Arrived
    /** A request that passed `arrive` was answered, or its caller left. */
    readonly answered: () => void
    /**
     * Writes a refusal that `arrive` decided: at once unless refusals would take more than
     * their share of the event loop, and never later than half the caller's remaining time.
     */
    readonly refuse: (deadline: number, write: () => void) => void
    /** Counts `self` as load while it runs: a request verified and complete, until its answer. */
    readonly load: <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
    /**
     * Runs `self` in one of `maxConcurrency` slots, highest stake first when they are all
     * taken; fails with `OverloadShedError` when no slot frees in time for `deadline`. `self`
     * gets the deadline to run under: `deadline`, or earlier when a crowd of pipelines is
     * due at the same time, so that their answers come out spread within their deadlines.
     */
    readonly run: Admission.Admission["run"]
    readonly gauges: Effect.Effect<OverloadGauges>
  }
>() {}

/** Both gates over `maxConcurrency` slots; the load meter samples the event loop while the scope is open. */
export const make = (options: { readonly maxConcurrency: number }) =>
  Effect.gen(function* () {
    const meter = yield* LoadMeter.make
    const admission = yield* Admission.make({ ...options, answerCostMs: meter.costMs })
    const ranks = new StakeRanks()
    const pacer = new ShedPacer(() => meter.costMs() * LoadMeter.SHED_WEIGHT)
    yield* Effect.addFinalizer(() => Effect.sync(() => pacer.flush()))

    const arrive = ({ stake, deadline }: Caller): Arrived => {
      const rank = ranks.rank(stake)
      ranks.add(stake)
      const pressure = admission.pressure(stake)
      const expected = expectedMs({
        queued: Math.max(0, meter.open() - pressure.running),
        running: pressure.running,
        costMs: meter.costMs(),
        slotWaitMs: pressure.waitMs
      })
      if (!mustShed(expected, deadline - Date.now(), rank)) return "pass"
      meter.shed()
      return "shed"
    }

    return Overload.of({
      arrive,
      answered: meter.answered,
      refuse: (deadline, write) =>
        pacer.submit({ write, latestMs: Date.now() + Math.max(0, deadline - Date.now()) * MAX_HOLD_SHARE }),
      load: meter.load,
      run: admission.run,
      gauges: admission.load
    })
  })

/** The overload gates as a layer. */
export const layer = (options: { readonly maxConcurrency: number }): Layer.Layer<Overload> =>
  Layer.scoped(Overload, make(options))
