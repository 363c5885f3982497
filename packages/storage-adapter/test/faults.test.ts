import * as FileSystem from "@effect/platform/FileSystem"
import { SystemError } from "@effect/platform/Error"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { Uid } from "@gittensor-pat/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as NodePath from "node:path"
import { JsonFilePatStore } from "../src/index.js"
import { allowAll, capturingLogs, entryOf, tempStorePath } from "./support.js"

interface Faults {
  read: boolean
  rename: boolean
}

const ioError = (method: string, path: string) =>
  new SystemError({ reason: "Unknown", module: "FileSystem", method, pathOrDescriptor: path, description: "EIO: i/o error" })

/** Node's file system, with reads of the store and renames failing while a fault is on. */
const faultyFileSystem = (faults: Faults) =>
  Layer.effect(
    FileSystem.FileSystem,
    Effect.map(FileSystem.FileSystem, (fs) =>
      FileSystem.FileSystem.of({
        ...fs,
        readFileString: (path, encoding) =>
          Effect.suspend(() =>
            faults.read && path.endsWith(".json") ? ioError("readFileString", path) : fs.readFileString(path, encoding)
          ),
        rename: (from, to) => Effect.suspend(() => (faults.rename ? ioError("rename", to) : fs.rename(from, to)))
      })
    )
  ).pipe(Layer.provide(NodeFileSystem.layer))

const seeded = Effect.gen(function* () {
  const path = yield* tempStorePath
  const store = yield* JsonFilePatStore.make({ path })
  yield* Effect.forEach([1, 2, 3], (uid) => store.save(entryOf(uid), allowAll), { discard: true })
  const fs = yield* FileSystem.FileSystem
  return { fs, path, store, bytes: yield* fs.readFileString(path) }
})

describe("JsonFilePatStore under file-system faults", () => {
  it.scoped("a read error fails save, get and nothing else: no entry is lost and nothing is written", () => {
    const faults: Faults = { read: false, rename: false }
    return Effect.gen(function* () {
      const { fs, path, store, bytes } = yield* seeded
      faults.read = true
      const saved = yield* Effect.flip(store.save(entryOf(9), allowAll))
      assert.deepStrictEqual([saved._tag, saved._tag === "StoreUnavailableError" && saved.operation], [
        "StoreUnavailableError",
        "read"
      ])
      assert.strictEqual((yield* Effect.flip(store.get(Uid.make(1))))._tag, "StoreUnavailableError")
      const logs: Array<string> = []
      assert.deepStrictEqual(yield* capturingLogs(store.snapshot, logs), [])
      assert.strictEqual(logs.length, 1)
      faults.read = false
      assert.strictEqual(yield* fs.readFileString(path), bytes)
      assert.deepStrictEqual(
        (yield* store.snapshot).map((e) => e.uid),
        [1, 2, 3]
      )
    }).pipe(Effect.provide(faultyFileSystem(faults)))
  })

  it.scoped("a failed write removes its temp file, leaves the file as it was, and the next save works", () => {
    const faults: Faults = { read: false, rename: false }
    return Effect.gen(function* () {
      const { fs, path, store, bytes } = yield* seeded
      faults.rename = true
      const saved = yield* Effect.flip(store.save(entryOf(9), allowAll))
      assert.deepStrictEqual([saved._tag, saved._tag === "StoreUnavailableError" && saved.operation], [
        "StoreUnavailableError",
        "write"
      ])
      assert.deepStrictEqual((yield* fs.readDirectory(NodePath.dirname(path))).sort(), [
        "miner_pats.json",
        "miner_pats.json.lock"
      ])
      assert.strictEqual(yield* fs.readFileString(path), bytes)
      faults.rename = false
      yield* store.save(entryOf(9), allowAll)
      assert.deepStrictEqual(
        (yield* store.snapshot).map((e) => e.uid),
        [1, 2, 3, 9]
      )
    }).pipe(Effect.provide(faultyFileSystem(faults)))
  })
})
