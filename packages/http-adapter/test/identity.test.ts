import { assert, describe, it } from "@effect/vitest"
import { GitHub } from "@gittensor-pat/core"
import { NodeHttpClient } from "@effect/platform-node"
import { ConfigProvider, Effect, Either, Layer } from "effect"
import { GitHubHttp, identityRefused } from "../src/index.js"
import { type FakeBehaviour, FakeGitHub } from "@gittensor-pat/fake-github"
import { inAMinute, kind, outcome, pat, withGitHub } from "./support.js"

const retries = 2

/** docs/outcomes.md, "The identity lookup", one row per case over a real socket; `calls` counts attempts (retries + 1). */
const rows: ReadonlyArray<readonly [name: string, behaviour: FakeBehaviour, kind: string, calls: number]> = [
  ["200 numeric id", { status: 200, json: { id: 583231, login: "octocat" } }, "success", 1],
  ["200 string id", { status: 200, json: { id: "583231" } }, "success", 1],
  ["200 chunked, no content-length", { status: 200, json: { id: 583231 }, headers: { "transfer-encoding": "chunked" } }, "success", 1],
  ["200 body not JSON", { status: 200, body: "<html>oops</html>" }, "TransientGitHubError", retries + 1],
  ["200 without id", { status: 200, json: { login: "octocat" } }, "TransientGitHubError", retries + 1],
  ["200 id null", { status: 200, json: { id: null } }, "TransientGitHubError", retries + 1],
  ["HTTP 408", { status: 408 }, "TransientGitHubError", retries + 1],
  ["HTTP 429", { status: 429, headers: { "retry-after": "0" } }, "TransientGitHubError", retries + 1],
  ["403 x-ratelimit-remaining: 0", { status: 403, headers: { "x-ratelimit-remaining": "0" } }, "TransientGitHubError", retries + 1],
  ["403 rate limit message", { status: 403, json: { message: "API rate limit exceeded for user" } }, "TransientGitHubError", retries + 1],
  ["HTTP 401", { status: 401, json: { message: "Bad credentials" } }, "InvalidPatError", 1],
  ["HTTP 403", { status: 403, json: { message: "Forbidden" } }, "InvalidPatError", 1],
  ["HTTP 404", { status: 404 }, "InvalidPatError", 1],
  ["HTTP 500", { status: 500 }, "TransientGitHubError", retries + 1],
  ["HTTP 502", { status: 502 }, "TransientGitHubError", retries + 1],
  ["HTTP 503", { status: 503 }, "TransientGitHubError", retries + 1],
  ["HTTP 504", { status: 504 }, "TransientGitHubError", retries + 1],
  ["HTTP 202", { status: 202, json: { id: 1 } }, "TransientGitHubError", retries + 1],
  ["HTTP 301", { status: 301, headers: { location: "/user2" } }, "TransientGitHubError", retries + 1],
  ["connection reset", "reset", "TransientGitHubError", retries + 1]
]

describe("identity over a real socket (docs/outcomes.md, The identity lookup)", () => {
  for (const [name, behaviour, expected, calls] of rows) {
    it.scopedLive(`${name} → ${expected} after ${calls} call(s)`, () =>
      Effect.gen(function* () {
        const fake = yield* FakeGitHub.scoped
        fake.script("tok", "user", behaviour)
        const result = yield* withGitHub(fake.url, (github) => outcome(github.identity(pat("tok"), inAMinute())), {
          retryBaseDelay: "5 millis",
          identityRetries: retries
        })
        assert.strictEqual(kind(result), expected)
        if (expected === "success") assert.strictEqual(Either.getOrUndefined(result), "583231")
        if (expected === "InvalidPatError" && typeof behaviour !== "string") {
          assert.strictEqual(Either.isLeft(result) && result.left.message, identityRefused(behaviour.status))
        }
        assert.strictEqual(fake.count("tok", "user"), calls)
      })
    )
  }

  it.scopedLive("an allowed token yields its id, sending the documented request", () =>
    Effect.gen(function* () {
      const fake = yield* FakeGitHub.scoped
      fake.allow("ghp_abcd1234", { id: 9001, login: "octocat" })
      const id = yield* withGitHub(fake.url, (github) => github.identity(pat("ghp_abcd1234"), inAMinute()))
      assert.strictEqual(id, "9001")
      const sent = fake.lastRequest("user")
      assert.strictEqual(sent?.method, "GET")
      assert.deepInclude(sent?.headers, {
        authorization: "token ghp_abcd1234",
        accept: "application/vnd.github.v3+json",
        "user-agent": "gittensor-pat/0.1.0"
      })
    })
  )

  it.scopedLive("a caller inside a traced span sends GitHub no trace context", () =>
    Effect.gen(function* () {
      const fake = yield* FakeGitHub.scoped
      fake.allow("ghp_abcd1234", { id: 9001, login: "octocat" })
      yield* withGitHub(fake.url, (github) => github.identity(pat("ghp_abcd1234"), inAMinute())).pipe(
        Effect.withSpan("caller"),
        Effect.withTracerEnabled(true)
      )
      const names = Object.keys(fake.lastRequest("user")?.headers ?? {})
      assert.include(names, "authorization")
      assert.deepStrictEqual(names.filter((name) => ["traceparent", "b3", "tracestate"].includes(name)), [])
    })
  )

  it.scopedLive("503, 503, then 200 is the id after three calls", () =>
    Effect.gen(function* () {
      const fake = yield* FakeGitHub.scoped
      fake.script("tok", "user", [{ status: 503 }, { status: 503 }, { status: 200, json: { id: 7 } }])
      const id = yield* withGitHub(fake.url, (github) => github.identity(pat("tok"), inAMinute()))
      assert.strictEqual(id, "7")
      assert.strictEqual(fake.count("tok", "user"), 3)
    })
  )

  it.scopedLive("layerConfig takes the API root from GITTENSOR_GITHUB_API_URL", () =>
    Effect.gen(function* () {
      const fake = yield* FakeGitHub.scoped
      fake.allow("tok", { id: 11, login: "x" })
      const env = ConfigProvider.fromMap(new Map([["GITTENSOR_GITHUB_API_URL", fake.url]]))
      const id = yield* Effect.flatMap(GitHub, (github) => github.identity(pat("tok"), inAMinute())).pipe(
        Effect.provide(
          GitHubHttp.layerConfig.pipe(
            Layer.provide(NodeHttpClient.layerUndici),
            Layer.provide(Layer.setConfigProvider(env))
          )
        )
      )
      assert.strictEqual(id, "11")
    })
  )

  it.scopedLive("a base URL with a trailing slash still reaches /user", () =>
    Effect.gen(function* () {
      const fake = yield* FakeGitHub.scoped
      fake.allow("tok", { id: 5, login: "x" })
      const id = yield* withGitHub(`${fake.url}/`, (github) => github.identity(pat("tok"), inAMinute()))
      assert.strictEqual(id, "5")
    })
  )

  it.scopedLive("an empty or unsendable token is invalid without calling GitHub", () =>
    Effect.gen(function* () {
      const fake = yield* FakeGitHub.scoped
      const results = yield* withGitHub(fake.url, (github) =>
        Effect.all(["", "   ", "ghp_line\nbreak"].map((token) => outcome(github.identity(pat(token), inAMinute()))))
      )
      assert.deepStrictEqual(results.map(kind), ["InvalidPatError", "InvalidPatError", "InvalidPatError"])
      assert.deepStrictEqual(
        results.map((r) => Either.isLeft(r) && r.left._tag === "InvalidPatError" && r.left.reason),
        ["empty", "empty", "unauthorized"]
      )
      assert.strictEqual(fake.count("", "user"), 0)
    })
  )
})
