import type * as FileSystem from "@effect/platform/FileSystem"
import { SystemError } from "@effect/platform/Error"
import { type IdentityLockedError, type StoreUnavailableError, Uid } from "@gittensor-pat/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as NodePath from "node:path"
import { allowAll, capturingLogs, entryOf, fileStampsWith, nodeFileSystemWith, openStore } from "./support.js"

interface Faults {
  read: boolean
  rename: boolean
}

const ioError = (method: string, path: string) =>
  new SystemError({ reason: "Unknown", module: "FileSystem", method, pathOrDescriptor: path, description: "EIO: i/o error" })

/** Node's file system, with reads (and stats) of the store and renames failing while a fault is on. */
const faultyFileSystem = (faults: Faults) =>
  Layer.merge(
    nodeFileSystemWith((fs) => ({
      open: (path, options) =>
        Effect.suspend(() =>
          faults.read && path.endsWith(".json") ? ioError("open", path) : fs.open(path, options)
        ),
      rename: (from, to) => Effect.suspend(() => (faults.rename ? ioError("rename", to) : fs.rename(from, to)))
    })),
    fileStampsWith((stamp) => (path) => Effect.suspend(() => (faults.read ? ioError("stat", path) : stamp(path))))
  )

const seeded = Effect.gen(function* () {
  const { fs, path, store } = yield* openStore
  yield* Effect.forEach([1, 2, 3], (uid) => store.save(entryOf(uid), allowAll), { discard: true })
  return { fs, path, store, bytes: yield* fs.readFileString(path) }
})

const assertUnavailable = (error: StoreUnavailableError | IdentityLockedError, operation: "read" | "write") =>
  assert.deepStrictEqual(
    [error._tag, error._tag === "StoreUnavailableError" && error.operation],
    ["StoreUnavailableError", operation]
  )

/** A test over a store seeded with uids 1–3, on a file system whose faults it switches. */
const faultTest = (
  name: string,
  body: (
    faults: Faults,
    opened: Effect.Effect.Success<typeof seeded>
  ) => Effect.Effect<void, unknown, FileSystem.FileSystem>
) =>
  it.scoped(name, () => {
    const faults: Faults = { read: false, rename: false }
    return Effect.flatMap(seeded, (opened) => body(faults, opened)).pipe(Effect.provide(faultyFileSystem(faults)))
  })

describe("JsonFilePatStore under file-system faults", () => {
  faultTest("a read error fails save, get and nothing else: no entry is lost and nothing is written", (faults, { fs, path, store, bytes }) =>
    Effect.gen(function* () {
      faults.read = true
      assertUnavailable(yield* Effect.flip(store.save(entryOf(9), allowAll)), "read")
      assertUnavailable(yield* Effect.flip(store.get(Uid.make(1))), "read")
      const logs: Array<string> = []
      assert.deepStrictEqual(yield* capturingLogs(store.snapshot, logs), [])
      assert.strictEqual(logs.length, 1)
      faults.read = false
      assert.strictEqual(yield* fs.readFileString(path), bytes)
      assert.deepStrictEqual(
        (yield* store.snapshot).map((e) => e.uid),
        [1, 2, 3]
      )
    })
  )

  faultTest("a failed write removes its temp file, leaves the file as it was, and the next save works", (faults, { fs, path, store, bytes }) =>
    Effect.gen(function* () {
      faults.rename = true
      assertUnavailable(yield* Effect.flip(store.save(entryOf(9), allowAll)), "write")
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
    })
  )
})
