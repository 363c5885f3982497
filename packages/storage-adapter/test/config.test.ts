import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { PatStore } from "@gittensor-pat/core"
import { assert, layer } from "@effect/vitest"
import { ConfigProvider, Effect, Layer } from "effect"
import { JsonFilePatStore } from "../src/index.js"
import { allowAll, entryOf, tempStorePath } from "./support.js"

const withEnv = (env: Record<string, string>) => Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))

layer(NodeFileSystem.layer)("the store's configuration", (it) => {
  for (const [name, env, expected] of [
    ["unset", {}, "data/miner_pats.json"],
    ["empty", { GITTENSOR_MINER_PATS_FILE: "" }, "data/miner_pats.json"],
    ["blank", { GITTENSOR_MINER_PATS_FILE: "  " }, "data/miner_pats.json"],
    ["set", { GITTENSOR_MINER_PATS_FILE: "/srv/validator/pats.json" }, "/srv/validator/pats.json"]
  ] as const) {
    it.effect(`GITTENSOR_MINER_PATS_FILE ${name} gives ${expected}`, () =>
      Effect.gen(function* () {
        assert.strictEqual(yield* JsonFilePatStore.pathConfig, expected)
      }).pipe(withEnv(env))
    )
  }

  it.scoped("layerConfig opens the store at the configured path and holds its lock while built", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const path = yield* tempStorePath
      yield* Effect.gen(function* () {
        const store = yield* PatStore
        yield* store.save(entryOf(3), allowAll)
        assert.isTrue(yield* fs.exists(`${path}.lock`))
      }).pipe(Effect.provide(Layer.provide(JsonFilePatStore.layerConfig, NodeFileSystem.layer)), withEnv({ GITTENSOR_MINER_PATS_FILE: path }))
      assert.isFalse(yield* fs.exists(`${path}.lock`))
      assert.deepStrictEqual((JSON.parse(yield* fs.readFileString(path)) as Array<{ uid: number }>).map((e) => e.uid), [3])
    })
  )
})
