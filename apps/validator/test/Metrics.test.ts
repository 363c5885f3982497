import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Metrics from "../src/ops/Metrics.js"
import { sample } from "./support/prometheus.js"

const gauges = { running: 3, waiting: 1, metagraphAgeSeconds: 42 }

const BUCKETS = ["0.01", "0.025", "0.05", "0.1", "0.15", "0.25", "0.5", "1", "2.5", "5", "10", "30", "60", "+Inf"]

describe("Prometheus text", () => {
  it.effect("a counter renders each label set once with its total", () =>
    Effect.gen(function* () {
      const metrics = yield* Metrics.make
      yield* metrics.githubCall("identity", "success", 0.1)
      yield* metrics.githubCall("identity", "success", 0.1)
      yield* metrics.githubCall("identity", "success", 0.1)
      yield* metrics.githubCall("identity", "transient", 0.1)
      const text = yield* metrics.render(gauges)
      assert.include(text, "# TYPE gittensor_pat_github_calls_total counter")
      assert.strictEqual(sample(text, 'gittensor_pat_github_calls_total{endpoint="identity",kind="success"}'), 3)
      assert.strictEqual(sample(text, 'gittensor_pat_github_calls_total{endpoint="identity",kind="transient"}'), 1)
      assert.lengthOf(text.split("\n").filter((line) => line.startsWith("gittensor_pat_github_calls_total{")), 2)
    }))

  it.effect("an unlabelled counter that never moved still shows 0", () =>
    Effect.gen(function* () {
      const text = yield* Effect.flatMap(Metrics.make, (metrics) => metrics.render(gauges))
      assert.strictEqual(sample(text, "gittensor_pat_shed_total"), 0)
      assert.strictEqual(sample(text, "gittensor_pat_rate_limited_total"), 0)
    }))

  it.effect("label values are escaped", () =>
    Effect.gen(function* () {
      const metrics = yield* Metrics.make
      yield* metrics.verifiedOnMainThread('q"\\\n')
      assert.include(yield* metrics.render(gauges), 'gittensor_pat_verify_main_thread_total{reason="q\\"\\\\\\n"} 1')
    }))

  it.effect("histogram buckets are today's, cumulative, and end with +Inf = count", () =>
    Effect.gen(function* () {
      const metrics = yield* Metrics.make
      for (const seconds of [0.005, 0.05, 0.07, 5]) yield* metrics.request("PatCheckSynapse", "valid", seconds)
      const text = yield* metrics.render(gauges)
      const bucket = (le: string) => sample(text, `gittensor_pat_request_duration_seconds_bucket{synapse="PatCheckSynapse",le="${le}"}`)
      assert.deepStrictEqual(
        BUCKETS.map((le) => bucket(le) !== undefined),
        BUCKETS.map(() => true)
      )
      assert.lengthOf(text.split("\n").filter((line) => line.startsWith("gittensor_pat_request_duration_seconds_bucket")), BUCKETS.length)
      assert.strictEqual(bucket("0.01"), 1)
      assert.strictEqual(bucket("0.1"), 3)
      assert.strictEqual(bucket("2.5"), 3)
      assert.strictEqual(bucket("5"), 4)
      assert.strictEqual(bucket("+Inf"), 4)
      assert.strictEqual(sample(text, 'gittensor_pat_request_duration_seconds_count{synapse="PatCheckSynapse"}'), 4)
      assert.closeTo(sample(text, 'gittensor_pat_request_duration_seconds_sum{synapse="PatCheckSynapse"}')!, 5.125, 1e-9)
    }))

  it.effect("every series keeps its name, type and HELP", () =>
    Effect.gen(function* () {
      const text = yield* Effect.flatMap(Metrics.make, (metrics) => metrics.render(gauges))
      const types = text.split("\n").filter((line) => line.startsWith("# TYPE "))
      assert.deepStrictEqual(types, [
        "# TYPE gittensor_pat_requests_total counter",
        "# TYPE gittensor_pat_request_duration_seconds histogram",
        "# TYPE gittensor_pat_github_calls_total counter",
        "# TYPE gittensor_pat_github_call_duration_seconds histogram",
        "# TYPE gittensor_pat_shed_total counter",
        "# TYPE gittensor_pat_rate_limited_total counter",
        "# TYPE gittensor_pat_verify_main_thread_total counter",
        "# TYPE gittensor_pat_requests_running gauge",
        "# TYPE gittensor_pat_requests_waiting gauge",
        "# TYPE gittensor_pat_metagraph_age_seconds gauge"
      ])
      assert.include(text, "# HELP gittensor_pat_requests_total Requests answered, by synapse and outcome category.\n")
      assert.include(text, "# HELP gittensor_pat_github_call_duration_seconds GitHub call latency (retries included), by endpoint.\n")
      assert.include(text, "# HELP gittensor_pat_metagraph_age_seconds Seconds since the metagraph snapshot was loaded.\n")
    }))
})

describe("Metrics", () => {
  it.effect("counts requests by synapse × outcome, GitHub calls by endpoint × kind, shed and rate-limited", () =>
    Effect.gen(function* () {
      const metrics = yield* Metrics.make
      yield* metrics.request("PatCheckSynapse", "inconclusive", 0.12)
      yield* metrics.request("PatCheckSynapse", "inconclusive", 0.2)
      yield* metrics.request("PatBroadcastSynapse", "http_401", 0.001)
      yield* metrics.githubCall("identity", "transient", 0.1)
      yield* metrics.shed
      yield* metrics.rateLimited
      yield* metrics.rateLimited
      const text = yield* metrics.render(gauges)
      assert.strictEqual(sample(text, 'gittensor_pat_requests_total{synapse="PatCheckSynapse",outcome="inconclusive"}'), 2)
      assert.strictEqual(sample(text, 'gittensor_pat_requests_total{synapse="PatBroadcastSynapse",outcome="http_401"}'), 1)
      assert.strictEqual(sample(text, 'gittensor_pat_github_calls_total{endpoint="identity",kind="transient"}'), 1)
      assert.strictEqual(sample(text, "gittensor_pat_shed_total"), 1)
      assert.strictEqual(sample(text, "gittensor_pat_rate_limited_total"), 2)
      assert.strictEqual(sample(text, 'gittensor_pat_request_duration_seconds_count{synapse="PatCheckSynapse"}'), 2)
      assert.strictEqual(sample(text, "gittensor_pat_requests_running"), 3)
      assert.strictEqual(sample(text, "gittensor_pat_metagraph_age_seconds"), 42)
    }))

  it.effect("two registries do not share counts", () =>
    Effect.gen(function* () {
      const a = yield* Metrics.make
      const b = yield* Metrics.make
      yield* a.shed
      assert.strictEqual(sample(yield* b.render(gauges), "gittensor_pat_shed_total"), 0)
    }))
})
