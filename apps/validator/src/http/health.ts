import { HttpServerResponse } from "@effect/platform"
import { Metagraph } from "@gittensor-pat/core"
import { MetagraphStatus } from "@gittensor-pat/axon"
import { Clock, Effect, Option } from "effect"
import { Overload } from "../overload/Overload.js"
import { Drain } from "../ops/Drain.js"
import { Metrics } from "../ops/Metrics.js"
import { storeReport } from "./storeReport.js"

interface MetagraphFreshness {
  readonly ageSeconds: number
  readonly source: string | null
  readonly block: number | null
  readonly lastError: string | null
}

// A metagraph without a snapshot behind it (tests, embedders) has no age to report.
const freshness = (now: number): Effect.Effect<MetagraphFreshness> =>
  Effect.flatMap(Effect.serviceOption(MetagraphStatus), (status) =>
    Option.match(status, {
      onNone: (): Effect.Effect<MetagraphFreshness> => Effect.succeed({ ageSeconds: 0, source: null, block: null, lastError: null }),
      onSome: ({ health }) =>
        Effect.map(health, (h) => ({
          ageSeconds: Math.max(0, (now - h.loadedAt) / 1_000),
          source: h.source,
          block: h.block,
          lastError: Option.getOrNull(h.lastError)
        }))
    })
  )

/**
 * `GET /healthz`: 200 when the store is readable and writable (see `storeReport`) and the
 * metagraph has neurons, 503 otherwise; the body says which and why, where the metagraph
 * comes from, its block and age, and the load.
 */
export const healthz = Effect.gen(function* () {
  const now = yield* Clock.currentTimeMillis
  const store = yield* storeReport
  const neurons = (yield* Effect.flatMap(Metagraph, (m) => m.neurons)).length
  const metagraph = yield* freshness(now)
  const load = yield* (yield* Overload).gauges
  const draining = (yield* Drain).isDraining()
  const ok = store.ok && neurons > 0 && !draining
  return yield* HttpServerResponse.json(
    {
      status: ok ? "ok" : "unhealthy",
      store: store.body,
      metagraph: {
        loaded: neurons > 0,
        neurons,
        source: metagraph.source,
        block: metagraph.block,
        age_seconds: Math.round(metagraph.ageSeconds),
        last_reload_error: metagraph.lastError
      },
      requests: load,
      draining
    },
    { status: ok ? 200 : 503 }
  )
}).pipe(Effect.orDie)

/** `GET /metrics`: the Prometheus text exposition. */
export const metricsText = Effect.gen(function* () {
  const now = yield* Clock.currentTimeMillis
  const load = yield* (yield* Overload).gauges
  const { ageSeconds } = yield* freshness(now)
  const text = yield* Effect.flatMap(Metrics, (m) => m.render({ ...load, metagraphAgeSeconds: ageSeconds }))
  return HttpServerResponse.text(text, { contentType: "text/plain; version=0.0.4; charset=utf-8" })
})
