import type { Worker } from "node:worker_threads"
import { NodeWorker } from "@effect/platform-node"
import { startWorkerThread } from "@gittensor-pat/worker-threads"
import { assert, describe, it } from "@effect/vitest"
import { Context, Effect, Either, Fiber, Layer, Option } from "effect"
import { ChainReader, networkFacts, readChainMetagraph } from "../src/index.js"
import {
  callKey,
  type FakeAnswer,
  recordedBlock,
  recordedResponder,
  refusingEndpoint,
  startFakeSubtensor
} from "../src/testing/index.js"
import { allClosed, failureOf, readFrom, recording } from "./support.js"

const finneyGenesis = Option.getOrThrow(networkFacts.finney.genesisHash)
const testGenesis = Option.getOrThrow(networkFacts.test.genesisHash)
const genesisKey = callKey("chain_getBlockHash", [0])
const versionKey = callKey("state_getRuntimeVersion", [recordedBlock.hash])

/**
 * A fake node serving the recording whose genesis hash and spec version the test can change
 * between reads (the runtime's metadata stays the recorded one).
 */
const changingNode = Effect.gen(function* () {
  const recorded = yield* recording
  const chain: { genesis: string; specVersion: number } = { genesis: finneyGenesis, specVersion: recordedBlock.specVersion }
  const respond = (method: string, params: ReadonlyArray<unknown>) => {
    const version = recorded.answers.get(versionKey) as Record<string, unknown>
    const overrides = new Map<string, FakeAnswer>([
      [genesisKey, { result: chain.genesis }],
      [versionKey, { result: { ...version, specVersion: chain.specVersion } }]
    ])
    return recordedResponder(recorded, overrides)(method, params)
  }
  const node = yield* startFakeSubtensor(respond)
  const metadataReads = Effect.map(node.calls, (calls) => calls.filter((c) => c.params[0] === "Metadata_metadata_at_version").length)
  return { node, chain, metadataReads, target: { endpoint: node.url, network: Option.none() } }
})

const readerOf = <E>(layer: Layer.Layer<ChainReader, E>) => Effect.map(Layer.build(layer), Context.get(ChainReader))

describe("ChainReader: repeated reads keep the runtime's decoded types", () => {
  it.scopedLive("a read of the same runtime skips the metadata; a new spec version or another chain fetches it again", () =>
    Effect.gen(function* () {
      const { node, chain, metadataReads, target } = yield* changingNode
      const reader = yield* readerOf(ChainReader.layerHere)
      const read = Effect.map(reader.read({ target, netuid: 1 }), (s) => [s.specVersion, s.neurons.length] as const)

      assert.deepStrictEqual(yield* read, [recordedBlock.specVersion, 1024])
      assert.deepStrictEqual(yield* read, [recordedBlock.specVersion, 1024])
      assert.strictEqual(yield* metadataReads, 1, "the second read used the kept runtime")

      chain.specVersion = recordedBlock.specVersion + 1
      assert.deepStrictEqual(yield* read, [recordedBlock.specVersion + 1, 1024])
      assert.strictEqual(yield* metadataReads, 2, "a runtime upgrade is read afresh")

      chain.genesis = testGenesis
      yield* read
      assert.strictEqual(yield* metadataReads, 3, "another chain on the same endpoint is read afresh")
      yield* read
      assert.strictEqual(yield* metadataReads, 3)
      assert.strictEqual(yield* node.connections, 5, "still one connection per read")
    }))

  it.scopedLive("without a cache nothing changes: the genesis is not asked unless a network is named", () =>
    Effect.gen(function* () {
      const { node, target } = yield* changingNode
      Either.getOrThrow(yield* Effect.either(readChainMetagraph({ target, netuid: 1 })))
      assert.notInclude((yield* node.calls).map((c) => c.method), "chain_getBlockHash")
    }))
})

describe("ChainReader.layerNodeWorker: reads on a worker thread", () => {
  it.scopedLive(
    "answers what a read on this thread answers, failures typed as they were, and keeps the runtime there too",
    () =>
      Effect.gen(function* () {
        const { metadataReads, target } = yield* changingNode
        const reader = yield* readerOf(ChainReader.layerNodeWorker())
        const here = Either.getOrThrow(yield* readFrom(target.endpoint, 1))
        const there = yield* reader.read({ target, netuid: 1 })
        assert.deepStrictEqual(there, here)
        assert.strictEqual(there.neurons[0]!.constructor, here.neurons[0]!.constructor, "neurons are Neuron instances again")
        yield* reader.read({ target, netuid: 1 })
        assert.strictEqual(yield* metadataReads, 2, "one for the read here, one for the two on the worker")

        const refused = yield* refusingEndpoint
        const expected = failureOf(yield* readFrom(refused, 1))
        const error = yield* Effect.flip(reader.read({ target: { endpoint: refused, network: Option.none() }, netuid: 1 }))
        assert.strictEqual(error._tag, "SubtensorUnreachable")
        assert.strictEqual(error.message, expected.message)
        const wrong = yield* Effect.flip(reader.read({ target: { ...target, network: Option.some("test") }, netuid: 1 }))
        assert.deepInclude(wrong, { _tag: "WrongNetwork", network: "test", actual: finneyGenesis })
      }),
    { timeout: 120_000 }
  )

  it.scopedLive(
    "an interrupted read closes its connection; a thread that dies fails its read, and the next read starts another",
    () =>
      Effect.gen(function* () {
        const silent = yield* startFakeSubtensor(() => "silent")
        const threads: Array<Worker> = []
        const entry = new URL("../src/chainReadWorker.ts", import.meta.url)
        const reader = yield* readerOf(
          ChainReader.layerWorker().pipe(
            Layer.provide(
              NodeWorker.layer(() => {
                const thread = startWorkerThread(entry)
                threads.push(thread)
                return thread
              })
            )
          )
        )
        const target = { endpoint: silent.url, network: Option.none() }
        const waitOpen = silent.open.pipe(Effect.repeat({ until: (open) => open > 0 }))

        const interrupted = yield* Effect.fork(reader.read({ target, netuid: 1 }))
        yield* waitOpen
        yield* Fiber.interrupt(interrupted)
        assert.strictEqual(yield* allClosed(silent), 0)

        const cut = yield* Effect.fork(reader.read({ target, netuid: 1 }))
        yield* waitOpen
        yield* Effect.promise(() => threads[0]!.terminate())
        const error = yield* Effect.flip(Fiber.join(cut))
        assert.strictEqual(error._tag, "ChainReaderFailed")
        assert.include(error.message, "The thread that reads the chain failed")

        const { target: recorded } = yield* changingNode
        const again = yield* reader.read({ target: recorded, netuid: 1 })
        assert.strictEqual(again.neurons.length, 1024)
        assert.strictEqual(threads.length, 2)
      }),
    { timeout: 120_000 }
  )

  it.scopedLive("a thread that never starts fails the layer after its start timeout", () =>
    Effect.gen(function* () {
      const layer = ChainReader.layerWorker({ startTimeout: "2 seconds" }).pipe(
        Layer.provide(NodeWorker.layer(() => startWorkerThread(new URL("./fixtures/exitAtOnce.ts", import.meta.url))))
      )
      const error = yield* Effect.flip(Layer.build(layer))
      assert.strictEqual(error._tag, "ChainReaderFailed")
      assert.include(error.message, "did not start within 2s")
    }))
})
