import { Messages } from "@gittensor-pat/core"
import { GitHubHttp } from "@gittensor-pat/http-adapter"
import { FakeGitHub, type FakeBehaviour } from "@gittensor-pat/fake-github"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { LocalVerdict, precheck } from "../src/precheck.js"

const token = "ghp_precheckToken0000000000000000000001"

const verdictFor = (
  script: { readonly user?: FakeBehaviour; readonly graphql?: FakeBehaviour },
  options: { readonly allow?: boolean } = {}
) =>
  Effect.gen(function* () {
    const fake = yield* FakeGitHub.scoped
    if (options.allow ?? true) fake.allow(token, { id: 4242, login: "octocat" })
    if (script.user !== undefined) fake.script(token, "user", script.user)
    if (script.graphql !== undefined) fake.script(token, "graphql", script.graphql)
    const verdict = yield* precheck(Redacted.make(token)).pipe(
      Effect.provide(GitHubHttp.layerNode({ baseUrl: fake.url, retryBaseDelay: "10 millis" }))
    )
    assert.notInclude(JSON.stringify(verdict), token)
    return verdict
  })

describe("local PAT check (the validators' classification, on the miner's machine)", () => {
  it.scopedLive("a working token is usable, with its login", () =>
    Effect.map(verdictFor({}), (verdict) => assert.deepStrictEqual(verdict, LocalVerdict.Usable({ login: "octocat" })))
  )

  it.scopedLive("an unknown token (401 on /user) is rejected", () =>
    Effect.map(verdictFor({}, { allow: false }), (verdict) => {
      assert.strictEqual(verdict._tag, "Rejected")
      assert.include(verdict._tag === "Rejected" ? verdict.reason : "", "401")
    })
  )

  it.scopedLive("a revoked token on the test query is rejected with the validators' wording", () =>
    Effect.map(verdictFor({ graphql: { status: 401, json: { message: "Bad credentials" } } }), (verdict) =>
      assert.deepStrictEqual(
        verdict,
        LocalVerdict.Rejected({ reason: Messages.testQueryFailed(Messages.graphqlStatus(401)) })
      )
    )
  )

  it.scopedLive("a fine-grained token without public-repo access is rejected", () =>
    Effect.map(verdictFor({ graphql: { status: 200, json: { data: { viewer: null } } } }), (verdict) =>
      assert.deepStrictEqual(verdict, LocalVerdict.Rejected({ reason: Messages.testQueryFailed(Messages.missingScope) }))
    )
  )

  it.scopedLive("GitHub answering 503 says nothing about the token", () =>
    Effect.map(verdictFor({ user: { status: 503 }, graphql: { status: 503 } }), (verdict) =>
      assert.deepStrictEqual(verdict, LocalVerdict.Unreachable())
    )
  )

  it.scopedLive("a rate-limited test query is not a rejection", () =>
    Effect.map(
      verdictFor({
        graphql: { status: 403, headers: { "x-ratelimit-remaining": "0" }, json: { message: "API rate limit exceeded" } }
      }),
      (verdict) => assert.deepStrictEqual(verdict, LocalVerdict.Unreachable())
    )
  )

  it.scopedLive("an identity outage wins over a test-query refusal, as on the validators", () =>
    Effect.map(verdictFor({ user: { status: 502 }, graphql: { status: 401 } }), (verdict) =>
      assert.deepStrictEqual(verdict, LocalVerdict.Unreachable())
    )
  )
})
