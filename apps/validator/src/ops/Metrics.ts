import { Context, Effect, Layer } from "effect"
import { Counter, gauge, Histogram } from "./prometheus.js"

/**
 * What a request ended as: a pipeline outcome category, the HTTP status that refused it, or
 * `client_closed` when the caller hung up before the answer.
 */
export type RequestOutcome =
  | "valid"
  | "no_pat"
  | "invalid_pat"
  | "inconclusive"
  | "store_unavailable"
  | "accepted"
  | "rejected"
  | "rejected_transient"
  | "client_closed"
  | `http_${number}`

/** How one GitHub call ended. */
export type GitHubCallKind = "success" | "invalid" | "transient"

/** Scrape-time readings that live elsewhere (admission gate, metagraph). */
export interface MetricsGauges {
  readonly running: number
  readonly waiting: number
  readonly metagraphAgeSeconds: number
}

const LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

/** The validator's Prometheus metrics (`GET /metrics`). */
export class Metrics extends Context.Tag("@gittensor-pat/validator/Metrics")<
  Metrics,
  {
    readonly request: (synapse: string, outcome: RequestOutcome, seconds: number) => Effect.Effect<void>
    readonly githubCall: (endpoint: string, kind: GitHubCallKind, seconds: number) => Effect.Effect<void>
    readonly shed: Effect.Effect<void>
    readonly rateLimited: Effect.Effect<void>
    /** A signature checked on the main thread because the verifier pool could not (why: its error's reason, or `timeout`). */
    readonly verifiedOnMainThread: (reason: string) => Effect.Effect<void>
    readonly render: (gauges: MetricsGauges) => Effect.Effect<string>
  }
>() {}

/** A fresh registry: each validator (and each test) counts on its own. */
export const make: Effect.Effect<Metrics["Type"]> = Effect.sync(() => {
  const requests = new Counter("gittensor_pat_requests_total", "Requests answered, by synapse and outcome category.")
  const requestSeconds = new Histogram(
    "gittensor_pat_request_duration_seconds",
    "Time from request to answer, by synapse.",
    LATENCY_BUCKETS
  )
  const github = new Counter("gittensor_pat_github_calls_total", "GitHub calls, by endpoint and outcome kind.")
  const githubSeconds = new Histogram(
    "gittensor_pat_github_call_duration_seconds",
    "GitHub call latency (retries included), by endpoint.",
    LATENCY_BUCKETS
  )
  const shed = new Counter("gittensor_pat_shed_total", "Requests refused with 503 because they could not start before their deadline.")
  const limited = new Counter("gittensor_pat_rate_limited_total", "Requests refused with 429 by the per-hotkey rate limit.")
  const onMain = new Counter(
    "gittensor_pat_verify_main_thread_total",
    "Signatures checked on the main thread because the verifier threads could not, by reason (a steady rise means the threads are not helping)."
  )

  return Metrics.of({
    request: (synapse, outcome, seconds) =>
      Effect.sync(() => {
        requests.inc([["synapse", synapse], ["outcome", outcome]])
        requestSeconds.observe([["synapse", synapse]], seconds)
      }),
    githubCall: (endpoint, kind, seconds) =>
      Effect.sync(() => {
        github.inc([["endpoint", endpoint], ["kind", kind]])
        githubSeconds.observe([["endpoint", endpoint]], seconds)
      }),
    shed: Effect.sync(() => shed.inc()),
    rateLimited: Effect.sync(() => limited.inc()),
    verifiedOnMainThread: (reason) => Effect.sync(() => onMain.inc([["reason", reason]])),
    render: (gauges) =>
      Effect.sync(
        () =>
          requests.render() +
          requestSeconds.render() +
          github.render() +
          githubSeconds.render() +
          shed.render() +
          limited.render() +
          onMain.render() +
          gauge("gittensor_pat_requests_running", "Pipelines running now.", gauges.running) +
          gauge("gittensor_pat_requests_waiting", "Requests waiting for a slot.", gauges.waiting) +
          gauge("gittensor_pat_metagraph_age_seconds", "Seconds since the metagraph snapshot was loaded.", gauges.metagraphAgeSeconds)
      )
  })
})

/** The registry as a layer. */
export const layer: Layer.Layer<Metrics> = Layer.effect(Metrics, make)
