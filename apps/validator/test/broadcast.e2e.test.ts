import { readFileSync, statSync, writeFileSync } from "node:fs"
import { Messages } from "@gittensor-pat/core"
import { neuron } from "@gittensor-pat/core/testing"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { call, makeWorld, readStore, seedStore, tokenFields, type World } from "./support/world.js"

// Each step of docs/outcomes.md, "Broadcasts", through the wire: a signed PatBroadcastSynapse from miner uid 1.
const TOKEN = "ghp_broadcast_token_4242"

const broadcast = (world: World, token = TOKEN, options: { readonly timeoutSeconds?: number; readonly uuid?: string } = {}) =>
  Effect.map(call(world, "PatBroadcastSynapse", world.miners[0]!, tokenFields(token), options), (r) => ({
    accepted: r.accepted,
    rejection_reason: r.rejection_reason
  }))

const rejected = (rejection_reason: string) => ({ accepted: false, rejection_reason })

describe("PatBroadcastSynapse over the wire (docs/outcomes.md, Broadcasts)", () => {
  it.scopedLive("success: accepted, stored with the GitHub id, file mode 0600", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      world.github.allow(TOKEN, { id: 101, login: "m1" })
      assert.deepStrictEqual(yield* broadcast(world), { accepted: true, rejection_reason: null })
      const [row, ...rest] = readStore(world)
      assert.deepStrictEqual(rest, [])
      assert.deepInclude(row, { uid: 1, hotkey: world.miners[0]!.address, pat: TOKEN, github_id: "101" })
      assert.match(row!.stored_at!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/)
      assert.strictEqual(statSync(world.storePath).mode & 0o777, 0o600)
    }))

  it.scopedLive("step 1: hotkey deregistered between the blacklist and the pipeline → not registered, not stored", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld({ maxConcurrency: 1 })
      // A check stuck on a hanging GitHub holds the only slot while the broadcast waits.
      const holder = "ghp_slot_holder_0001"
      seedStore(world, [{ uid: 2, hotkey: world.miners[1]!.address, pat: holder, github_id: "7" }])
      world.github.script(holder, "user", "hang")
      world.github.script(holder, "graphql", "hang")
      world.github.allow(TOKEN, { id: 101, login: "m1" })
      const stuck = yield* Effect.fork(call(world, "PatCheckSynapse", world.miners[1]!, {}, { timeoutSeconds: 2 }))
      yield* Effect.sleep("300 millis")
      const waiting = yield* Effect.fork(broadcast(world))
      yield* Effect.sleep("300 millis")
      yield* world.metagraph.set(world.neurons.filter((n) => n.uid !== 1).map((n) => neuron(n.uid, n.hotkey, n.stake)))
      yield* Fiber.join(stuck)
      assert.deepStrictEqual(yield* Fiber.join(waiting), rejected(Messages.notRegistered))
      assert.isFalse(readStore(world).some((row) => row.uid === 1))
    }))

  it.scopedLive("step 2: identity invalid → no GitHub id, not stored", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      assert.deepStrictEqual(yield* broadcast(world), rejected("No Github id found for miner 1's PAT"))
      assert.deepStrictEqual(readStore(world), [])
    }))

  it.scopedLive("step 2: identity transient → could not validate, not stored", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      world.github.script(TOKEN, "user", "reset")
      assert.deepStrictEqual(
        yield* broadcast(world, TOKEN, { timeoutSeconds: 2 }),
        rejected("Could not validate Github id for miner 1: GitHub /user lookup failed transiently")
      )
      assert.deepStrictEqual(readStore(world), [])
    }))

  it.scopedLive("step 3: the hotkey pinned another GitHub account → locked, file unchanged", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      seedStore(world, [{ uid: 1, hotkey: world.miners[0]!.address, pat: "ghp_old_token_1111", github_id: "555" }])
      const before = readFileSync(world.storePath)
      world.github.allow(TOKEN, { id: 101, login: "m1" })
      assert.deepStrictEqual(yield* broadcast(world), rejected(Messages.identityLocked))
      assert.deepStrictEqual(readFileSync(world.storePath), before)
    }))

  it.scopedLive("step 3: the same account with a new token replaces the entry", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      seedStore(world, [{ uid: 1, hotkey: world.miners[0]!.address, pat: "ghp_old_token_1111", github_id: "101" }])
      world.github.allow(TOKEN, { id: 101, login: "m1" })
      assert.deepStrictEqual(yield* broadcast(world), { accepted: true, rejection_reason: null })
      assert.deepStrictEqual(readStore(world).map((r) => [r.uid, r.pat]), [[1, TOKEN]])
    }))

  it.scopedLive("a new hotkey on the uid (a new miner) replaces the old entry whatever its GitHub id", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      seedStore(world, [
        { uid: 1, hotkey: world.stranger.address, pat: "ghp_previous_owner_9", github_id: "999" },
        { uid: 2, hotkey: world.miners[1]!.address, pat: "ghp_neighbour_token_2", github_id: "202" }
      ])
      world.github.allow(TOKEN, { id: 101, login: "m1" })
      assert.deepStrictEqual(yield* broadcast(world), { accepted: true, rejection_reason: null })
      const rows = readStore(world)
      assert.deepStrictEqual(
        rows.map((r) => [r.uid, r.hotkey, r.github_id]).sort(),
        [
          [1, world.miners[0]!.address, "101"],
          [2, world.miners[1]!.address, "202"]
        ]
      )
    }))

  it.scopedLive("step 4: test query invalid (GraphQL 401) → test query failed, not stored", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      world.github.allow(TOKEN, { id: 101, login: "m1" })
      world.github.script(TOKEN, "graphql", { status: 401, json: { message: "Bad credentials" } })
      assert.deepStrictEqual(yield* broadcast(world), rejected("PAT test query failed: GitHub GraphQL API returned 401"))
      assert.deepStrictEqual(readStore(world), [])
    }))

  it.scopedLive("step 4: test query transient (GraphQL rate limited) → not evaluated, retry later, not stored", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      world.github.allow(TOKEN, { id: 101, login: "m1" })
      world.github.script(TOKEN, "graphql", {
        status: 200,
        json: { errors: [{ type: "RATE_LIMITED", message: "API rate limit exceeded" }] }
      })
      assert.deepStrictEqual(yield* broadcast(world, TOKEN, { timeoutSeconds: 2 }), rejected(Messages.broadcastRetryLater))
      assert.deepStrictEqual(readStore(world), [])
    }))

  it.scopedLive("step 5: store unreadable → store message, the file left byte-for-byte as it was", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const corrupt = '[{"uid": 2, "hotkey": "5Neighbour", "pat": "ghp_neighbour_secret_x", "github_id": "2"'
      writeFileSync(world.storePath, corrupt)
      world.github.allow(TOKEN, { id: 101, login: "m1" })
      assert.deepStrictEqual(yield* broadcast(world), rejected(Messages.storeUnavailable))
      assert.strictEqual(readFileSync(world.storePath, "utf8"), corrupt)
    }))

  it.scopedLive("two concurrent broadcasts for one hotkey with different accounts: exactly one accepted, the other locked", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      world.github.allow("ghp_account_a_000001", { id: 1, login: "a" })
      world.github.allow("ghp_account_b_000002", { id: 2, login: "b" })
      const [a, b] = yield* Effect.all(
        [
          broadcast(world, "ghp_account_a_000001", { uuid: "11111111-1111-4111-8111-111111111111" }),
          broadcast(world, "ghp_account_b_000002", { uuid: "22222222-2222-4222-8222-222222222222" })
        ],
        { concurrency: "unbounded" }
      )
      const answers = [a, b]
      assert.strictEqual(answers.filter((x) => x.accepted === true).length, 1)
      assert.deepStrictEqual(answers.find((x) => x.accepted !== true), rejected(Messages.identityLocked))
      const [row] = readStore(world)
      assert.strictEqual(row!.github_id, a.accepted === true ? "1" : "2")
    }))

  it.scopedLive("broadcasts from every miner at once are all stored", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const tokens = world.miners.map((_, i) => `ghp_parallel_miner_${i}_token`)
      for (const [i, token] of tokens.entries()) world.github.allow(token, { id: 1_000 + i, login: `m${i}` })
      const answers = yield* Effect.forEach(
        world.miners,
        (miner, i) => call(world, "PatBroadcastSynapse", miner, tokenFields(tokens[i]!)),
        { concurrency: "unbounded" }
      )
      assert.isTrue(answers.every((x) => x.accepted === true))
      assert.deepStrictEqual(readStore(world).map((r) => r.uid).sort(), [1, 2, 3])
    }))
})
