import { randomBytes } from "node:crypto"
import { Deadline, type GitHub } from "@gittensor-pat/core"
import { assert, describe, it } from "@effect/vitest"
import { Clock, Effect, Either, Fiber } from "effect"
import { FakeGitHub, startFakeGitHub } from "@gittensor-pat/fake-github"
import { identityWithin, inAMinute, kind, outcome, pat, withGitHub } from "./support.js"

/** Loose allowance for a noisy machine when checking that a deadline was kept. */
const slackMs = 250

const timed = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const start = yield* Clock.currentTimeMillis
    const result = yield* Effect.either(effect)
    return { result, elapsed: (yield* Clock.currentTimeMillis) - start }
  })

const causeOf = (result: Either.Either<unknown, { readonly _tag: string }>) =>
  Either.isLeft(result) && result.left._tag === "TransientGitHubError" && "cause" in result.left
    ? result.left.cause
    : undefined

describe("deadline, retries and transport failures", () => {
  it.scopedLive("a hanging GitHub is transient before a 2 s deadline, on both endpoints", () =>
    Effect.gen(function* () {
      const fake = yield* FakeGitHub.scoped
      fake.script("tok", "user", "hang")
      fake.script("tok", "graphql", "hang")
      fake.allow("warm", { id: 1, login: "w" })
      // No outer timer here: the adapter alone must notice the deadline and give up. The
      // warm-up call keeps the client's one-off start (parser compilation) out of the timing.
      const { identity, query } = yield* withGitHub(fake.url, (github) =>
        Effect.zipRight(github.identity(pat("warm"), inAMinute()), Deadline.after("2 seconds")).pipe(Effect.flatMap((deadline) =>
          Effect.all(
            { identity: timed(github.identity(pat("tok"), deadline)), query: timed(github.testQuery(pat("tok"), deadline)) },
            { concurrency: 2 }
          )
        ))
      )
      for (const { result, elapsed } of [identity, query]) {
        assert.strictEqual(causeOf(result), "deadline")
        assert.isBelow(elapsed, 2000 + slackMs)
        assert.isAtLeast(elapsed, 1000)
      }
    })
  )

  it.scopedLive("a GitHub stuck on 503 is retried with backoff until the deadline, then transient", () =>
    Effect.gen(function* () {
      const fake = yield* FakeGitHub.scoped
      fake.script("tok", "user", { status: 503 })
      const { result, elapsed } = yield* withGitHub(fake.url, (github) => timed(identityWithin(github, "tok", 1500)), {
        retryBaseDelay: "50 millis"
      })
      assert.strictEqual(causeOf(result), "status")
      assert.isBelow(elapsed, 1500 + slackMs)
      // 50, 100, 200, 400 ms of backoff (±jitter) fit; the doubling keeps it to a handful.
      assert.isAtLeast(fake.count("tok", "user"), 3)
      assert.isAtMost(fake.count("tok", "user"), 7)
    })
  )

  it.scopedLive("retry-after is honoured when it fits the deadline", () =>
    Effect.gen(function* () {
      const fake = yield* FakeGitHub.scoped
      fake.script("tok", "user", [{ status: 429, headers: { "retry-after": "1" } }, { status: 200, json: { id: 3 } }])
      const { result, elapsed } = yield* withGitHub(fake.url, (github) => timed(identityWithin(github, "tok", 4000)))
      assert.strictEqual(Either.getOrUndefined(result), "3")
      assert.isAtLeast(elapsed, 1000)
      assert.strictEqual(fake.count("tok", "user"), 2)
    })
  )

  it.scopedLive("a retry-after beyond the deadline ends the call at once, transient", () =>
    Effect.gen(function* () {
      const fake = yield* FakeGitHub.scoped
      fake.script("tok", "user", { status: 403, headers: { "x-ratelimit-remaining": "0", "retry-after": "60" } })
      const { result } = yield* withGitHub(fake.url, (github) => timed(identityWithin(github, "tok", 3000)))
      assert.strictEqual(causeOf(result), "rate-limit")
      assert.isTrue(Either.isLeft(result) && "retryAfterMs" in result.left && result.left.retryAfterMs === 60_000)
      assert.strictEqual(fake.count("tok", "user"), 1)
    })
  )

  it.scopedLive("each attempt has its own timeout: a slow answer is abandoned and retried", () =>
    Effect.gen(function* () {
      const fake = yield* FakeGitHub.scoped
      fake.script("tok", "user", [{ status: 200, json: { id: 1 }, latencyMs: 3000 }, { status: 200, json: { id: 2 } }])
      const id = yield* withGitHub(fake.url, (github) => identityWithin(github, "tok", 5000), {
        attemptTimeout: "300 millis",
        retryBaseDelay: "10 millis"
      })
      assert.strictEqual(id, "2")
      assert.strictEqual(fake.count("tok", "user"), 2)
    })
  )

  it.scopedLive("without a deadline, a hanging GitHub is transient after the attempt timeouts", () =>
    Effect.gen(function* () {
      const fake = yield* FakeGitHub.scoped
      fake.script("tok", "user", "hang")
      const result = yield* withGitHub(fake.url, (github) => outcome(github.identity(pat("tok"), inAMinute())), {
        attemptTimeout: "200 millis",
        retryBaseDelay: "10 millis",
        identityRetries: 1
      })
      assert.strictEqual(causeOf(result), "timeout")
      assert.strictEqual(fake.count("tok", "user"), 2)
    })
  )

  it.scopedLive("a caller that stops waiting is not held up by a hanging GitHub", () =>
    Effect.gen(function* () {
      const fake = yield* FakeGitHub.scoped
      fake.script("tok", "user", "hang")
      fake.script("tok", "graphql", "hang")
      const elapsed = yield* withGitHub(fake.url, (github) =>
        Effect.gen(function* () {
          const calls = yield* Effect.fork(Effect.all([github.identity(pat("tok"), inAMinute()), github.testQuery(pat("tok"), inAMinute())], { concurrency: 2 }))
          yield* Effect.sleep("200 millis")
          const start = yield* Clock.currentTimeMillis
          yield* Fiber.interrupt(calls)
          return (yield* Clock.currentTimeMillis) - start
        })
      )
      // The attempt timeout is 15 s: returning well before it means the requests were aborted.
      assert.isBelow(elapsed, 1000)
      assert.strictEqual(fake.count("tok", "user") + fake.count("tok", "graphql"), 2)
    })
  )

  it.live("an unresolvable host is transient", () =>
    Effect.gen(function* () {
      const { result, elapsed } = yield* withGitHub("http://no-such-host.invalid", (github) =>
        timed(Effect.all([outcome(identityWithin(github, "tok", 3000)), outcome(github.testQuery(pat("tok"), inAMinute()))]))
      )
      const [identity, query] = Either.getOrThrow(result)
      assert.strictEqual(kind(identity), "TransientGitHubError")
      assert.strictEqual(causeOf(query), "transport")
      assert.isBelow(elapsed, 3000 + slackMs)
    })
  )

  it.live("a refused connection is transient, on both endpoints", () =>
    Effect.gen(function* () {
      const closed = yield* Effect.promise(() => startFakeGitHub())
      yield* Effect.promise(() => closed.close())
      const [identity, query] = yield* withGitHub(closed.url, (github) =>
        Effect.all([outcome(identityWithin(github, "tok", 2000)), outcome(github.testQuery(pat("tok"), inAMinute()))])
      )
      assert.strictEqual(causeOf(identity), "transport")
      assert.strictEqual(causeOf(query), "transport")
    })
  )

  it.scopedLive("a 10 MiB garbage body is neither a crash nor a hang, and never a verdict", () =>
    Effect.gen(function* () {
      const fake = yield* FakeGitHub.scoped
      const garbage = randomBytes(7.5 * 1024 * 1024).toString("base64")
      fake.script("tok", "user", { status: 200, body: garbage })
      fake.script("tok", "graphql", { status: 200, body: garbage })
      const both = (github: GitHub["Type"]) =>
        Effect.all([outcome(identityWithin(github, "tok", 5000)), outcome(github.testQuery(pat("tok"), inAMinute()))], {
          concurrency: 2
        })
      const [identity, query] = yield* withGitHub(fake.url, both, { retryBaseDelay: "10 millis", identityRetries: 1 })
      assert.strictEqual(causeOf(identity), "bad-json")
      assert.strictEqual(causeOf(query), "bad-json")
    })
  )
})
