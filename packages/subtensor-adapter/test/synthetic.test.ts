import { assert, describe, it } from "@effect/vitest"
import { encodeAddress } from "@polkadot/util-crypto"
import { Effect, Either } from "effect"
import { encodeSubnet, recordedRuntime, type SyntheticNeuron, subnetAnswers } from "../src/testing/index.js"
import { recordedNode, readFrom, recording } from "./support.js"

const hotkey = (n: number) => encodeAddress(new Uint8Array(32).fill(n), 42)

const neuron = (n: number, fields: Partial<SyntheticNeuron> = {}): SyntheticNeuron => ({
  hotkey: hotkey(n + 1),
  validatorTrust: 65535,
  totalStakeRao: 20_000n * 10n ** 9n,
  ip: 0x7f000001n,
  port: 8091,
  ...fields
})

describe("readChainMetagraph on answers encoded with the recorded runtime's own types (netuid 74)", () => {
  it.scopedLive("maps each value as the SDK does: IPv6 and absent axons, the selection boundaries", () =>
    Effect.gen(function* () {
      const runtime = recordedRuntime((yield* recording).metadataV15)
      const neurons = [
        neuron(0, { ip: 0x20010db8000000000000000000000001n, port: 443 }),
        neuron(1, { ip: 0n, port: 0 }),
        neuron(2, { validatorTrust: 16384 }),
        neuron(3, { validatorTrust: 16383 }),
        neuron(4, { totalStakeRao: 15_000n * 10n ** 9n }),
        neuron(5, { totalStakeRao: 15_000n * 10n ** 9n - 1n }),
        neuron(6, { ip: 0xffff_c000_0201n, port: 8091 }),
        neuron(7, { ip: 0xffff_ffffn, totalStakeRao: 2n ** 64n - 1n })
      ]
      const node = yield* recordedNode(subnetAnswers(74, encodeSubnet(runtime, 74, neurons)))
      const snapshot = Either.getOrThrow(yield* readFrom(node.url, 74))
      assert.strictEqual(snapshot.netuid, 74)
      assert.deepStrictEqual(
        snapshot.neurons.map((n) => [n.uid, n.hotkey, n.axon.ip, n.axon.port]),
        [
          [0, hotkey(1), "2001:db8::1", 443],
          [1, hotkey(2), "0.0.0.0", 0],
          [2, hotkey(3), "127.0.0.1", 8091],
          [3, hotkey(4), "127.0.0.1", 8091],
          [4, hotkey(5), "127.0.0.1", 8091],
          [5, hotkey(6), "127.0.0.1", 8091],
          [6, hotkey(7), "::ffff:192.0.2.1", 8091],
          [7, hotkey(8), "255.255.255.255", 8091]
        ]
      )
      // 0.25 itself is no u16 / 65535: the nearest values fall either side of it.
      assert.strictEqual(snapshot.neurons[2]!.validatorTrust, 16384 / 65535)
      assert.isAbove(snapshot.neurons[2]!.validatorTrust, 0.25)
      assert.isBelow(snapshot.neurons[3]!.validatorTrust, 0.25)
      assert.strictEqual(snapshot.neurons[0]!.validatorTrust, 1)
      assert.strictEqual(snapshot.neurons[4]!.stake, 15000)
      assert.strictEqual(snapshot.neurons[5]!.stake, 14999.999999999)
      assert.strictEqual(snapshot.neurons[7]!.stake, 18446744073.709553)
    })
  )

  it.scopedLive("a subnet with no neurons yet is an empty metagraph, not an error", () =>
    Effect.gen(function* () {
      const runtime = recordedRuntime((yield* recording).metadataV15)
      const node = yield* recordedNode(subnetAnswers(74, encodeSubnet(runtime, 74, [])))
      const snapshot = Either.getOrThrow(yield* readFrom(node.url, 74))
      assert.deepStrictEqual(snapshot.neurons, [])
    })
  )
})
