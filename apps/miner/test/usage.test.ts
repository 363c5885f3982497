import { join } from "node:path"
import { FileSystem } from "@effect/platform"
import { NodeContext } from "@effect/platform-node"
import { assert, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as Progress from "../src/Progress.js"
import { subnet, testKey, walletArgs, writeSnapshot } from "./fixture.js"
import { runMiner } from "./harness.js"

const localGitHub = "http://127.0.0.1:9"

layer(NodeContext.layer, { excludeTestServices: true })("miner: failures the user can act on (exit 1) and bad usage (exit 2)", (it) => {
  it.scoped("a missing hotkey file says how to create one", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const root = yield* fs.makeTempDirectoryScoped()
      const run = yield* runMiner(["check", ...walletArgs(root), "--metagraph", join(root, "m.json")])
      assert.strictEqual(run.exitCode, 1)
      assert.include(run.stderr, join(root, "wallets", "miner", "hotkeys", "default"))
      assert.include(run.stderr, "btcli wallet new_hotkey")
      assert.strictEqual(run.stdout, "")
    })
  )

  it.scoped("an unreadable metagraph, an unregistered hotkey, no eligible validator: each says what to do", () =>
    Effect.gen(function* () {
      const net = yield* subnet([{ githubUrl: localGitHub }])
      const base = ["check", ...net.args.slice(0, -2)]

      const noFile = yield* runMiner([...base, "--metagraph", join(net.root, "absent.json")])
      assert.strictEqual(noFile.exitCode, 1)
      assert.include(noFile.stderr, "--metagraph")

      const stranger = yield* testKey(77)
      const other = join(net.root, "other.json")
      yield* writeSnapshot(other, [{ ...net.neurons[0]!, hotkey: stranger.address }])
      const unregistered = yield* runMiner([...base, "--metagraph", other])
      assert.strictEqual(unregistered.exitCode, 1)
      assert.include(unregistered.stderr, "is not registered")
      assert.include(unregistered.stderr, "btcli subnet register")

      const strict = yield* runMiner(["check", ...net.args, "--min-stake", "1000000", "--json"])
      assert.strictEqual(strict.exitCode, 1)
      assert.include(strict.stderr, "No validator has validator_trust > 0.25, stake ≥ 1000000")
      const doc = JSON.parse(strict.stdout)
      assert.deepInclude(doc, { success: false, total_validators: 0, valid: 0, results: [] })
      assert.deepStrictEqual(
        doc.skipped.map((s: { uid: number; reason: string }) => [s.uid, s.reason]),
        [[0, "stake 100000 < 1000000"], [1, "validator_trust 0 ≤ 0.25; axon not serving (0.0.0.0:0); stake 0 < 1000000"]]
      )
    })
  )

  it.scoped("bad flags exit 2; with --json stdout still holds one JSON document", () =>
    Effect.gen(function* () {
      const net = yield* subnet([{ githubUrl: localGitHub }])
      const cases: ReadonlyArray<ReadonlyArray<string>> = [
        ["check", ...net.args, "--timeout", "abc"],
        ["check", ...net.args, "--timeout", "0"],
        ["check", ...net.args, "--no-such-flag"],
        ["check", ...net.args, "--subtensor.chain_endpoint", "http://127.0.0.1:9944"],
        ["check", ...net.args, "--subtensor.network", "mainnet"],
        ["check", ...net.args, "--subtensor.network", "local", "--netuid", "70000"],
        ["post", ...net.args, "--github-api-url", "not a url", "--pat", "ghp_x"],
        ["frobnicate"]
      ]
      for (const args of cases) {
        const plain = yield* runMiner(args)
        assert.strictEqual(plain.exitCode, 2, `${args.join(" ")}: ${plain.stderr}`)
        assert.notStrictEqual(plain.stderr, "")
        const json = yield* runMiner([...args, "--json"])
        assert.strictEqual(json.exitCode, 2, args.join(" "))
        const doc = JSON.parse(json.stdout)
        assert.strictEqual(doc.success, false)
        assert.isString(doc.error)
      }
    })
  )

  it.scoped("even a bug leaves stdout one JSON document, and exits 1", () =>
    Effect.gen(function* () {
      const net = yield* subnet([{ githubUrl: localGitHub }])
      const broken = Layer.succeed(Progress.Progress, { track: () => Effect.die(new Error("progress exploded")) })
      const run = yield* runMiner(["check", ...net.args, "--json"], { progress: broken })
      assert.strictEqual(run.exitCode, 1)
      assert.include(run.stderr, "unexpected failure: progress exploded")
      assert.deepInclude(JSON.parse(run.stdout), { success: false, error: "unexpected failure: progress exploded" })
    })
  )

  it.effect("--help shows every flag and examples, and exits 0", () =>
    Effect.gen(function* () {
      for (const command of ["post", "check"]) {
        const run = yield* runMiner([command, "--help"])
        assert.strictEqual(run.exitCode, 0)
        for (const flag of ["--wallet.name", "--wallet.hotkey", "--wallet.path", "--metagraph", "--pat", "--min-vtrust", "--min-stake", "--github-api-url", "--timeout", "--yes", "--json", "--subtensor.network", "--subtensor.chain_endpoint", "--netuid", "GITTENSOR_MINER_PAT", "EXAMPLES"]) {
          assert.include(run.stdout, flag, `${command} --help`)
        }
      }
    })
  )
})
