import { join } from "node:path"
import { FileSystem } from "@effect/platform"
import { NodeContext } from "@effect/platform-node"
import { publicKeyOf, writeHotkey } from "@gittensor-pat/axon"
import {
  callKey,
  loadRecording,
  neuronsByHand,
  recordedOnLoopback,
  recordedResponder,
  recordedRuntime,
  refusingEndpoint,
  startFakeSubtensor,
  subnetAnswers,
  subnetCallKey,
  subnetStateByHand
} from "@gittensor-pat/subtensor-adapter/testing"
import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { subnet, testKey, walletArgs } from "./fixture.js"
import { runMiner } from "./harness.js"

const localGitHub = "http://127.0.0.1:9"

const hex = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString("hex")

/**
 * The validators `gitt`'s filter picks at the default thresholds, computed from the raw
 * answers walked by hand: `validator_trust[uid] > 0.25 and axons[uid].is_serving and
 * S[uid] >= 15000`, where the SDK's metagraph holds validator_trust (u16 / 65535) and
 * S (total_stake / 1e9) as float32, and is_serving is ip != 0.
 */
const sdkSelection = (neuronsLite: string, subnetState: string) => {
  const lite = neuronsByHand(neuronsLite)
  const { totalStake } = subnetStateByHand(subnetState)
  return lite
    .filter(
      (n) =>
        Math.fround(n.validatorTrust / 65535) > 0.25 &&
        n.ip !== 0n &&
        Math.fround(Number(totalStake[n.uid]!) / 1e9) >= 15000
    )
    .map((n) => ({ uid: n.uid, key: hex(n.hotkey) }))
}

/** The recorded netuid 1 on a fake node, the miner's key put on uid 0 and every axon on a refusing loopback port. */
const recordedSubnet = Effect.gen(function* () {
  const fs = yield* FileSystem.FileSystem
  const recording = yield* loadRecording
  const root = yield* fs.makeTempDirectoryScoped({ prefix: "miner-chain-" })
  const miner = yield* testKey(1)
  yield* Effect.orDie(writeHotkey({ path: join(root, "wallets"), name: "miner", hotkey: "default" }, miner))
  const recorded = {
    neuronsLite: recording.answers.get(subnetCallKey("NeuronInfoRuntimeApi_get_neurons_lite", 1)) as string,
    subnetState: recording.answers.get(subnetCallKey("SubnetInfoRuntimeApi_get_subnet_state", 1)) as string
  }
  const port = Number(new URL(yield* refusingEndpoint).port)
  const served = recordedOnLoopback(recordedRuntime(recording.metadataV15), recorded, { port, uid: 0, hotkey: miner.address })
  return { recording, root, miner, recorded, served }
})

layer(NodeContext.layer, { excludeTestServices: true })("miner: the metagraph read from the chain", (it) => {
  it.scoped(
    "check --subtensor.chain_endpoint ws://127.0.0.1:<fake> --netuid 1 calls exactly the validators the Python SDK's filter picks from the recorded bytes",
    () =>
      Effect.gen(function* () {
        const { recording, root, miner, recorded, served } = yield* recordedSubnet
        const expected = sdkSelection(recorded.neuronsLite, recorded.subnetState)
        assert.strictEqual(expected.length, 6)
        // The loopback copy changed only axons and uid 0's hotkey: the selection inputs are the recorded ones.
        const before = neuronsByHand(recorded.neuronsLite)
        const after = neuronsByHand(served.neuronsLite)
        assert.deepStrictEqual(after.map((n) => n.validatorTrust), before.map((n) => n.validatorTrust))
        assert.deepStrictEqual(after.map((n) => n.ip === 0n), before.map((n) => n.ip === 0n))
        assert.deepStrictEqual(after.slice(1).map((n) => n.hotkey), before.slice(1).map((n) => n.hotkey))
        assert.deepStrictEqual(subnetStateByHand(served.subnetState).totalStake, subnetStateByHand(recorded.subnetState).totalStake)

        const node = yield* startFakeSubtensor(recordedResponder(recording, subnetAnswers(1, served)))
        const run = yield* runMiner([
          "check",
          ...walletArgs(root),
          "--subtensor.chain_endpoint",
          node.url,
          "--netuid",
          "1",
          "--timeout",
          "5",
          "--json"
        ])
        const doc = JSON.parse(run.stdout)
        assert.deepStrictEqual(
          doc.results.map((r: { uid: number; hotkey: string }) => ({ uid: r.uid, key: hex(publicKeyOf(r.hotkey)) })),
          expected
        )
        assert.strictEqual(doc.total_validators, 6)
        assert.strictEqual(doc.no_response, 6, "every axon points at a closed loopback port")
        assert.strictEqual(doc.skipped.length, 1024 - 6)
        assert.isTrue(doc.skipped.some((s: { uid: number; hotkey: string }) => s.uid === 0 && s.hotkey === miner.address))
        assert.strictEqual(run.exitCode, 1)
        assert.include(run.stderr, `reading subnet 1 from ${node.url}…`)
        assert.include(run.stderr, "read subnet 1 at block 6852690: 1024 neurons.")
      })
  )

  it.scoped("a chain read that fails falls back to --metagraph FILE and says so; without one it fails with the reason", () =>
    Effect.gen(function* () {
      const net = yield* subnet([{ githubUrl: localGitHub }])
      const refused = yield* refusingEndpoint

      const fallback = yield* runMiner(["check", ...net.args, "--subtensor.chain_endpoint", refused, "--json"])
      assert.include(fallback.stderr, `Cannot read the chain at ${refused}`)
      assert.include(fallback.stderr, `Falling back to --metagraph ${net.metagraph}.`)
      const doc = JSON.parse(fallback.stdout)
      assert.deepStrictEqual(doc.results.map((r: { uid: number; category: string }) => [r.uid, r.category]), [[0, "no_pat"]])

      const alone = yield* runMiner(["check", ...net.args.slice(0, -2), "--subtensor.chain_endpoint", refused, "--json"])
      assert.strictEqual(alone.exitCode, 1)
      assert.include(alone.stderr, `Error: Cannot read the chain at ${refused}`)
      assert.notInclude(alone.stderr, "Falling back")
      assert.deepInclude(JSON.parse(alone.stdout), { success: false, total_validators: 0 })

      const fileOnly = yield* runMiner(["check", ...net.args, "--json"])
      assert.notInclude(fileOnly.stderr, "reading subnet", "--metagraph alone never reads the chain")
    })
  )

  it.scoped("a node of another chain than the network named is refused before anything is read; a hotkey not on the subnet is named", () =>
    Effect.gen(function* () {
      const { recording, root, served } = yield* recordedSubnet
      const overrides = new Map([
        ...subnetAnswers(1, served),
        [callKey("chain_getBlockHash", [0]), { result: "0x8f9cf856bf558a14440e75569c9e58594757048d7b3a84b5d25f6bd978263105" }]
      ])
      const node = yield* startFakeSubtensor(recordedResponder(recording, overrides))
      const base = ["check", ...walletArgs(root), "--subtensor.chain_endpoint", node.url, "--netuid", "1", "--timeout", "5"]
      const finney = yield* runMiner([...base, "--subtensor.network", "finney"])
      assert.strictEqual(finney.exitCode, 1)
      assert.include(finney.stderr, `reading subnet 1 from finney at ${node.url}…`)
      assert.include(finney.stderr, `Error: The node at ${node.url} is not on finney`)
      const test = yield* runMiner([...base, "--subtensor.network", "test", "--json"])
      assert.strictEqual(JSON.parse(test.stdout).total_validators, 6, "the test network's own genesis passes")

      const stranger = yield* testKey(2)
      yield* Effect.orDie(writeHotkey({ path: join(root, "wallets"), name: "stranger", hotkey: "default" }, stranger))
      const asStranger = base.map((arg, i) => (base[i - 1] === "--wallet.name" ? "stranger" : arg))
      const unregistered = yield* runMiner([...asStranger, "--subtensor.network", "test"])
      assert.strictEqual(unregistered.exitCode, 1)
      assert.include(
        unregistered.stderr,
        `Hotkey ${stranger.address} is not registered in subnet 1 on test at ${node.url} (block 6852690)`
      )
      assert.include(unregistered.stderr, "btcli subnet register --netuid 1")
    })
  )
})
