import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Metrics from "../src/ops/Metrics.js"
import { Counter, Histogram } from "../src/ops/prometheus.js"
import { sample } from "./support/prometheus.js"

const gauges = { running: 3, waiting: 1, metagraphAgeSeconds: 42 }

describe("Prometheus text", () => {
  it("a counter renders each label set once with its total", () => {
    const c = new Counter("x_total", "help")
    c.inc([["a", "1"]])
    c.inc([["a", "1"]], 2)
    c.inc([["a", "2"]])
    const text = c.render()
    assert.include(text, "# TYPE x_total counter")
    assert.strictEqual(sample(text, 'x_total{a="1"}'), 3)
    assert.strictEqual(sample(text, 'x_total{a="2"}'), 1)
  })

  it("an unlabelled counter that never moved still shows 0", () => {
    assert.strictEqual(sample(new Counter("idle_total", "help").render(), "idle_total"), 0)
  })

  it("label values are escaped", () => {
    const c = new Counter("x_total", "help")
    c.inc([["a", 'q"\\\n']])
    assert.include(c.render(), 'x_total{a="q\\"\\\\\\n"} 1')
  })

  it("histogram buckets are cumulative and end with +Inf = count", () => {
    const h = new Histogram("lat_seconds", "help", [0.1, 1])
    for (const v of [0.05, 0.5, 0.7, 5]) h.observe([["s", "x"]], v)
    const text = h.render()
    assert.strictEqual(sample(text, 'lat_seconds_bucket{s="x",le="0.1"}'), 1)
    assert.strictEqual(sample(text, 'lat_seconds_bucket{s="x",le="1"}'), 3)
    assert.strictEqual(sample(text, 'lat_seconds_bucket{s="x",le="+Inf"}'), 4)
    assert.strictEqual(sample(text, 'lat_seconds_count{s="x"}'), 4)
    assert.closeTo(sample(text, 'lat_seconds_sum{s="x"}')!, 6.25, 1e-9)
  })
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
