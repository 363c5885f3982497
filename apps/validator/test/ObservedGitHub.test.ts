import { assert, describe, it } from "@effect/vitest"
import { Deadline, GitHub, type Pat, startCall, TransientGitHubError } from "@gittensor-pat/core"
import { Deferred, Duration, Effect, Either, Fiber, Layer, Redacted, TestClock } from "effect"
import * as Drain from "../src/ops/Drain.js"
import * as Metrics from "../src/ops/Metrics.js"
import * as ObservedGitHub from "../src/ops/ObservedGitHub.js"
import { sample } from "./support/prometheus.js"

const pat = Redacted.make("ghp_cut0000000000000000000000000000000001") as Pat

/** A GitHub whose every call hangs, saying when it started. */
const hangingGitHub = (started: Deferred.Deferred<void>) =>
  Layer.succeed(GitHub, {
    identity: () => Effect.zipRight(Deferred.succeed(started, undefined), Effect.never),
    testQuery: () => Effect.zipRight(Deferred.succeed(started, undefined), Effect.never)
  })

/** A GitHub whose calls take `identityMs` and `testQueryMs` on the fiber's clock. */
const slowGitHub = (identityMs: number, testQueryMs: number) =>
  Layer.succeed(GitHub, {
    identity: () => Effect.as(Effect.sleep(identityMs), "1" as never),
    testQuery: () => Effect.as(Effect.sleep(testQueryMs), "login")
  })

const observedOver = (github: Layer.Layer<GitHub>) =>
  ObservedGitHub.layer.pipe(Layer.provideMerge(Layer.mergeAll(github, Metrics.layer, Drain.layer)))

describe("ObservedGitHub", () => {
  it.live("a call the drain cuts short at the end of its grace fails as out of time, not as an interruption", () =>
    Effect.gen(function* () {
      const started = yield* Deferred.make<void>()
      const context = yield* Layer.build(observedOver(hangingGitHub(started)))
      const observed = yield* Effect.provide(ObservedGitHub.ObservedGitHub, context)
      const deadline = yield* Deadline.after("1 minute")
      // As the pipelines make it: in a fiber of its own.
      const call0 = yield* startCall("identity", observed.forRequest().github.identity(pat, deadline))
      const call = yield* Effect.fork(Effect.either(call0.answer))
      yield* Deferred.await(started)
      // The drain waits for a request in flight, then cuts what it waits for.
      const drain = yield* Effect.provide(Drain.Drain, context)
      const ended = drain.requestStarted()
      const draining = yield* Effect.fork(drain.drain(Duration.millis(400)))
      const result = yield* Fiber.join(call)
      ended()
      yield* Fiber.join(draining)
      assert.deepStrictEqual(result, Either.left(new TransientGitHubError({ endpoint: "identity", cause: "deadline" })))
      // Once cut, a new call fails at once, the same way.
      const late = yield* Effect.either(observed.forRequest().github.testQuery(pat, deadline))
      assert.deepStrictEqual(late, Either.left(new TransientGitHubError({ endpoint: "test-query", cause: "deadline" })))
    }).pipe(Effect.scoped)
  )

  it.scoped("each request's timings hold its own calls, and every call is counted", () =>
    Effect.gen(function* () {
      const context = yield* Layer.build(observedOver(slowGitHub(30, 70)))
      const observed = yield* Effect.provide(ObservedGitHub.ObservedGitHub, context)
      const deadline = yield* Deadline.after("1 minute")
      const [a, b] = [observed.forRequest(), observed.forRequest()]
      const both = yield* Effect.fork(
        Effect.all([Effect.zipRight(a.github.identity(pat, deadline), a.github.testQuery(pat, deadline)), b.github.identity(pat, deadline)], {
          concurrency: "unbounded"
        })
      )
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(both)
      assert.deepStrictEqual(a.timings, { identity: 30, "test-query": 70 })
      assert.deepStrictEqual(b.timings, { identity: 30 })
      const text = yield* Effect.flatMap(Effect.provide(Metrics.Metrics, context), (metrics) =>
        metrics.render({ running: 0, waiting: 0, metagraphAgeSeconds: 0 })
      )
      assert.strictEqual(sample(text, 'gittensor_pat_github_calls_total{endpoint="identity",kind="success"}'), 2)
      assert.strictEqual(sample(text, 'gittensor_pat_github_calls_total{endpoint="test-query",kind="success"}'), 1)
      assert.strictEqual(sample(text, 'gittensor_pat_github_call_duration_seconds_sum{endpoint="test-query"}'), 0.07)
    })
  )
})
