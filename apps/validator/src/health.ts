import { HttpServerResponse } from "@effect/platform"
import { Metagraph, PatStore, type Uid } from "@gittensor-pat/core"
import { Clock, Context, Effect, Option } from "effect"
import { Admission } from "./Admission.js"
import { Drain } from "./Drain.js"
import { Metrics } from "./Metrics.js"

/** When the metagraph in use was loaded, and the chain block it describes, if known. */
export class MetagraphAge extends Context.Tag("@gittensor-pat/validator/MetagraphAge")<
  MetagraphAge,
  Effect.Effect<{ readonly loadedAtMillis: number; readonly block: number | undefined }>
>() {}

const ageSeconds = (now: number) =>
  Effect.flatMap(Effect.serviceOption(MetagraphAge), (age) =>
    Option.match(age, {
      onNone: () => Effect.succeed({ ageSeconds: 0, block: undefined as number | undefined }),
      onSome: (read) => Effect.map(read, (a) => ({ ageSeconds: Math.max(0, (now - a.loadedAtMillis) / 1_000), block: a.block }))
    })
  )

/**
 * `GET /healthz`: 200 when the store is readable and the metagraph has neurons, 503
 * otherwise; the body says which, the metagraph's age, and the load.
 */
export const healthz = Effect.gen(function* () {
  const now = yield* Clock.currentTimeMillis
  const store = yield* PatStore
  const readable = yield* Effect.match(store.get(0 as Uid), { onFailure: () => false, onSuccess: () => true })
  const neurons = (yield* Effect.flatMap(Metagraph, (m) => m.neurons)).length
  const { ageSeconds: age, block } = yield* ageSeconds(now)
  const load = yield* Effect.flatMap(Admission, (a) => a.load)
  const draining = (yield* Drain).isDraining()
  const ok = readable && neurons > 0 && !draining
  return yield* HttpServerResponse.json(
    {
      status: ok ? "ok" : "unhealthy",
      store: { readable },
      metagraph: { loaded: neurons > 0, neurons, block: block ?? null, age_seconds: Math.round(age) },
      requests: load,
      draining
    },
    { status: ok ? 200 : 503 }
  )
}).pipe(Effect.orDie)

/** `GET /metrics`: the Prometheus text exposition. */
export const metricsText = Effect.gen(function* () {
  const now = yield* Clock.currentTimeMillis
  const load = yield* Effect.flatMap(Admission, (a) => a.load)
  const { ageSeconds: age } = yield* ageSeconds(now)
  const text = yield* Effect.flatMap(Metrics, (m) => m.render({ ...load, metagraphAgeSeconds: age }))
  return HttpServerResponse.text(text, { contentType: "text/plain; version=0.0.4; charset=utf-8" })
})
