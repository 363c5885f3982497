import { assert, describe, it } from "@effect/vitest"
import { GitHub } from "@gittensor-pat/core"
import { NodeHttpClient } from "@effect/platform-node"
import { Effect, Either, Layer } from "effect"
import { GitHubHttp } from "../src/index.js"
import { type FakeBehaviour, FakeGitHub } from "@gittensor-pat/fake-github"
import { kind, pat } from "./support.js"

const options = { retryBaseDelay: "5 millis", identityRetries: 1, maxBodyBytes: 64 } as const

/** The two ways of reaching GitHub: `layerNode` (undici directly) and `layer` over the platform's client. */
const transports = {
  undici: (baseUrl: string) => GitHubHttp.layerNode({ ...options, baseUrl }),
  httpClient: (baseUrl: string) => GitHubHttp.layer({ ...options, baseUrl }).pipe(Layer.provide(NodeHttpClient.layerUndici))
}

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

describe("both transports give the contract's verdicts", () => {
  for (const [transport, layerFor] of Object.entries(transports)) {
    for (const [name, user, graphql, identity, testQuery] of rows) {
      it.scopedLive(`${transport}: ${name} → identity ${identity}, test query ${testQuery}`, () =>
        Effect.gen(function* () {
          const fake = yield* FakeGitHub.scoped
          fake.script("tok", "user", user)
          fake.script("tok", "graphql", graphql)
          const [id, query] = yield* Effect.flatMap(GitHub, (github) =>
            Effect.all([Effect.either(github.identity(pat("tok"))), Effect.either(github.testQuery(pat("tok")))])
          ).pipe(Effect.provide(layerFor(fake.url)))
          assert.deepStrictEqual([kind(id), kind(query)], [identity, testQuery])
          if (identity === "success") assert.strictEqual(Either.getOrUndefined(id), "42")
        })
      )
    }
  }
})
