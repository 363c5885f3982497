import { join } from "node:path"
import { NodeHttpClient } from "@effect/platform-node"
import { callAxon } from "@gittensor-pat/axon"
import { PatStore } from "@gittensor-pat/core"
import { neuron, StaticMetagraph } from "@gittensor-pat/core/testing"
import { GitHubHttp } from "@gittensor-pat/http-adapter"
import { FakeGitHub } from "@gittensor-pat/fake-github"
import { JsonFilePatStore } from "@gittensor-pat/storage-adapter"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { startValidatorPromise } from "../src/index.js"
import { tempDir, testKey } from "./support/world.js"

describe("startValidatorPromise", () => {
  it.scopedLive("serves from plain async code and stops on close()", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const github = yield* FakeGitHub.scoped
      const validatorKey = yield* testKey("embedded-validator")
      const miner = yield* testKey("embedded-miner")
      const ports = Layer.mergeAll(
        GitHubHttp.layerNode({ baseUrl: github.url }),
        JsonFilePatStore.layerNode({ path: join(dir, "miner_pats.json") }),
        StaticMetagraph.layer([neuron(0, validatorKey.address, 1), neuron(1, miner.address)])
      )
      const validator = yield* Effect.promise(() => startValidatorPromise({ keypair: validatorKey, ports }))
      assert.strictEqual(validator.hotkey, validatorKey.address)
      const answer = yield* callAxon({
        keypair: miner,
        target: { ip: "127.0.0.1", port: validator.port, hotkey: validator.hotkey },
        synapse: "PatCheckSynapse",
        fields: {}
      }).pipe(Effect.provide(NodeHttpClient.layerUndici))
      assert.deepInclude(answer, { has_pat: false, pat_valid: false })
      yield* Effect.promise(() => validator.close())
      const after = yield* Effect.either(Effect.tryPromise(() => fetch(`${validator.url}/healthz`)))
      assert.isTrue(after._tag === "Left")
    }))

  it("a validator that cannot start rejects with the reason", async () => {
    const validatorKey = await Effect.runPromise(testKey("embedded-busy"))
    const ports = Layer.mergeAll(
      GitHubHttp.layerNode({ baseUrl: "http://127.0.0.1:9" }),
      StaticMetagraph.layer([]),
      Layer.effect(PatStore, Effect.fail("store unavailable"))
    )
    let failure: unknown
    await startValidatorPromise({ keypair: validatorKey, ports }).catch((error: unknown) => {
      failure = error
    })
    assert.match(String(failure), /could not start.*store unavailable/s)
  })
})
