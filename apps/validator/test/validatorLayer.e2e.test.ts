import { join } from "node:path"
import { NodeHttpClient } from "@effect/platform-node"
import { callAxon } from "@gittensor-pat/axon"
import { PatStore } from "@gittensor-pat/core"
import { neuron, StaticMetagraph } from "@gittensor-pat/core/testing"
import { GitHubHttp } from "@gittensor-pat/http-adapter"
import { FakeGitHub } from "@gittensor-pat/fake-github"
import { JsonFilePatStore } from "@gittensor-pat/storage-adapter"
import { assert, describe, it } from "@effect/vitest"
import { Context, Effect, Exit, Layer, Scope } from "effect"
import * as Validator from "../src/index.js"
import { tempDir, testKey } from "./support/world.js"

describe("the validator's one exported layer", () => {
  it.scopedLive("serves over the ports it is given, and stops when the layer is released", () =>
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
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(Validator.layer({ keypair: validatorKey }).pipe(Layer.provide(ports)), scope)
      const validator = Context.get(context, Validator.Validator)
      assert.strictEqual(validator.hotkey, validatorKey.address)
      const answer = yield* callAxon({
        keypair: miner,
        target: { ip: "127.0.0.1", port: validator.port, hotkey: validator.hotkey },
        synapse: "PatCheckSynapse",
        fields: {}
      }).pipe(Effect.provide(NodeHttpClient.layerUndici))
      assert.deepInclude(answer, { has_pat: false, pat_valid: false })
      yield* Scope.close(scope, Exit.void)
      const after = yield* Effect.either(Effect.tryPromise(() => fetch(`${validator.url}/healthz`)))
      assert.isTrue(after._tag === "Left")
    }))

  it.scopedLive("a validator whose ports cannot be built fails with the reason", () =>
    Effect.gen(function* () {
      const validatorKey = yield* testKey("embedded-busy")
      const ports = Layer.mergeAll(
        GitHubHttp.layerNode({ baseUrl: "http://127.0.0.1:9" }),
        StaticMetagraph.layer([]),
        Layer.effect(PatStore, Effect.fail("store unavailable"))
      )
      const exit = yield* Effect.exit(Layer.build(Validator.layer({ keypair: validatorKey }).pipe(Layer.provide(ports))))
      assert.isTrue(Exit.isFailure(exit))
      assert.match(String(Exit.isFailure(exit) ? exit.cause : ""), /store unavailable/)
    })
  )
})
