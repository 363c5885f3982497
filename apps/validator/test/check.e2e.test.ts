import { writeFileSync } from "node:fs"
import { Messages } from "@gittensor-pat/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { call, makeWorld, seedStore, type World } from "./support/world.js"

// Each row of docs/outcomes.md, "Checks", through the wire: a signed PatCheckSynapse from miner uid 1.
const TOKEN = "ghp_check_row_token_7777"

const storeToken = (world: World) => seedStore(world, [{ uid: 1, hotkey: world.miners[0]!.address, pat: TOKEN, github_id: "101" }])

const check = (world: World, timeoutSeconds = 12) =>
  Effect.map(call(world, "PatCheckSynapse", world.miners[0]!, {}, { timeoutSeconds }), (r) => ({
    has_pat: r.has_pat,
    pat_valid: r.pat_valid,
    rejection_reason: r.rejection_reason
  }))

describe("PatCheckSynapse over the wire (docs/outcomes.md, Checks)", () => {
  it.scopedLive("PAT store unreadable → has_pat false, pat_valid null, retry message", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      writeFileSync(world.storePath, "{ not json")
      assert.deepStrictEqual(yield* check(world), {
        has_pat: false,
        pat_valid: null,
        rejection_reason: Messages.storeUnavailable
      })
    }))

  it.scopedLive("no entry for the caller's uid → No PAT stored", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      assert.deepStrictEqual(yield* check(world), { has_pat: false, pat_valid: false, rejection_reason: Messages.noPat })
    }))

  it.scopedLive("the entry's hotkey differs (the uid changed hands) → No PAT stored", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      seedStore(world, [{ uid: 1, hotkey: world.stranger.address, pat: TOKEN, github_id: "101" }])
      world.github.allow(TOKEN, { id: 101, login: "someone" })
      assert.deepStrictEqual(yield* check(world), { has_pat: false, pat_valid: false, rejection_reason: Messages.noPat })
      assert.strictEqual(world.github.count(TOKEN, "user"), 0)
    }))

  it.scopedLive("identity transient (GitHub /user 503) → has_pat true, pat_valid null, retry later", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      storeToken(world)
      world.github.allow(TOKEN, { id: 101, login: "m1" })
      world.github.script(TOKEN, "user", { status: 503, json: { message: "Service Unavailable" } })
      assert.deepStrictEqual(yield* check(world, 2), {
        has_pat: true,
        pat_valid: null,
        rejection_reason: Messages.checkRetryLater
      })
    }))

  it.scopedLive("identity invalid (GitHub /user 401) → pat_valid false, no GitHub id", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      storeToken(world)
      world.github.allow(TOKEN, { id: 101, login: "m1" })
      world.github.script(TOKEN, "user", { status: 401, json: { message: "Bad credentials" } })
      assert.deepStrictEqual(yield* check(world), {
        has_pat: true,
        pat_valid: false,
        rejection_reason: "No Github id found for miner 1's PAT"
      })
    }))

  it.scopedLive("test query transient (GraphQL 502) → pat_valid null, retry later", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      storeToken(world)
      world.github.allow(TOKEN, { id: 101, login: "m1" })
      world.github.script(TOKEN, "graphql", { status: 502, body: "<html>bad gateway</html>" })
      assert.deepStrictEqual(yield* check(world, 2), {
        has_pat: true,
        pat_valid: null,
        rejection_reason: Messages.checkRetryLater
      })
    }))

  it.scopedLive("test query invalid (GraphQL error) → pat_valid false with GitHub's message", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      storeToken(world)
      world.github.allow(TOKEN, { id: 101, login: "m1" })
      world.github.script(TOKEN, "graphql", { status: 200, json: { errors: [{ message: "Resource not accessible" }] } })
      assert.deepStrictEqual(yield* check(world), {
        has_pat: true,
        pat_valid: false,
        rejection_reason: "PAT test query failed: GraphQL error: Resource not accessible"
      })
    }))

  it.scopedLive("test query invalid (fine-grained PAT without access) → the permission message", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      storeToken(world)
      world.github.allow(TOKEN, { id: 101, login: "m1" })
      world.github.script(TOKEN, "graphql", { status: 200, json: { data: { viewer: null } } })
      assert.deepStrictEqual(yield* check(world), {
        has_pat: true,
        pat_valid: false,
        rejection_reason: `PAT test query failed: ${Messages.missingScope}`
      })
    }))

  it.scopedLive("both fine → has_pat true, pat_valid true, no reason", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      storeToken(world)
      world.github.allow(TOKEN, { id: 101, login: "m1" })
      assert.deepStrictEqual(yield* check(world), { has_pat: true, pat_valid: true, rejection_reason: null })
    }))
})
