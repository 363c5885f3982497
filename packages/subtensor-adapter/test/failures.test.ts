import { assert, describe, it } from "@effect/vitest"
import { encodeAddress } from "@polkadot/util-crypto"
import { Cause, Effect, Exit, Option } from "effect"
import { networkFacts, readChainMetagraph } from "../src/index.js"
import {
  callKey,
  encodeSubnet,
  type FakeAnswer,
  recordedBlock,
  recordedRuntime,
  refusingEndpoint,
  startFakeSubtensor,
  startSilentListener,
  subnetAnswers,
  subnetCallKey,
  withoutRuntimeApi,
  withoutStructField
} from "../src/testing/index.js"
import { allClosed, failureOf, readFrom, recordedNode, recording } from "./support.js"

const metadataKey = callKey("state_call", ["Metadata_metadata_at_version", "0x0f000000", recordedBlock.hash])
const genesisKey = callKey("chain_getBlockHash", [0])
const liteKey = subnetCallKey("NeuronInfoRuntimeApi_get_neurons_lite", 1)
const stateKey = subnetCallKey("SubnetInfoRuntimeApi_get_subnet_state", 1)
const answering = (entries: ReadonlyArray<readonly [string, FakeAnswer]>) => new Map(entries)
const finneyGenesis = Option.getOrThrow(networkFacts.finney.genesisHash)
const testGenesis = Option.getOrThrow(networkFacts.test.genesisHash)

describe("readChainMetagraph fails clearly, never silently wrong", () => {
  it.scopedLive("a refused endpoint fails at once, and is not retried", () =>
    Effect.gen(function* () {
      const url = yield* refusingEndpoint
      const error = failureOf(yield* readFrom(url, 1))
      assert.strictEqual(error._tag, "SubtensorUnreachable")
      assert.include(error.message, url)
      assert.include(error.message, "ECONNREFUSED")
      assert.include(error.message, "--subtensor.chain_endpoint")
    })
  )

  it.scopedLive("an endpoint that never completes the handshake times out, without reconnecting", () =>
    Effect.gen(function* () {
      const url = yield* startSilentListener
      const error = failureOf(yield* readFrom(url, 1, { timeout: "300 millis" }))
      assert.deepInclude(error, { _tag: "SubtensorUnreachable", reason: "timeout" })
      assert.include(error.message, "no connection within 300ms")
    })
  )

  it.scopedLive("a node that accepts the call and never answers times out, and the read closes its connection without reconnecting", () =>
    Effect.gen(function* () {
      const node = yield* startFakeSubtensor(() => "silent")
      const error = failureOf(yield* readFrom(node.url, 1, { timeout: "300 millis" }))
      assert.deepInclude(error, { _tag: "SubtensorUnreachable", reason: "timeout" })
      assert.include(error.message, "no answer to chain_getHead within 300ms")
      yield* Effect.sleep("1 second")
      assert.strictEqual(yield* node.connections, 1, "the provider does not reconnect by itself")
      const open = yield* allClosed(node)
      assert.strictEqual(open, 0, "the timed-out read closed its connection")
    })
  )

  it.scopedLive("a node that hangs up in the middle of the read", () =>
    Effect.gen(function* () {
      const node = yield* recordedNode(answering([[stateKey, "hang-up"]]))
      const error = failureOf(yield* readFrom(node.url, 1))
      assert.deepInclude(error, { _tag: "SubtensorUnreachable", reason: "closed" })
      assert.include(error.message, "state_call: disconnected from")
    })
  )

  it.scopedLive("a netuid that is no u16 is the caller's bug: it dies before connecting", () =>
    Effect.gen(function* () {
      const node = yield* recordedNode()
      for (const netuid of [-1, 65536, 1.5]) {
        const exit = yield* Effect.exit(readChainMetagraph({ target: { endpoint: node.url, network: Option.none() }, netuid }))
        assert.isTrue(Exit.isFailure(exit) && Cause.isDie(exit.cause), String(netuid))
      }
      assert.strictEqual(yield* node.connections, 0)
    })
  )

  it.scopedLive("a JSON-RPC error answer names the method and the node's words", () =>
    Effect.gen(function* () {
      const node = yield* recordedNode(
        answering([[liteKey, { error: { code: -32000, message: "Client error: Execution failed: wasm trap" } }]])
      )
      const error = failureOf(yield* readFrom(node.url, 1))
      assert.deepInclude(error, { _tag: "SubtensorRpcFailed", method: "state_call" })
      assert.include(error.message, "Execution failed: wasm trap")
    })
  )

  it.scopedLive("a named network's genesis must match: finney's node passes, another chain's is refused", () =>
    Effect.gen(function* () {
      const finney = yield* recordedNode(answering([[genesisKey, { result: finneyGenesis }]]))
      const ok = yield* readFrom(finney.url, 1, { network: "finney" })
      assert.strictEqual(ok._tag, "Right")
      assert.strictEqual((yield* finney.calls)[0]!.method, "chain_getBlockHash")

      const test = yield* recordedNode(answering([[genesisKey, { result: testGenesis }]]))
      const error = failureOf(yield* readFrom(test.url, 1, { network: "finney" }))
      assert.deepInclude(error, { _tag: "WrongNetwork", network: "finney", actual: testGenesis, expected: finneyGenesis })
      assert.include(error.message, "is not on finney")
      assert.deepStrictEqual((yield* test.calls).map((c) => c.method), ["chain_getBlockHash"], "nothing else is read")

      const local = yield* readFrom(test.url, 1, { network: "local" })
      assert.strictEqual(local._tag, "Right", "a local chain's genesis is its own: not checked")
    })
  )

  it.scopedLive("a subnet that does not exist", () =>
    Effect.gen(function* () {
      const node = yield* recordedNode(answering([[liteKey, { result: "0x00" }], [stateKey, { result: "0x00" }]]))
      const error = failureOf(yield* readFrom(node.url, 1))
      assert.deepInclude(error, { _tag: "SubnetNotFound", netuid: 1, block: recordedBlock.number })
      assert.include(error.message, "Subnet 1 does not exist")
      assert.include(error.message, "--netuid")
    })
  )

  it.scopedLive("answers that disagree on the subnet, its size or a hotkey", () =>
    Effect.gen(function* () {
      const runtime = recordedRuntime((yield* recording).metadataV15)
      const neuron = (n: number) => ({
        hotkey: encodeAddress(new Uint8Array(32).fill(n), 42),
        validatorTrust: 65535,
        totalStakeRao: 10n ** 13n,
        ip: 0x7f000001n,
        port: 8091
      })
      const three = [neuron(1), neuron(2), neuron(3)]
      const cases = [
        [encodeSubnet(runtime, 74, [neuron(1), neuron(2)]), "get_neurons_lite lists 3 neurons, get_subnet_state 2 hotkeys and 2 stakes"],
        [encodeSubnet(runtime, 74, [neuron(1), neuron(9), neuron(3)]), `uid 1 is ${neuron(2).hotkey} in get_neurons_lite but ${neuron(9).hotkey} in get_subnet_state`],
        [encodeSubnet(runtime, 75, three), "get_subnet_state answered for subnet 75"]
      ] as const
      for (const [state, words] of cases) {
        const answers = { neuronsLite: encodeSubnet(runtime, 74, three).neuronsLite, subnetState: state.subnetState }
        const node = yield* recordedNode(subnetAnswers(74, answers))
        const error = failureOf(yield* readFrom(node.url, 74))
        assert.deepInclude(error, { _tag: "InconsistentMetagraph", netuid: 74, block: recordedBlock.number })
        assert.include(error.message, words)
      }
    })
  )

  it.scopedLive("a runtime without the API, the method, or a field the reader needs names them and the spec version", () =>
    Effect.gen(function* () {
      const runtime = recordedRuntime((yield* recording).metadataV15)
      const cases = [
        [withoutRuntimeApi(runtime, "NeuronInfoRuntimeApi"), { api: "NeuronInfoRuntimeApi", method: "get_neurons_lite" }, "no such runtime API"],
        [withoutRuntimeApi(runtime, "SubnetInfoRuntimeApi", "get_subnet_state"), { api: "SubnetInfoRuntimeApi", method: "get_subnet_state" }, "no such method"],
        [withoutStructField(runtime, "NeuronInfoLite", "validator_trust"), { method: "get_neurons_lite", field: "validator_trust" }, "field validator_trust of NeuronInfoRuntimeApi.get_neurons_lite is missing"],
        [withoutStructField(runtime, "AxonInfo", "ip"), { method: "get_neurons_lite", field: "axon_info.ip" }, "field axon_info.ip"],
        [withoutStructField(runtime, "SubnetState", "total_stake"), { api: "SubnetInfoRuntimeApi", field: "total_stake" }, "field total_stake of SubnetInfoRuntimeApi.get_subnet_state is missing"]
      ] as const
      for (const [metadata, fields, words] of cases) {
        const node = yield* recordedNode(answering([[metadataKey, { result: metadata }]]))
        const error = failureOf(yield* readFrom(node.url, 1))
        assert.deepInclude(error, { _tag: "UnsupportedRuntime", specVersion: 343, ...fields })
        assert.include(error.message, words)
        assert.include(error.message, "spec version 343")
        assert.notInclude((yield* node.calls).map((c) => c.params[0]).join(), "get_neurons_lite", "nothing is read with a runtime that cannot be")
      }
    })
  )

  it.scopedLive("a runtime without metadata V15, and bytes that are not what the types say", () =>
    Effect.gen(function* () {
      const noV15 = yield* recordedNode(answering([[metadataKey, { result: "0x00" }]]))
      const missing = failureOf(yield* readFrom(noV15.url, 1))
      assert.deepInclude(missing, { _tag: "UnsupportedRuntime", api: "Metadata", method: "metadata_at_version" })

      const { answers } = yield* recording
      const lite = answers.get(liteKey) as string
      const cases: ReadonlyArray<readonly [string, FakeAnswer, string]> = [
        [liteKey, { result: lite.slice(0, -10) }, "NeuronInfoRuntimeApi_get_neurons_lite"],
        [liteKey, { result: `${lite}00` }, "1 bytes left over"],
        [liteKey, { result: 42 }, "expected hex bytes"],
        [stateKey, { result: "0x02" }, "2 is no Option tag"],
        [callKey("chain_getHead", []), { result: "0x1234" }, "chain_getHead"]
      ]
      for (const [key, answer, words] of cases) {
        const node = yield* recordedNode(answering([[key, answer]]))
        const error = failureOf(yield* readFrom(node.url, 1))
        assert.strictEqual(error._tag, "UndecodableChainData", words)
        assert.include(error.message, words)
      }
    })
  )
})
