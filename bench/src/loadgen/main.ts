import { HttpRouter, HttpServer, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { createServer } from "node:http"
import { availableParallelism } from "node:os"
import { parseArgs } from "node:util"
import { summarize } from "../stats.js"
import { makeSignerPool, type SignerPool } from "./signerPool.js"
import { LoadReport, LoadSpec } from "./spec.js"
import { runGroup } from "./workers.js"

// The load generator process: `main.ts --port P [--signers N]`, then `POST /run` with a
// `LoadSpec` → its `LoadReport`. It runs apart from the validator so that its own CPU shows
// up in neither the validator's profile nor its RSS, and it stays up across points so that
// its start-up and the miners' key derivation are paid once per bench, not once per point.
const { values } = parseArgs({
  options: { port: { type: "string", default: "0" }, signers: { type: "string" } }
})

const run = (pool: SignerPool) =>
  Effect.gen(function* () {
    const spec = yield* HttpServerRequest.schemaBodyJson(LoadSpec)
    yield* pool.prepare(spec.target, [...new Set(spec.groups.flatMap((group) => group.miners))])
    const cpuBefore = process.cpuUsage()
    const signaturesBefore = pool.signatures()
    const runs = yield* Effect.forEach(spec.groups, (group, index) => runGroup(index, group, { pool, target: spec.target }), {
      concurrency: "unbounded"
    })
    const cpu = process.cpuUsage(cpuBefore)
    const ages = summarize(runs.flatMap((result) => result.signing.ages))
    return yield* HttpServerResponse.json(
      LoadReport.make({
        elapsedMs: runs.map((result) => Math.round(result.elapsedMs)),
        cpuMs: Math.round((cpu.user + cpu.system) / 1000),
        records: runs.flatMap((result) => result.records),
        signing: {
          signatures: pool.signatures() - signaturesBefore,
          waited: runs.reduce((sum, result) => sum + result.signing.waited, 0),
          resigned: runs.reduce((sum, result) => sum + result.signing.resigned, 0),
          nonceAgeP50: ages.p50,
          nonceAgeP99: ages.p99,
          nonceAgeMax: ages.max
        }
      })
    )
  })

// One signing thread leaves the other core to the validator and the fake GitHub.
const signers = Number(values.signers ?? Math.max(1, availableParallelism() - 1))

const routes = Layer.unwrapScoped(
  Effect.map(makeSignerPool(signers), (pool) =>
    HttpServer.serve(
      HttpRouter.empty.pipe(
        HttpRouter.post("/run", run(pool)),
        HttpRouter.get("/ready", HttpServerResponse.text("ready"))
      )
    )
  )
)

const server = NodeHttpServer.layer(createServer, { port: Number(values.port), host: "127.0.0.1" })

NodeRuntime.runMain(Layer.launch(routes.pipe(Layer.provide(server))))
