import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { FileSystem } from "@effect/platform"
import { NodeFileSystem } from "@effect/platform-node"
import { Hotkey, Metagraph, Uid } from "@gittensor-pat/core"
import { assert, describe, it } from "@effect/vitest"
import { Config, ConfigProvider, Effect, Either, Layer, Logger, Option } from "effect"
import { MetagraphSnapshot, MetagraphStatus, parseMetagraphSnapshot, readMetagraphSnapshot } from "../src/index.js"

const neuron = (uid: number, hotkey: string, stake = 10) => ({
  uid,
  hotkey,
  stake,
  validator_trust: 0.5,
  axon: { ip: "127.0.0.1", port: 8091 + uid }
})

const snapshotText = (block: number, neurons: ReadonlyArray<object>) =>
  JSON.stringify({ netuid: 74, block, neurons, extra: "ignored" })

const tempFile = Effect.gen(function* () {
  const fs = yield* FileSystem.FileSystem
  return join(yield* fs.makeTempDirectoryScoped(), "metagraph.json")
})

/** Polls `check` until it holds, for at most `ms`. */
const eventually = (check: Effect.Effect<boolean>, ms = 3_000) =>
  Effect.gen(function* () {
    const until = Date.now() + ms
    while (!(yield* check)) {
      if (Date.now() > until) return assert.fail("condition not reached in time")
      yield* Effect.sleep("20 millis")
    }
  })

describe("metagraph snapshot", () => {
  it("decodes a snapshot file into neurons by uid", () => {
    const snapshot = Either.getOrThrow(parseMetagraphSnapshot("m.json", snapshotText(9, [neuron(0, "5A"), neuron(1, "5B", 99)])))
    assert.strictEqual(snapshot.block, 9)
    assert.strictEqual(snapshot.neurons[1]!.stake, 99)
    assert.strictEqual(snapshot.neurons[1]!.validatorTrust, 0.5)
    assert.deepStrictEqual(snapshot.neurons[1]!.axon, { ip: "127.0.0.1", port: 8092 })
  })

  it("refuses files that break the format, saying why and where the format is described", () => {
    const cases: ReadonlyArray<[string, string]> = [
      ["{", "malformed"],
      [snapshotText(1, [{ ...neuron(0, "5A"), stake: "10" }]), "stake"],
      [snapshotText(1, [neuron(1, "5A")]), "uid must equal the index"],
      [snapshotText(1, [neuron(0, "5A"), neuron(1, "5A")]), "appears on two uids"],
      [JSON.stringify({ netuid: 74, neurons: [] }), "block"],
      [snapshotText(1, []), "lists no neurons"]
    ]
    for (const [text, detail] of cases) {
      const result = parseMetagraphSnapshot("m.json", text)
      assert.isTrue(Either.isLeft(result), text)
      if (Either.isLeft(result)) {
        assert.include(result.left.message, detail)
        assert.include(result.left.message, "m.json")
        assert.include(result.left.message, "docs/metagraph.md")
      }
    }
  })

  it.scoped("a missing file is a clear error", () =>
    Effect.gen(function* () {
      const path = yield* tempFile
      const error = yield* Effect.flip(readMetagraphSnapshot(path))
      assert.include(error.message, "not found")
      assert.include(error.message, path)
      assert.include(error.message, '--metagraph FILE (format: docs/metagraph.md: {"netuid", "block", "neurons": [{"uid", "hotkey"')
    }).pipe(Effect.provide(NodeFileSystem.layer))
  )

  it.scopedLive("serves the file, reloads on change, keeps the last good one on a bad reload", () =>
    Effect.gen(function* () {
      const path = yield* tempFile
      writeFileSync(path, snapshotText(100, [neuron(0, "5A", 1), neuron(1, "5B", 2)]))
      const errors: Array<string> = []
      const logger = Logger.replace(
        Logger.defaultLogger,
        Logger.make(({ logLevel, message }) => {
          if (logLevel._tag === "Error") errors.push(String(message))
        })
      )
      const context = yield* Layer.build(
        MetagraphSnapshot.layer({ path, pollInterval: "20 millis" }).pipe(Layer.provide(logger))
      )
      const metagraph = Effect.provide(Metagraph, context)
      const status = Effect.provide(MetagraphStatus, context)
      const graph = yield* metagraph
      const health = yield* status

      assert.deepStrictEqual(yield* graph.uidOf(Hotkey.make("5B")), Option.some(Uid.make(1)))
      assert.deepStrictEqual(yield* graph.uidOf(Hotkey.make("5Z")), Option.none())
      assert.strictEqual(yield* graph.stakeOf(Uid.make(1)), 2)
      assert.strictEqual(yield* graph.stakeOf(Uid.make(7)), 0)
      assert.deepStrictEqual(yield* graph.hotkeys, [Hotkey.make("5A"), Hotkey.make("5B")])
      const first = yield* health.health
      assert.strictEqual(first.block, 100)
      assert.isTrue(Option.isNone(first.lastError))

      writeFileSync(path, snapshotText(101, [neuron(0, "5A", 1), neuron(1, "5C", 3), neuron(2, "5B", 4)]))
      yield* eventually(Effect.map(health.health, (h) => h.block === 101))
      assert.deepStrictEqual(yield* graph.uidOf(Hotkey.make("5B")), Option.some(Uid.make(2)))
      assert.isAtLeast((yield* health.health).loadedAt, first.loadedAt)

      writeFileSync(path, "{ this is not json")
      yield* eventually(Effect.map(health.health, (h) => Option.isSome(h.lastError)))
      assert.strictEqual((yield* health.health).block, 101)
      assert.deepStrictEqual(yield* graph.uidOf(Hotkey.make("5C")), Option.some(Uid.make(1)))
      assert.isTrue(errors.some((line) => line.includes("still serving the last good metagraph")))

      writeFileSync(path, snapshotText(102, [neuron(0, "5A", 1)]))
      yield* eventually(Effect.map(health.health, (h) => h.block === 102 && Option.isNone(h.lastError)))
      assert.deepStrictEqual(yield* graph.uidOf(Hotkey.make("5C")), Option.none())
    }).pipe(Effect.provide(NodeFileSystem.layer))
  )

  it.scoped("the layer fails when the first load fails", () =>
    Effect.gen(function* () {
      const path = yield* tempFile
      writeFileSync(path, snapshotText(1, [neuron(3, "5A")]))
      const error = yield* Effect.flip(Layer.build(MetagraphSnapshot.layer({ path })))
      assert.include(error.message, "uid must equal the index")
    }).pipe(Effect.provide(NodeFileSystem.layer))
  )

  it.scoped("with ownHotkey, a first snapshot that does not list it fails the layer, saying what to do", () =>
    Effect.gen(function* () {
      const path = yield* tempFile
      writeFileSync(path, snapshotText(5, [neuron(0, "5A"), neuron(1, "5B")]))
      const error = yield* Effect.flip(Layer.build(MetagraphSnapshot.layer({ path, ownHotkey: "5V" })))
      assert.include(error.message, path)
      assert.include(error.message, "does not list this validator's hotkey 5V")
      assert.include(error.message, "--wallet.hotkey")
    }).pipe(Effect.provide(NodeFileSystem.layer))
  )

  it.scopedLive("with ownHotkey, an empty snapshot or one without it is a reload error: the last good one stays", () =>
    Effect.gen(function* () {
      const path = yield* tempFile
      writeFileSync(path, snapshotText(200, [neuron(0, "5V"), neuron(1, "5B")]))
      const context = yield* Layer.build(
        MetagraphSnapshot.layer({ path, ownHotkey: "5V", pollInterval: "20 millis" }).pipe(
          Layer.provide(Logger.replace(Logger.defaultLogger, Logger.none))
        )
      )
      const graph = yield* Effect.provide(Metagraph, context)
      const status = yield* Effect.provide(MetagraphStatus, context)
      const refused = [
        [snapshotText(201, []), "lists no neurons"],
        [snapshotText(202, [neuron(0, "5A"), neuron(1, "5B")]), "does not list this validator's hotkey 5V"]
      ] as const
      for (const [text, detail] of refused) {
        writeFileSync(path, text)
        yield* eventually(Effect.map(status.health, (h) => Option.getOrElse(h.lastError, () => "").includes(detail)))
        assert.deepInclude(yield* status.health, { block: 200, neurons: 2 })
        assert.deepStrictEqual(yield* graph.uidOf(Hotkey.make("5B")), Option.some(Uid.make(1)))
      }
      writeFileSync(path, snapshotText(203, [neuron(0, "5V")]))
      yield* eventually(Effect.map(status.health, (h) => h.block === 203 && Option.isNone(h.lastError)))
    }).pipe(Effect.provide(NodeFileSystem.layer))
  )

  it.scoped("layerConfig reads the file path from Config", () =>
    Effect.gen(function* () {
      const path = yield* tempFile
      writeFileSync(path, snapshotText(7, [neuron(0, "5A")]))
      const provider = Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["GITTENSOR_METAGRAPH_FILE", path]])))
      const context = yield* Layer.build(
        MetagraphSnapshot.layerConfig({ path: Config.string("GITTENSOR_METAGRAPH_FILE") }).pipe(Layer.provide(provider))
      )
      const health = yield* Effect.flatMap(Effect.provide(MetagraphStatus, context), (status) => status.health)
      assert.strictEqual(health.block, 7)
      assert.strictEqual(health.source, `Metagraph snapshot ${path}`)
    }).pipe(Effect.provide(NodeFileSystem.layer))
  )
})
