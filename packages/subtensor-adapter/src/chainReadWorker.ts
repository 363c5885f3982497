// The thread ChainReader.layerWorker reads the chain on. It keeps the last runtime's types
// between reads. The launcher bundles it beside the validator as
// `<program>.chain-read-worker.mjs` (scripts/bundleProgram.mjs).
import { WorkerRunner } from "@effect/platform"
import { NodeRuntime, NodeWorkerRunner } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { ReadChain, readOptionsOf } from "./readChainRequest.js"
import { readChainMetagraph } from "./readChainMetagraph.js"
import { makeRuntimeCache } from "./runtimeCache.js"

const runner = Layer.unwrapEffect(
  Effect.map(makeRuntimeCache, (runtimes) =>
    WorkerRunner.layerSerialized(ReadChain, {
      ReadChain: (request) => readChainMetagraph({ ...readOptionsOf(request), runtimes })
    })
  )
)

runner.pipe(Layer.provide(NodeWorkerRunner.layer), WorkerRunner.launch, NodeRuntime.runMain)
