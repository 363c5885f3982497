import { FileSystem } from "@effect/platform"
import { NodeContext, NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Effect, Layer, Schema } from "effect"
import { minerKeypair } from "../miners.js"
import { LoadReport, LoadSpec } from "./spec.js"
import { runGroup } from "./workers.js"

// The load generator process: `main.ts <spec.json> <report.json>`. It runs apart from the
// validator so that its own CPU shows up in neither the validator's profile nor its RSS.
const program = Effect.gen(function* () {
  const [specFile = "", reportFile = ""] = process.argv.slice(2)
  const fs = yield* FileSystem.FileSystem
  const spec = yield* Schema.decodeUnknown(Schema.parseJson(LoadSpec))(yield* fs.readFileString(specFile))
  const miners = [...new Set(spec.groups.flatMap((group) => group.miners))]
  const keypairs = new Map(
    yield* Effect.forEach(miners, (miner) => Effect.map(minerKeypair(miner), (keypair) => [miner, keypair] as const))
  )
  const runs = yield* Effect.forEach(spec.groups, (group, index) => runGroup(index, group, { keypairs, target: spec.target }), {
    concurrency: "unbounded"
  })
  const report = LoadReport.make({
    elapsedMs: runs.map((run) => Math.round(run.elapsedMs)),
    records: runs.flatMap((run) => run.records)
  })
  yield* fs.writeFileString(reportFile, JSON.stringify(report))
})

// One keep-alive pool without a socket cap: the workers alone set the concurrency.
const httpClient = NodeHttpClient.layerWithoutAgent.pipe(
  Layer.provide(NodeHttpClient.makeAgentLayer({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY }))
)

NodeRuntime.runMain(program.pipe(Effect.provide(Layer.merge(NodeContext.layer, httpClient))))
