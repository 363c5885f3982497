import { assert, describe, it } from "@effect/vitest"
import { GitHub } from "@gittensor-pat/core"
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { Effect, Either } from "effect"
import { GitHubHttp, UndiciHttpClient } from "../src/index.js"
import { type FakeBehaviour, FakeGitHub } from "@gittensor-pat/fake-github"
import { inAMinute, kind, pat } from "./support.js"

const options = { retryBaseDelay: "5 millis", identityRetries: 1, maxBodyBytes: 64 } as const


const padded = (length: number) => ({ id: 42, pad: "x".repeat(length) })

const rows: ReadonlyArray<readonly [name: string, user: FakeBehaviour, graphql: FakeBehaviour, identity: string, testQuery: string]> = [
  ["small answers", { status: 200, json: { id: 42 } }, { status: 200, json: { data: { viewer: { login: "x" } } } }, "success", "success"],
  ["bodies over the cap (declared length)", { status: 200, json: padded(200) }, { status: 200, json: { data: { viewer: { login: "x".repeat(200) } } } }, "TransientGitHubError", "TransientGitHubError"],
  [
    "bodies over the cap (chunked)",
    { status: 200, json: padded(200), headers: { "transfer-encoding": "chunked" } },
    { status: 200, json: { data: { viewer: { login: "x".repeat(200) } } }, headers: { "transfer-encoding": "chunked" } },
    "TransientGitHubError",
    "TransientGitHubError"
  ],
  ["a body just within the cap", { status: 200, json: padded(30) }, { status: 200, json: { data: { viewer: { login: "x" } } } }, "success", "success"],
  ["refusals", { status: 401 }, { status: 401 }, "InvalidPatError", "InvalidPatError"],
  ["outage", { status: 503 }, "reset", "TransientGitHubError", "TransientGitHubError"]
]

describe("GitHub over the undici client gives the verdicts of docs/outcomes.md", () => {
    for (const [name, user, graphql, identity, testQuery] of rows) {
      it.scopedLive(`${name} → identity ${identity}, test query ${testQuery}`, () =>
        Effect.gen(function* () {
          const fake = yield* FakeGitHub.scoped
          fake.script("tok", "user", user)
          fake.script("tok", "graphql", graphql)
          const [id, query] = yield* Effect.flatMap(GitHub, (github) =>
            Effect.all([Effect.either(github.identity(pat("tok"), inAMinute())), Effect.either(github.testQuery(pat("tok"), inAMinute()))])
          ).pipe(Effect.provide(GitHubHttp.layerNode({ ...options, baseUrl: fake.url })))
          assert.deepStrictEqual([kind(id), kind(query)], [identity, testQuery])
          if (identity === "success") assert.strictEqual(Either.getOrUndefined(id), "42")
        })
      )
    }
})

describe("UndiciHttpClient", () => {
  const execute = (request: HttpClientRequest.HttpClientRequest) =>
    Effect.flatMap(HttpClient.HttpClient, (client) => client.execute(request)).pipe(
      Effect.provide(UndiciHttpClient.layer({ maxBodyBytes: 64 }))
    )

  it.scopedLive("hands over the status, headers and whole body of an answer", () =>
    Effect.gen(function* () {
      const fake = yield* FakeGitHub.scoped
      fake.script("tok", "user", { status: 418, json: { id: 7 }, headers: { "x-ratelimit-remaining": "3" } })
      const response = yield* execute(HttpClientRequest.get(`${fake.url}/user`, { headers: { authorization: "token tok" } }))
      assert.strictEqual(response.status, 418)
      assert.strictEqual(response.headers["x-ratelimit-remaining"], "3")
      assert.deepStrictEqual(yield* response.json, { id: 7 })
    })
  )

  it.scopedLive("ends a request that outlives its RequestTimeout with a timeout error", () =>
    Effect.gen(function* () {
      const fake = yield* FakeGitHub.scoped
      fake.script("tok", "user", "hang")
      const error = yield* Effect.flip(
        execute(HttpClientRequest.get(`${fake.url}/user`, { headers: { authorization: "token tok" } })).pipe(
          UndiciHttpClient.withTimeout(100)
        )
      )
      assert.isTrue(UndiciHttpClient.isTimeout(error))
    })
  )

  it.scopedLive("reports a reset connection as a transport error, not a timeout", () =>
    Effect.gen(function* () {
      const fake = yield* FakeGitHub.scoped
      fake.script("tok", "user", "reset")
      const error = yield* Effect.flip(
        execute(HttpClientRequest.get(`${fake.url}/user`, { headers: { authorization: "token tok" } })).pipe(
          UndiciHttpClient.withTimeout(5_000)
        )
      )
      assert.strictEqual(error._tag, "RequestError")
      assert.isFalse(UndiciHttpClient.isTimeout(error))
    })
  )
})
