import { readFileSync, statSync } from "node:fs"
import { join } from "node:path"
import { NodeFileSystem } from "@effect/platform-node"
import { devMinerKey, devValidatorKey, hotkeyFile, readMetagraphSnapshot } from "@gittensor-pat/axon"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { loadHotkey } from "../src/cli/hotkey.js"
import { DEV_WALLET, MetagraphSettings, type ServeSettings } from "../src/cli/settings.js"
import { EXAMPLE_METAGRAPH } from "../src/examples.js"
import { tempDir } from "./support/world.js"

const settings = (overrides: Partial<ServeSettings>): ServeSettings => ({
  development: true,
  host: "127.0.0.1",
  port: 8091,
  wallet: DEV_WALLET,
  devWallet: true,
  metagraph: MetagraphSettings.File({ path: EXAMPLE_METAGRAPH }),
  githubApiUrl: "https://api.github.com",
  patsFile: "data/miner_pats.json",
  maxConcurrency: 2048,
  rateLimit: 30,
  logLevel: "Info",
  logFormat: "json",
  ...overrides
})

describe("development mode", () => {
  it.effect("examples/metagraph.json lists the dev validator on uid 0 and dev miners 1..3", () =>
    Effect.gen(function* () {
      const snapshot = yield* readMetagraphSnapshot(EXAMPLE_METAGRAPH)
      const validator = yield* devValidatorKey
      const [v, ...miners] = snapshot.neurons
      assert.strictEqual(snapshot.netuid, 74)
      assert.strictEqual(v!.hotkey, validator.address)
      assert.isAtLeast(v!.stake, 100_000)
      assert.strictEqual(v!.validatorTrust, 1)
      assert.deepStrictEqual(v!.axon, { ip: "127.0.0.1", port: 8091 })
      assert.strictEqual(miners.length, 3)
      for (const [i, miner] of miners.entries()) {
        assert.strictEqual(miner.hotkey, (yield* devMinerKey(i + 1)).address)
        assert.strictEqual(miner.stake, 0)
        assert.strictEqual(miner.validatorTrust, 0)
        assert.deepStrictEqual(miner.axon, { ip: "0.0.0.0", port: 0 })
      }
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.scoped("the dev hotkey is written once, mode 0600, in the Bittensor keyfile layout, then reused", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const s = settings({ wallet: { ...DEV_WALLET, path: join(dir, DEV_WALLET.path) } })
      const load = loadHotkey(s).pipe(Effect.provide(NodeFileSystem.layer))
      const key = yield* load
      const file = hotkeyFile(s.wallet)
      const first = statSync(file)
      assert.strictEqual(first.mode & 0o777, 0o600)
      assert.strictEqual(key.address, (yield* devValidatorKey).address)
      const text = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>
      assert.strictEqual(text.ss58Address, key.address)
      assert.isTrue(["secretPhrase", "secretSeed", "privateKey"].some((field) => typeof text[field] === "string"))
      const again = yield* load
      assert.strictEqual(again.address, key.address)
      assert.strictEqual(statSync(file).mtimeMs, first.mtimeMs)
    }))

  it.scoped("outside development mode a missing hotkey file is an error, never generated", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const result = yield* Effect.either(
        loadHotkey(settings({ development: false, devWallet: false, wallet: { path: dir, name: "default", hotkey: "default" } })).pipe(
          Effect.provide(NodeFileSystem.layer)
        )
      )
      assert.isTrue(result._tag === "Left" && result.left.reason === "not-found")
    }))
})
