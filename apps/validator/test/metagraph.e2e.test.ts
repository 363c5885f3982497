import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { NodeFileSystem } from "@effect/platform-node"
import { type Keypair, MetagraphSnapshot } from "@gittensor-pat/axon"
import { GitHubHttp } from "@gittensor-pat/http-adapter"
import { FakeGitHub } from "@gittensor-pat/http-adapter/testing"
import { JsonFilePatStore } from "@gittensor-pat/storage-adapter"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Schedule } from "effect"
import { startValidator } from "../src/Validator.js"
import { body, post, signedHeaders, tempDir, testKey, type World } from "./support/world.js"

const writeSnapshot = (path: string, block: number, keys: ReadonlyArray<Keypair>) =>
  writeFileSync(
    path,
    JSON.stringify({
      netuid: 74,
      block,
      neurons: keys.map((key, uid) => ({
        uid,
        hotkey: key.address,
        stake: uid === 0 ? 100_000 : 0,
        validator_trust: uid === 0 ? 1 : 0,
        axon: { ip: "127.0.0.1", port: 0 }
      }))
    })
  )

describe("metagraph snapshot file", () => {
  it.scopedLive("a miner registered by a newer snapshot file is served without a restart; /healthz shows the block", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const validatorKey = yield* testKey("snapshot-validator")
      const early = yield* testKey("snapshot-early")
      const late = yield* testKey("snapshot-late")
      const path = join(dir, "metagraph.json")
      writeSnapshot(path, 100, [validatorKey, early])
      const github = yield* FakeGitHub.scoped
      const ports = yield* Layer.build(
        Layer.mergeAll(
          GitHubHttp.layerNode({ baseUrl: github.url }),
          JsonFilePatStore.layerNode({ path: join(dir, "miner_pats.json") }),
          MetagraphSnapshot.layer({ path, pollInterval: "50 millis" }).pipe(Layer.provide(NodeFileSystem.layer))
        )
      )
      const validator = yield* startValidator({ keypair: validatorKey, rateLimit: 0 }).pipe(Effect.provide(ports))
      const world = { validator } as World
      const checkAs = (key: Keypair) => post(world, "/PatCheckSynapse", signedHeaders(world, key, "PatCheckSynapse"), body("PatCheckSynapse"))

      assert.strictEqual((yield* checkAs(early)).status, 200)
      assert.strictEqual((yield* checkAs(late)).status, 403)

      writeSnapshot(path, 101, [validatorKey, early, late])
      const served = yield* checkAs(late).pipe(
        Effect.filterOrFail((answer) => answer.status === 200),
        Effect.retry(Schedule.spaced("50 millis")),
        Effect.timeout("10 seconds")
      )
      assert.strictEqual(served.status, 200)
      assert.deepInclude(served.json as object, { has_pat: false, rejection_reason: "No PAT stored for this miner" })
      const health = (yield* Effect.promise(() => fetch(`${validator.url}/healthz`).then((r) => r.json()))) as {
        readonly metagraph: { readonly block: number; readonly neurons: number }
      }
      assert.deepInclude(health.metagraph, { block: 101, neurons: 3 })
    }))
})
