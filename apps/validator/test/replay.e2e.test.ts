import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { body, makeWorld, post, readStore, signedHeaders, type World } from "./support/world.js"

// Issue 13 item 2 at small scale: a window of 40 keys shared by the 4 registered hotkeys
// (the validator and 3 miners), so each may hold 10.
const MAX_KEYS = 40
const SHARE = MAX_KEYS / 4
const VICTIM_UUID = "00000000-0000-4000-8000-00000000000a"
const OLD_TOKEN = "ghp_victim_old_token_1111"
const NEW_TOKEN = "ghp_victim_new_token_2222"

const broadcastAs = (world: World, headers: Record<string, string>, token: string) =>
  post(world, "/PatBroadcastSynapse", headers, body("PatBroadcastSynapse", token))

const checkAs = (world: World, minerIndex: number, uuid: string) =>
  post(world, "/PatCheckSynapse", signedHeaders(world, world.miners[minerIndex]!, "PatCheckSynapse", { uuid }), body("PatCheckSynapse"))

const storedPat = (world: World) => readStore(world).find((row) => row.uid === 1)?.pat

describe("replay protection over the wire (docs/protocol.md, Nonces)", () => {
  it.scopedLive("a captured broadcast replayed after a flood, timeout raised to 60, is refused; the stored PAT stays", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld({ nonceWindow: { maxKeys: MAX_KEYS } })
      world.github.allow(OLD_TOKEN, { id: 77, login: "victim" })
      world.github.allow(NEW_TOKEN, { id: 77, login: "victim" })
      const victim = world.miners[0]!

      // The victim broadcasts its old token (the attacker captures the request), then a new one.
      const captured = signedHeaders(world, victim, "PatBroadcastSynapse", { uuid: VICTIM_UUID })
      assert.strictEqual((yield* broadcastAs(world, captured, OLD_TOKEN)).status, 200)
      const renewed = signedHeaders(world, victim, "PatBroadcastSynapse", { uuid: VICTIM_UUID })
      assert.strictEqual((yield* broadcastAs(world, renewed, NEW_TOKEN)).status, 200)
      assert.strictEqual(storedPat(world), NEW_TOKEN)

      // Another registered miner floods the window with fresh uuids, more than it holds.
      const flood: Array<number> = []
      for (let i = 0; i < MAX_KEYS + 5; i++) flood.push((yield* checkAs(world, 1, `flood-${i}`)).status)

      // The unsigned timeout header raised to 60 s widens the window a first nonce must fall in.
      const replay = yield* broadcastAs(world, { ...captured, timeout: "60.0" }, OLD_TOKEN)
      assert.strictEqual(replay.status, 401, replay.text)
      assert.match((replay.json as { message: string }).message, /Nonce/)
      assert.strictEqual(storedPat(world), NEW_TOKEN)

      // The flooder got its share and then 503s that say to retry; the other miners were unaffected.
      assert.deepStrictEqual(flood.slice(0, SHARE), Array(SHARE).fill(200))
      assert.deepStrictEqual(flood.slice(SHARE), Array(flood.length - SHARE).fill(503))
      const refused = yield* checkAs(world, 1, "one-more")
      assert.strictEqual(refused.status, 503)
      assert.strictEqual(refused.headers.get("bt_header_axon_status_code"), "503")
      assert.match(refused.headers.get("content-type") ?? "", /^application\/json/)
      const message = (refused.json as { message: string }).message
      assert.match(message, /retry shortly/)
      assert.strictEqual(refused.headers.get("bt_header_axon_status_message"), message)
      assert.strictEqual((yield* checkAs(world, 2, "bystander-session")).status, 200)
    }))

  it.scopedLive("a first nonce more than 4 s + timeout ahead of the validator's clock → 401", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const ahead = (seconds: number) => BigInt(Date.now() + seconds * 1_000) * 1_000_000n
      const far = signedHeaders(world, world.miners[0]!, "PatCheckSynapse", { nonce: ahead(150), timeout: 60, uuid: "ahead-1" })
      const refused = yield* post(world, "/PatCheckSynapse", far, body("PatCheckSynapse"))
      assert.strictEqual(refused.status, 401, refused.text)
      assert.match((refused.json as { message: string }).message, /ahead of the validator's clock/)
      const near = signedHeaders(world, world.miners[0]!, "PatCheckSynapse", { nonce: ahead(30), timeout: 60, uuid: "ahead-2" })
      assert.strictEqual((yield* post(world, "/PatCheckSynapse", near, body("PatCheckSynapse"))).status, 200)
    }))
})
