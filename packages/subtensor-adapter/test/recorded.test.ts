import { assert, describe, it } from "@effect/vitest"
import { decodeAddress } from "@polkadot/util-crypto"
import { Effect, Either } from "effect"
import {
  callKey,
  neuronsByHand,
  recordedBlock,
  subnetCallKey,
  subnetStateByHand
} from "../src/testing/index.js"
import { allClosed, recordedNode, readFrom, recording } from "./support.js"

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex")

describe("readChainMetagraph on the recorded finney block (netuid 1)", () => {
  it.scopedLive("reads every neuron at the head block with the values the bytes hold", () =>
    Effect.gen(function* () {
      const { answers } = yield* recording
      const node = yield* recordedNode()
      const snapshot = Either.getOrThrow(yield* readFrom(node.url, 1))
      assert.deepStrictEqual(
        { netuid: snapshot.netuid, block: snapshot.block, blockHash: snapshot.blockHash, specVersion: snapshot.specVersion },
        { netuid: 1, block: recordedBlock.number, blockHash: recordedBlock.hash, specVersion: recordedBlock.specVersion }
      )
      // The oracle: the same answers walked byte by byte from subtensor's struct layout.
      const lite = neuronsByHand(answers.get(subnetCallKey("NeuronInfoRuntimeApi_get_neurons_lite", 1)) as string)
      const state = subnetStateByHand(answers.get(subnetCallKey("SubnetInfoRuntimeApi_get_subnet_state", 1)) as string)
      assert.strictEqual(lite.length, 1024)
      assert.strictEqual(snapshot.neurons.length, 1024)
      snapshot.neurons.forEach((neuron, uid) => {
        const raw = lite[uid]!
        assert.strictEqual(neuron.uid, uid)
        assert.strictEqual(raw.uid, uid)
        assert.strictEqual(hex(decodeAddress(neuron.hotkey)), hex(raw.hotkey), `uid ${uid} hotkey`)
        assert.strictEqual(hex(state.hotkeys[uid]!), hex(raw.hotkey), `uid ${uid} hotkey in the subnet state`)
        assert.strictEqual(neuron.validatorTrust, raw.validatorTrust / 65535, `uid ${uid} validator_trust`)
        assert.strictEqual(neuron.stake, Number(state.totalStake[uid]!) / 1e9, `uid ${uid} stake`)
        assert.strictEqual(neuron.axon.port, raw.port, `uid ${uid} port`)
        assert.isTrue(raw.ip < 2n ** 32n, "this block's axons are all IPv4")
        const dotted = [24n, 16n, 8n, 0n].map((shift) => (raw.ip >> shift) & 255n).join(".")
        assert.strictEqual(neuron.axon.ip, dotted, `uid ${uid} ip`)
      })
    })
  )

  it.scopedLive("a few neurons as the block holds them, checked by eye against the recording", () =>
    Effect.gen(function* () {
      const node = yield* recordedNode()
      const snapshot = Either.getOrThrow(yield* readFrom(node.url, 1))
      // uid 0: the first 32 bytes after the length prefix 0x0110 (1,024).
      const answer = (yield* recording).answers.get(subnetCallKey("NeuronInfoRuntimeApi_get_neurons_lite", 1)) as string
      assert.strictEqual(answer.slice(0, 6), "0x0110")
      assert.strictEqual(hex(decodeAddress(snapshot.neurons[0]!.hotkey)), answer.slice(6, 70))
      assert.deepStrictEqual(snapshot.neurons[0]!.axon, { ip: "192.222.59.109", port: 6028 })
      assert.strictEqual(snapshot.neurons[0]!.stake, 2.557172316)
      const validators = snapshot.neurons.filter((n) => n.validatorTrust > 0)
      assert.isAbove(validators.length, 0)
      for (const n of snapshot.neurons) {
        assert.isAtLeast(n.validatorTrust, 0)
        assert.isAtMost(n.validatorTrust, 1)
      }
    })
  )

  it.scopedLive("every answer is asked at the one block hash the head gave", () =>
    Effect.gen(function* () {
      const node = yield* recordedNode()
      Either.getOrThrow(yield* readFrom(node.url, 1))
      const calls = yield* node.calls
      assert.deepStrictEqual(
        calls.map((c) => c.method),
        ["chain_getHead", "chain_getHeader", "state_getRuntimeVersion", "state_call", "state_call", "state_call"]
      )
      for (const call of calls.slice(1)) assert.strictEqual(call.params.at(-1), recordedBlock.hash, call.method)
      assert.deepStrictEqual(calls[3]!.params.slice(0, 2), ["Metadata_metadata_at_version", "0x0f000000"])
      assert.isTrue(
        calls.slice(4).every((c) => ["NeuronInfoRuntimeApi_get_neurons_lite", "SubnetInfoRuntimeApi_get_subnet_state"].includes(c.params[0] as string))
      )
      assert.strictEqual(callKey("state_call", calls[4]!.params).includes('"0100"'), true, "netuid 1 encoded as a u16")
    })
  )

  it.scopedLive("each read opens its own connection and closes it, so a runtime upgrade between reads is seen", () =>
    Effect.gen(function* () {
      const node = yield* recordedNode()
      Either.getOrThrow(yield* readFrom(node.url, 1))
      Either.getOrThrow(yield* readFrom(node.url, 1))
      assert.strictEqual(yield* node.connections, 2)
      // The close handshake may still be on its way.
      const open = yield* allClosed(node)
      assert.strictEqual(open, 0)
    })
  )
})
