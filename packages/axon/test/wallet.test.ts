import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { homedir } from "node:os"
import { dirname, join } from "node:path"
import { FileSystem } from "@effect/platform"
import { NodeFileSystem } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Logger } from "effect"
import {
  devMinerKey,
  devValidatorKey,
  hotkeyFile,
  keypairFromMnemonic,
  readHotkey,
  type WalletError,
  writeHotkey
} from "../src/index.js"
import { BTWALLET, SUBSTRATE_DEV } from "./vectors.js"

const SUBSTRATE_DEV_SEED = "0xfac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e"

/** A temp wallets folder, removed with the scope. */
const wallets = Effect.flatMap(FileSystem.FileSystem, (fs) => fs.makeTempDirectoryScoped())

const placeFile = (path: string, contents: string, mode = 0o600) => {
  const location = { path, name: "w", hotkey: "h" }
  const file = hotkeyFile(location)
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, contents)
  chmodSync(file, mode)
  return location
}

const readFailure = (path: string, contents: string) =>
  Effect.flip(readHotkey(placeFile(path, contents))) as Effect.Effect<WalletError, never, FileSystem.FileSystem>

describe("wallet keyfiles", () => {
  it.scoped("writes a Bittensor hotkey file (0600) and reads it back", () =>
    Effect.gen(function* () {
      const path = yield* wallets
      const keypair = yield* keypairFromMnemonic(BTWALLET.mnemonic)
      const location = { path: join(path, "nested"), name: "validator", hotkey: "default" }
      yield* writeHotkey(location, keypair)
      const file = join(path, "nested", "validator", "hotkeys", "default")
      assert.strictEqual(statSync(file).mode & 0o777, 0o600)
      const json = JSON.parse(readFileSync(file, "utf8"))
      assert.deepStrictEqual(Object.keys(json).sort(), [
        "accountId",
        "privateKey",
        "publicKey",
        "secretPhrase",
        "secretSeed",
        "ss58Address"
      ])
      assert.strictEqual(json.ss58Address, BTWALLET.address)
      assert.strictEqual(json.publicKey, BTWALLET.publicKey)
      assert.strictEqual(json.privateKey, BTWALLET.privateKey)
      assert.strictEqual(json.secretPhrase, BTWALLET.mnemonic)
      const back = yield* readHotkey(location)
      assert.strictEqual(back.address, BTWALLET.address)
    }).pipe(Effect.provide(NodeFileSystem.layer))
  )

  it.scoped("derives from secretPhrase, secretSeed or privateKey as bittensor-wallet does", () =>
    Effect.gen(function* () {
      const path = yield* wallets
      const cases: ReadonlyArray<[object, string]> = [
        [{ secretPhrase: BTWALLET.mnemonic, ss58Address: BTWALLET.address }, BTWALLET.address],
        [{ secretSeed: SUBSTRATE_DEV_SEED, ss58Address: SUBSTRATE_DEV.address }, SUBSTRATE_DEV.address],
        [{ privateKey: BTWALLET.privateKey, ss58Address: BTWALLET.address, publicKey: null }, BTWALLET.address],
        // The phrase wins over a seed, as in bittensor-wallet.
        [{ secretPhrase: SUBSTRATE_DEV.mnemonic, secretSeed: "0x00" }, SUBSTRATE_DEV.address]
      ]
      for (const [contents, address] of cases) {
        const keypair = yield* readHotkey(placeFile(path, JSON.stringify(contents)))
        assert.strictEqual(keypair.address, address)
      }
    }).pipe(Effect.provide(NodeFileSystem.layer))
  )

  it.scoped("errors are clear and never carry the secret", () =>
    Effect.gen(function* () {
      const path = yield* wallets
      const missing = yield* Effect.flip(readHotkey({ path, name: "nobody", hotkey: "none" }))
      assert.strictEqual(missing.reason, "not-found")
      assert.include(missing.message, join(path, "nobody", "hotkeys", "none"))
      assert.include(missing.message, "btcli wallet new_hotkey")

      const secretWords = "zebra zebra zebra zebra zebra zebra zebra zebra zebra zebra zebra zebra"
      const cases: ReadonlyArray<[string, WalletError["reason"], string]> = [
        [`$NACL${"x".repeat(40)}`, "encrypted", "encrypted (NaCl)"],
        ["$ANSIBLE_VAULT;1.1;AES256\n6162", "encrypted", "encrypted (Ansible Vault)"],
        ["gAAAAABkZXNlY3JldA==", "encrypted", "encrypted (legacy Fernet)"],
        ["{not json", "malformed", "not a Bittensor keyfile"],
        [JSON.stringify({ secretPhrase: 42 }), "malformed", "not a Bittensor keyfile"],
        [JSON.stringify({ ss58Address: BTWALLET.address }), "no-secret", "holds no secret"],
        [JSON.stringify({ secretPhrase: secretWords }), "malformed", "secretPhrase"],
        [JSON.stringify({ secretSeed: "0xabcd" }), "malformed", "secretSeed"],
        [
          JSON.stringify({ secretPhrase: BTWALLET.mnemonic, ss58Address: SUBSTRATE_DEV.address }),
          "address-mismatch",
          `derives ${BTWALLET.address}`
        ],
        [JSON.stringify({ privateKey: BTWALLET.privateKey, ss58Address: SUBSTRATE_DEV.address }), "malformed", "privateKey"]
      ]
      for (const [contents, reason, text] of cases) {
        const error = yield* readFailure(path, contents)
        assert.strictEqual(error.reason, reason, contents)
        assert.include(error.message, text)
        if (text === "not a Bittensor keyfile") assert.include(error.message, "(format: docs/wallet.md)")
        const rendered = `${error.message} ${JSON.stringify(error)} ${String(error)}`
        for (const secret of ["zebra", "leopard", BTWALLET.privateKey.slice(2, 20), "abcd"]) {
          assert.notInclude(rendered, secret)
        }
      }
    }).pipe(Effect.provide(NodeFileSystem.layer))
  )

  it.scoped("warns when group or others can read the file", () =>
    Effect.gen(function* () {
      const path = yield* wallets
      const logs: Array<string> = []
      const capture = Logger.replace(
        Logger.defaultLogger,
        Logger.make(({ message }) => logs.push(String(message)))
      )
      const contents = JSON.stringify({ secretPhrase: BTWALLET.mnemonic })
      yield* readHotkey(placeFile(path, contents, 0o600)).pipe(Effect.provide(capture))
      assert.deepStrictEqual(logs, [])
      yield* readHotkey(placeFile(path, contents, 0o644)).pipe(Effect.provide(capture))
      assert.strictEqual(logs.length, 1)
      assert.include(logs[0]!, "chmod 600")
      assert.notInclude(logs[0]!, "leopard")
    }).pipe(Effect.provide(NodeFileSystem.layer))
  )

  it("expands ~ in the wallet path", () => {
    assert.strictEqual(
      hotkeyFile({ path: "~/.bittensor/wallets", name: "default", hotkey: "default" }),
      join(homedir(), ".bittensor", "wallets", "default", "hotkeys", "default")
    )
    assert.strictEqual(hotkeyFile({ path: "/w", name: "n", hotkey: "h" }), "/w/n/hotkeys/h")
  })

  it.effect("development keys are fixed, distinct, and not the published vectors", () =>
    Effect.gen(function* () {
      const validator = yield* devValidatorKey
      const again = yield* devValidatorKey
      const miners = yield* Effect.all([devMinerKey(0), devMinerKey(1), devMinerKey(0)])
      assert.strictEqual(validator.address, again.address)
      assert.strictEqual(miners[0].address, miners[2].address)
      assert.strictEqual(new Set([validator.address, miners[0].address, miners[1].address]).size, 3)
      assert.notInclude([SUBSTRATE_DEV.address, BTWALLET.address], validator.address)
    })
  )
})
