import { HttpRouter, HttpServer, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import type { Keypair } from "@gittensor-pat/axon"
import { Effect, Layer } from "effect"
import { createServer } from "node:http"
import { parseArgs } from "node:util"
import { minerKeypair } from "../miners.js"
import { LoadReport, LoadSpec } from "./spec.js"
import { runGroup } from "./workers.js"

// The load generator process: `main.ts --port P`, then `POST /run` with a `LoadSpec` →
// its `LoadReport`. It runs apart from the validator so that its own CPU shows up in
// neither the validator's profile nor its RSS, and it stays up across points so that its
// start-up and the miners' key derivation are paid once per bench, not once per point.
const keypairs = new Map<number, Keypair>()

const keypairOf = (miner: number) =>
  Effect.suspend(() => {
    const known = keypairs.get(miner)
    return known === undefined
      ? Effect.tap(minerKeypair(miner), (keypair) => Effect.sync(() => keypairs.set(miner, keypair)))
      : Effect.succeed(known)
  })

const run = Effect.gen(function* () {
  const spec = yield* HttpServerRequest.schemaBodyJson(LoadSpec)
  yield* Effect.forEach(new Set(spec.groups.flatMap((group) => group.miners)), keypairOf, { discard: true })
  const cpuBefore = process.cpuUsage()
  const runs = yield* Effect.forEach(spec.groups, (group, index) => runGroup(index, group, { keypairs, target: spec.target }), {
    concurrency: "unbounded"
  })
  const cpu = process.cpuUsage(cpuBefore)
  return yield* HttpServerResponse.json(
    LoadReport.make({
      elapsedMs: runs.map((result) => Math.round(result.elapsedMs)),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      records: runs.flatMap((result) => result.records)
    })
  )
})

const router = HttpRouter.empty.pipe(
  HttpRouter.post("/run", run),
  HttpRouter.get("/ready", HttpServerResponse.text("ready"))
)

const { values } = parseArgs({ options: { port: { type: "string", default: "0" } } })

const server = NodeHttpServer.layer(createServer, { port: Number(values.port), host: "127.0.0.1" })

NodeRuntime.runMain(Layer.launch(HttpServer.serve(router).pipe(Layer.provide(server))))
