import { Messages } from "@gittensor-pat/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { FakeGitHub, type FakeBehaviour } from "@gittensor-pat/fake-github"
import { inAMinute, kind, outcome, pat, withGitHub } from "./support.js"

/** docs/outcomes.md, "The test query", one row per case, each over a real socket to the fake GitHub. */
const rows: ReadonlyArray<readonly [name: string, behaviour: FakeBehaviour, kind: string, message?: string]> = [
  ["HTTP 500", { status: 500, json: { message: "Server Error" } }, "TransientGitHubError"],
  ["HTTP 502", { status: 502, body: "<html>Bad Gateway</html>" }, "TransientGitHubError"],
  ["HTTP 503", { status: 503 }, "TransientGitHubError"],
  ["HTTP 504", { status: 504 }, "TransientGitHubError"],
  ["HTTP 599", { status: 599 }, "TransientGitHubError"],
  ["HTTP 408", { status: 408 }, "TransientGitHubError"],
  ["HTTP 429", { status: 429, headers: { "retry-after": "60" } }, "TransientGitHubError"],
  ["403 x-ratelimit-remaining: 0", { status: 403, json: { message: "Forbidden" }, headers: { "x-ratelimit-remaining": "0" } }, "TransientGitHubError"],
  ["403 secondary rate limit message", { status: 403, json: { message: "You have exceeded a secondary Rate Limit." } }, "TransientGitHubError"],
  ["connection reset", "reset", "TransientGitHubError"],
  ["HTTP 401", { status: 401, json: { message: "Bad credentials" } }, "InvalidPatError", Messages.graphqlStatus(401)],
  ["HTTP 403 without rate limit", { status: 403, json: { message: "Resource not accessible" }, headers: { "x-ratelimit-remaining": "4999" } }, "InvalidPatError", Messages.graphqlStatus(403)],
  ["HTTP 404", { status: 404 }, "InvalidPatError", Messages.graphqlStatus(404)],
  ["HTTP 422", { status: 422 }, "InvalidPatError", Messages.graphqlStatus(422)],
  ["HTTP 204", { status: 204 }, "TransientGitHubError"],
  ["HTTP 302 (not followed)", { status: 302, headers: { location: "/elsewhere" } }, "TransientGitHubError"],
  ["HTTP 304", { status: 304 }, "TransientGitHubError"],
  ["200 HTML body", { status: 200, body: "<html>unicorn</html>" }, "TransientGitHubError"],
  ["200 empty body", { status: 200, body: "" }, "TransientGitHubError"],
  ["200 RATE_LIMITED error", { status: 200, json: { errors: [{ type: "RATE_LIMITED", message: "API rate limit exceeded" }] } }, "TransientGitHubError"],
  ["200 RATE_LIMIT error", { status: 200, json: { errors: [{ type: "RATE_LIMIT", message: "x" }], data: null } }, "TransientGitHubError"],
  ["200 'Rate Limit' message, second entry", { status: 200, json: { errors: [{ message: "a" }, { message: "Rate Limit hit" }] } }, "TransientGitHubError"],
  ["200 GraphQL error", { status: 200, json: { errors: [{ type: "FORBIDDEN", message: "Resource not accessible by personal access token" }], data: { viewer: { login: "x" } } } }, "InvalidPatError", "GraphQL error: Resource not accessible by personal access token"],
  ["200 GraphQL error without message", { status: 200, json: { errors: [{}] } }, "InvalidPatError", "GraphQL error: unknown"],
  ["200 empty errors, viewer", { status: 200, json: { errors: [], data: { viewer: { login: "octocat" } } } }, "success"],
  ["200 viewer", { status: 200, json: { data: { viewer: { login: "octocat" } } } }, "success"],
  ["200 data null", { status: 200, json: { data: null } }, "InvalidPatError", Messages.missingScope],
  ["200 data absent", { status: 200, json: {} }, "InvalidPatError", Messages.missingScope],
  ["200 viewer null", { status: 200, json: { data: { viewer: null } } }, "InvalidPatError", Messages.missingScope],
  ["200 empty errors, data null", { status: 200, json: { errors: [], data: null } }, "InvalidPatError", Messages.missingScope]
]

describe("testQuery over a real socket (docs/outcomes.md, The test query)", () => {
  for (const [name, behaviour, expected, message] of rows) {
    it.scopedLive(`${name} → ${expected}`, () =>
      Effect.gen(function* () {
        const fake = yield* FakeGitHub.scoped
        fake.script("ghp_row_token_0001", "graphql", behaviour)
        const result = yield* withGitHub(fake.url, (github) => outcome(github.testQuery(pat("ghp_row_token_0001"), inAMinute())))
        assert.strictEqual(kind(result), expected)
        if (message !== undefined) {
          assert.strictEqual(Either.isLeft(result) && result.left.message, message)
        }
        assert.strictEqual(fake.count("ghp_row_token_0001", "graphql"), behaviour === "reset" ? 2 : 1)
      })
    )
  }

  it.scopedLive("succeeds with the viewer's login, sending the documented request", () =>
    Effect.gen(function* () {
      const fake = yield* FakeGitHub.scoped
      fake.allow("ghp_secret1234", { id: 42, login: "octocat" })
      const login = yield* withGitHub(fake.url, (github) => github.testQuery(pat("ghp_secret1234"), inAMinute()))
      assert.strictEqual(login, "octocat")
      assert.deepInclude(fake.lastRequest("graphql"), { method: "POST", body: '{"query":"{ viewer { login } }"}' })
      assert.deepInclude(fake.lastRequest("graphql")?.headers, {
        authorization: "Bearer ghp_secret1234",
        "content-type": "application/json",
        accept: "application/json",
        "user-agent": "gittensor-pat/0.1.0"
      })
    })
  )

  it.scopedLive("an unknown token gets GitHub's 401 → invalid", () =>
    Effect.gen(function* () {
      const fake = yield* FakeGitHub.scoped
      const result = yield* withGitHub(fake.url, (github) => outcome(github.testQuery(pat("nobody"), inAMinute())))
      assert.strictEqual(Either.isLeft(result) && result.left.message, Messages.graphqlStatus(401))
    })
  )

  it.scopedLive("is not retried on a transient status, and retried once on a transport failure", () =>
    Effect.gen(function* () {
      const fake = yield* FakeGitHub.scoped
      fake.script("busy", "graphql", [{ status: 503 }, { status: 200, json: { data: { viewer: { login: "a" } } } }])
      fake.script("flaky", "graphql", ["reset", { status: 200, json: { data: { viewer: { login: "b" } } } }])
      const [busy, flaky] = yield* withGitHub(fake.url, (github) =>
        Effect.all([outcome(github.testQuery(pat("busy"), inAMinute())), github.testQuery(pat("flaky"), inAMinute())])
      )
      assert.strictEqual(kind(busy), "TransientGitHubError")
      assert.strictEqual(fake.count("busy", "graphql"), 1)
      assert.strictEqual(flaky, "b")
      assert.strictEqual(fake.count("flaky", "graphql"), 2)
    })
  )

  it.scopedLive("an empty token is invalid without calling GitHub", () =>
    Effect.gen(function* () {
      const fake = yield* FakeGitHub.scoped
      const result = yield* withGitHub(fake.url, (github) => outcome(github.testQuery(pat(""), inAMinute())))
      assert.deepInclude(Either.getLeft(result).pipe((e) => (e._tag === "Some" ? e.value : {})), {
        _tag: "InvalidPatError",
        reason: "empty"
      })
      assert.strictEqual(fake.count("", "graphql"), 0)
    })
  )
})
