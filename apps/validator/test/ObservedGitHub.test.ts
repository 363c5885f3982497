import { assert, describe, it } from "@effect/vitest"
import { Deadline, GitHub, type Pat, TransientGitHubError } from "@gittensor-pat/core"
import { Deferred, Duration, Effect, Either, Fiber, Layer, Redacted } from "effect"
import * as Drain from "../src/ops/Drain.js"
import * as Metrics from "../src/ops/Metrics.js"
import * as ObservedGitHub from "../src/ops/ObservedGitHub.js"

const pat = Redacted.make("ghp_cut0000000000000000000000000000000001") as Pat

/** A GitHub whose every call hangs, saying when it started. */
const hangingGitHub = (started: Deferred.Deferred<void>) =>
  Layer.succeed(GitHub, {
    identity: () => Effect.zipRight(Deferred.succeed(started, undefined), Effect.never),
    testQuery: () => Effect.zipRight(Deferred.succeed(started, undefined), Effect.never)
  })

describe("ObservedGitHub", () => {
  it.live("a call the drain cuts short at the end of its grace fails as out of time, not as an interruption", () =>
    Effect.gen(function* () {
      const started = yield* Deferred.make<void>()
      const layer = ObservedGitHub.layer.pipe(
        Layer.provideMerge(Layer.mergeAll(hangingGitHub(started), Metrics.layer, Drain.layer))
      )
      const context = yield* Layer.build(layer)
      const github = Layer.succeedContext(context)
      const deadline = yield* Deadline.after("1 minute")
      const call = yield* Effect.fork(Effect.either(Effect.flatMap(GitHub, (g) => g.identity(pat, deadline)).pipe(Effect.provide(github))))
      yield* Deferred.await(started)
      // The drain waits for a request in flight, then cuts what it waits for.
      const drain = yield* Effect.provide(Drain.Drain, github)
      const ended = drain.requestStarted()
      const draining = yield* Effect.fork(drain.drain(Duration.millis(400)))
      const result = yield* Fiber.join(call)
      ended()
      yield* Fiber.join(draining)
      assert.deepStrictEqual(result, Either.left(new TransientGitHubError({ endpoint: "identity", cause: "deadline" })))
      // Once cut, a new call fails at once, the same way.
      const late = yield* Effect.either(Effect.flatMap(GitHub, (g) => g.testQuery(pat, deadline)).pipe(Effect.provide(github)))
      assert.deepStrictEqual(late, Either.left(new TransientGitHubError({ endpoint: "test-query", cause: "deadline" })))
    }).pipe(Effect.scoped)
  )
})
