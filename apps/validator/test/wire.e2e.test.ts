import { createHash } from "node:crypto"
import { EMPTY_BODY_HASH } from "@gittensor-pat/axon"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { body, freshNonce, makeWorld, post, type RawAnswer, signedHeaders, type World } from "./support/world.js"

// docs/protocol.md through the wire: every refusal is JSON with the axon status headers.
const assertRefused = (answer: RawAnswer, status: number, message?: string | RegExp) => {
  assert.strictEqual(answer.status, status)
  assert.match(answer.headers.get("content-type") ?? "", /^application\/json/)
  assert.strictEqual(answer.headers.get("bt_header_axon_status_code"), String(status))
  const json = answer.json as { readonly message?: unknown }
  assert.isString(json.message)
  assert.strictEqual(answer.headers.get("bt_header_axon_status_message"), json.message)
  assert.isNotNull(answer.headers.get("bt_header_axon_process_time"))
  if (typeof message === "string") assert.strictEqual(json.message, message)
  else if (message !== undefined) assert.match(json.message as string, message)
}

const check = (world: World, headers: Record<string, string>, text = body("PatCheckSynapse")) =>
  post(world, "/PatCheckSynapse", headers, text)

describe("wire protocol (docs/protocol.md)", () => {
  it.scopedLive("a check answered 200: the whole synapse as JSON, axon status 200 Success, the axon headers", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const miner = world.miners[0]!
      const answer = yield* check(world, signedHeaders(world, miner, "PatCheckSynapse"))
      assert.strictEqual(answer.status, 200)
      assert.match(answer.headers.get("content-type") ?? "", /^application\/json/)
      assert.strictEqual(answer.headers.get("bt_header_axon_status_code"), "200")
      assert.strictEqual(answer.headers.get("bt_header_axon_status_message"), "Success")
      assert.isTrue(Number(answer.headers.get("bt_header_axon_process_time")) >= 0)
      const json = answer.json as Record<string, unknown>
      for (const field of ["name", "timeout", "total_size", "header_size", "computed_body_hash", "dendrite", "axon"]) {
        assert.property(json, field)
      }
      assert.strictEqual(json.name, "PatCheckSynapse")
      assert.deepInclude(json.axon as object, { status_code: 200, status_message: "Success", hotkey: world.validator.hotkey })
      // The caller's own terminal and body hash come back as its headers stated them.
      assert.deepInclude(json.dendrite as object, { hotkey: miner.address, uuid: "00000000-0000-4000-8000-000000000001" })
      assert.strictEqual(json.computed_body_hash, EMPTY_BODY_HASH)
      assert.deepInclude(json, { has_pat: false, pat_valid: false, rejection_reason: "No PAT stored for this miner" })
    }))

  it.scopedLive("a broadcast answered 200 echoes the synapse with github_access_token emptied", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const token = "ghp_echo_never_0000"
      world.github.allow(token, { id: 5, login: "echo" })
      const answer = yield* post(
        world,
        "/PatBroadcastSynapse",
        signedHeaders(world, world.miners[0]!, "PatBroadcastSynapse"),
        body("PatBroadcastSynapse", token)
      )
      assert.strictEqual(answer.status, 200)
      const json = answer.json as Record<string, unknown>
      assert.deepInclude(json, { name: "PatBroadcastSynapse", github_access_token: "", accepted: true, rejection_reason: null })
      assert.notInclude(answer.text, token)
    }))

  it.scopedLive("bad signature → 401", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const headers = signedHeaders(world, world.miners[0]!, "PatCheckSynapse")
      // Signed by another key, but claiming to be miner 1.
      const forged = signedHeaders(world, world.miners[1]!, "PatCheckSynapse", { nonce: BigInt(headers.bt_header_dendrite_nonce!) })
      assertRefused(yield* check(world, { ...headers, bt_header_dendrite_signature: forged.bt_header_dendrite_signature! }), 401, /Signature mismatch/)
      assertRefused(yield* check(world, { ...headers, bt_header_dendrite_signature: "0xdeadbeef" }), 401, /Signature mismatch/)
    }))

  it.scopedLive("missing signature, nonce or uuid → 401; missing dendrite hotkey → 400", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      for (const header of ["bt_header_dendrite_signature", "bt_header_dendrite_nonce", "bt_header_dendrite_uuid"]) {
        const { [header]: _, ...rest } = signedHeaders(world, world.miners[0]!, "PatCheckSynapse")
        assertRefused(yield* check(world, rest), 401, `Missing header ${header}`)
      }
      const { bt_header_dendrite_hotkey: _, ...rest } = signedHeaders(world, world.miners[0]!, "PatCheckSynapse")
      assertRefused(yield* check(world, rest), 400, "Missing header bt_header_dendrite_hotkey")
    }))

  it.scopedLive("a header of the wrong type → 400", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const headers = signedHeaders(world, world.miners[0]!, "PatCheckSynapse")
      assertRefused(yield* check(world, { ...headers, bt_header_dendrite_nonce: "yesterday" }), 400, /bt_header_dendrite_nonce/)
      assertRefused(yield* check(world, { ...headers, timeout: "soon" }), 400, /timeout/)
    }))

  it.scopedLive("replayed nonce → 401", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const headers = signedHeaders(world, world.miners[0]!, "PatCheckSynapse")
      assert.strictEqual((yield* check(world, headers)).status, 200)
      assertRefused(yield* check(world, headers), 401, /Nonce/)
    }))

  it.scopedLive("a nonce not greater than the last accepted one for the same uuid → 401", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const older = freshNonce()
      const newer = freshNonce()
      assert.strictEqual((yield* check(world, signedHeaders(world, world.miners[0]!, "PatCheckSynapse", { nonce: newer }))).status, 200)
      assertRefused(yield* check(world, signedHeaders(world, world.miners[0]!, "PatCheckSynapse", { nonce: older })), 401, /Nonce/)
    }))

  it.scopedLive("stale nonce (older than now − 4 s − timeout) → 401", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const stale = BigInt(Date.now() - 20_000) * 1_000_000n
      const headers = signedHeaders(world, world.miners[0]!, "PatCheckSynapse", { nonce: stale, timeout: 12 })
      assertRefused(yield* check(world, headers), 401, /Nonce/)
    }))

  it.scopedLive("signed for another axon's hotkey → 401", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const headers = signedHeaders(world, world.miners[0]!, "PatCheckSynapse", { axonHotkey: world.stranger.address })
      assertRefused(yield* check(world, headers), 401, /Signature mismatch/)
    }))

  it.scopedLive("body hash mismatch (signed, but not the empty-fields hash) → 400", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const other = createHash("sha3-256").update("something").digest("hex")
      assert.notStrictEqual(other, EMPTY_BODY_HASH)
      const headers = signedHeaders(world, world.miners[0]!, "PatCheckSynapse", { bodyHash: other })
      assertRefused(yield* check(world, headers), 400, /Body hash mismatch/)
    }))

  it.scopedLive("unknown path → 404 as JSON", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      assertRefused(yield* post(world, "/SomethingElse", signedHeaders(world, world.miners[0]!, "PatCheckSynapse"), "{}"), 404)
    }))

  it.scopedLive("body over 64 KiB → 413, with or without a content-length", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const big = JSON.stringify({ name: "PatCheckSynapse", padding: "x".repeat(70 * 1024) })
      assertRefused(yield* check(world, signedHeaders(world, world.miners[0]!, "PatCheckSynapse"), big), 413)
      // A stream has no declared length: the limit applies while reading.
      const stream = new Blob([big]).stream()
      const answer = yield* Effect.promise(async () => {
        const response = await fetch(`${world.validator.url}/PatCheckSynapse`, {
          method: "POST",
          headers: signedHeaders(world, world.miners[0]!, "PatCheckSynapse"),
          body: stream,
          duplex: "half"
        } as RequestInit)
        const text = await response.text()
        return { status: response.status, headers: response.headers, text, json: JSON.parse(text) as unknown }
      })
      assertRefused(answer, 413)
    }))

  it.scopedLive("a body of exactly 64 KiB is read", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const base = JSON.stringify({ name: "PatCheckSynapse", padding: "" })
      const exact = JSON.stringify({ name: "PatCheckSynapse", padding: "x".repeat(64 * 1024 - base.length) })
      assert.strictEqual(Buffer.byteLength(exact), 64 * 1024)
      assert.strictEqual((yield* check(world, signedHeaders(world, world.miners[0]!, "PatCheckSynapse"), exact)).status, 200)
    }))

  it.scopedLive("malformed JSON → 400", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      assertRefused(yield* check(world, signedHeaders(world, world.miners[0]!, "PatCheckSynapse"), "{ name: "), 400, "Malformed JSON body")
    }))

  it.scopedLive("wrong field types → 400 naming the field, never echoing its value", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const secret = "ghp_should_not_echo_9"
      const answer = yield* post(
        world,
        "/PatBroadcastSynapse",
        signedHeaders(world, world.miners[0]!, "PatBroadcastSynapse"),
        JSON.stringify({ name: "PatBroadcastSynapse", github_access_token: 42, rejection_reason: { secret } })
      )
      assertRefused(answer, 400, /github_access_token/)
      assert.notInclude(answer.text, secret)
    }))

  it.scopedLive("unregistered hotkey → 403 with Bittensor's blacklist message", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const headers = signedHeaders(world, world.stranger, "PatCheckSynapse")
      assertRefused(
        yield* check(world, headers),
        403,
        `Forbidden. Key is blacklisted: Hotkey ${world.stranger.address.slice(0, 16)}... not registered.`
      )
    }))

  it.scopedLive("cheap checks come first: size before blacklist, blacklist before signature, signature before body", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const big = "x".repeat(70 * 1024)
      const strangerHeaders = signedHeaders(world, world.stranger, "PatCheckSynapse")
      assertRefused(yield* check(world, strangerHeaders, big), 413)
      assertRefused(yield* check(world, { ...strangerHeaders, bt_header_dendrite_signature: "0x00" }), 403)
      const headers = signedHeaders(world, world.miners[0]!, "PatCheckSynapse")
      assertRefused(yield* check(world, { ...headers, bt_header_dendrite_signature: "0x00" }, "{ broken"), 401)
    }))

  it.scopedLive("over --rate-limit per minute → 429 with a clear message; other hotkeys unaffected", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld({ rateLimit: 3 })
      const statuses: Array<number> = []
      for (let i = 0; i < 4; i++) statuses.push((yield* check(world, signedHeaders(world, world.miners[0]!, "PatCheckSynapse"))).status)
      assert.deepStrictEqual(statuses, [200, 200, 200, 429])
      assertRefused(yield* check(world, signedHeaders(world, world.miners[0]!, "PatCheckSynapse")), 429, /Rate limit exceeded: at most 3 requests per minute/)
      assert.strictEqual((yield* check(world, signedHeaders(world, world.miners[1]!, "PatCheckSynapse"))).status, 200)
    }))
})
