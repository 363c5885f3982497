import { assert, describe, it } from "@effect/vitest"
import { Effect, FastCheck as fc, LogLevel } from "effect"
import { body, makeWorld, post, seedStore, signedHeaders, type World } from "./support/world.js"

// docs/operations.md, "Tokens are never shown": GitHub's GraphQL error text may quote the token; no answer, request line or
// log record (Debug included) may carry it, as is, URL-encoded or JSON-escaped.

const spellings = (token: string): ReadonlyArray<string> => [
  token,
  encodeURIComponent(token),
  JSON.stringify(token).slice(1, -1)
]

/** GitHub's /graphql answer quoting `token` in every spelling. */
const quotingError = (token: string) => ({
  status: 200,
  json: { errors: [{ type: "FORBIDDEN", message: `token ${spellings(token).join(" or ")} lacks a scope` }] }
})

/** A broadcast of `token` by miner uid 1 and a check by miner uid 2, who holds `token` in the store. */
const exchange = (world: World, token: string) =>
  Effect.gen(function* () {
    world.github.allow(token, { id: 4242, login: "echo" })
    world.github.script(token, "graphql", quotingError(token))
    seedStore(world, [{ uid: 2, hotkey: world.miners[1]!.address, pat: token, github_id: "4242" }])
    const broadcast = yield* post(
      world,
      "/PatBroadcastSynapse",
      signedHeaders(world, world.miners[0]!, "PatBroadcastSynapse"),
      JSON.stringify({ name: "PatBroadcastSynapse", timeout: 12, github_access_token: token })
    )
    const check = yield* post(world, "/PatCheckSynapse", signedHeaders(world, world.miners[1]!, "PatCheckSynapse"), body("PatCheckSynapse"))
    return [broadcast, check] as const
  })

const assertNowhere = (texts: ReadonlyArray<string>, token: string) => {
  for (const text of texts) {
    for (const spelling of spellings(token)) assert.notInclude(text, spelling, `a spelling of ${JSON.stringify(token)}`)
  }
}

// Characters a header can carry that URL-encoding or JSON escaping rewrite. A token starts
// and ends as GitHub's do, so no quote a renderer adds around text can complete one.
const tricky = fc.constantFrom(..."\"\\%+&=?#/<>{}:;' \u00e9", ..."abcXYZ019_-")
const trickyToken = fc
  .tuple(fc.string({ unit: tricky, minLength: 4, maxLength: 30 }), fc.constantFrom(..."abcXYZ019"))
  .map(([middle, last]) => `ghp_${middle}${last}`)

describe("a token quoted in GitHub's error text (docs/operations.md, Tokens are never shown)", () => {
  it.scopedLive("is masked in both answers, the request lines and every log record at Debug", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld({ logLevel: LogLevel.Debug })
      const token = "ghp_EchoedByGitHub_9876"
      const [broadcast, check] = yield* exchange(world, token)
      const reason = "PAT test query failed: GraphQL error: token ***9876 or ***9876 or ***9876 lacks a scope"
      assert.deepInclude(broadcast.json, { accepted: false, rejection_reason: reason })
      assert.deepInclude(check.json, { has_pat: true, pat_valid: false, rejection_reason: reason })
      const requests = world.logs.filter((line) => line.includes('"message":"request"'))
      assert.strictEqual(requests.length, 2)
      for (const line of requests) assert.include(line, reason)
      // Effect's Debug record of each failed GitHub call's fiber was captured, and is masked too.
      assert.isTrue(world.logs.some((line) => line.includes('"level":"DEBUG"') && line.includes("***9876")))
      assertNowhere([broadcast.text, check.text, ...world.logs], token)
    }))

  it.scopedLive("property: tokens that URL-encoding and JSON escape appear in no answer or log record", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld({ logLevel: LogLevel.Debug })
      for (const token of fc.sample(trickyToken, { numRuns: 25, seed: 74 })) {
        world.logs.length = 0
        const [broadcast, check] = yield* exchange(world, token)
        assert.strictEqual(broadcast.status, 200)
        assert.include((broadcast.json as { rejection_reason: string }).rejection_reason, "GraphQL error: token ***")
        assert.include((check.json as { rejection_reason: string }).rejection_reason, "GraphQL error: token ***")
        assertNowhere([broadcast.text, check.text, ...world.logs], token)
      }
    }))
})
