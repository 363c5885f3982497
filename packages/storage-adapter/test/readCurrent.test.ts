import * as FileSystem from "@effect/platform/FileSystem"
import { type PatStore, Uid } from "@gittensor-pat/core"
import { assert, describe, it } from "@effect/vitest"
import { type Context, Effect, Option } from "effect"
import { allowAll, entryOf, nodeFileSystemWith, storeAt, secretMarker, tempStorePath } from "./support.js"

/** Node's file system, counting the reads of the store file (the times it is opened). */
const countingFileSystem = (reads: { count: number }) =>
  nodeFileSystemWith((fs) => ({
    open: (path, options) =>
      Effect.suspend(() => {
        if (path.endsWith(".json")) reads.count++
        return fs.open(path, options)
      })
  }))

const fileOf = (hotkeys: ReadonlyArray<string>) =>
  JSON.stringify(
    hotkeys.map((hotkey, uid) => ({
      uid,
      hotkey,
      pat: `ghp_${secretMarker}${uid}`,
      github_id: String(uid),
      stored_at: "2026-01-01T00:00:00+00:00"
    }))
  )

type Store = Context.Tag.Service<PatStore>

const secondsAgo = (seconds: number) => new Date(Date.now() - seconds * 1000)

// Until a file's last change (mtime, and ctime, which no one can set back) is a second old,
// the store does not trust its stamp and reads it on every get.
const settle = Effect.sleep("1100 millis")

const hotkeyOn = (store: Store, uid: number) =>
  Effect.map(store.get(Uid.make(uid)), (entry) => Option.map(entry, (e) => e.hotkey))

/** A store over a temp file and a count of its reads, on the live clock (file times are real). */
const storeTest = (
  name: string,
  body: (
    opened: { readonly fs: FileSystem.FileSystem; readonly path: string; readonly store: Store },
    reads: { count: number }
  ) => Effect.Effect<void, unknown, FileSystem.FileSystem>
) =>
  it.scopedLive(name, () => {
    const reads = { count: 0 }
    return Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const path = yield* tempStorePath
      const { store } = yield* storeAt(path, { watchInterval: "1 hour" })
      yield* body({ fs, path, store }, reads)
    }).pipe(Effect.provide(countingFileSystem(reads)))
  })

describe("JsonFilePatStore.get over a file that is not rewritten", () => {
  storeTest("a settled, unchanged file is read once for many gets; a save still reads it", ({ fs, path, store }, reads) =>
    Effect.gen(function* () {
      yield* fs.writeFileString(path, fileOf(["5A", "5B"]))
      yield* settle
      reads.count = 0
      for (let round = 0; round < 5; round++) {
        assert.deepStrictEqual(yield* hotkeyOn(store, 0), Option.some("5A"))
        assert.deepStrictEqual(yield* hotkeyOn(store, 1), Option.some("5B"))
      }
      assert.strictEqual(reads.count, 1)
      yield* store.save(entryOf(7), allowAll)
      assert.strictEqual(reads.count, 2)
      assert.deepStrictEqual(yield* hotkeyOn(store, 7), Option.some("5Hotkey7"))
    })
  )

  storeTest("an external rewrite of a settled file is seen, and a corrupt one fails get", ({ fs, path, store }) =>
    Effect.gen(function* () {
      yield* fs.writeFileString(path, fileOf(["5A", "5B"]))
      yield* settle
      assert.deepStrictEqual(yield* hotkeyOn(store, 1), Option.some("5B"))
      // Same size, another mtime (still settled).
      yield* fs.writeFileString(path, fileOf(["5A", "5C"]))
      yield* fs.utimes(path, secondsAgo(5), secondsAgo(5))
      assert.deepStrictEqual(yield* hotkeyOn(store, 1), Option.some("5C"))
      yield* fs.writeFileString(path, `[{"uid": 1, "hotkey": "5C", "pat": "ghp_${secretMarker}1"`)
      yield* fs.utimes(path, secondsAgo(3), secondsAgo(3))
      const failed = yield* Effect.flip(store.get(Uid.make(1)))
      assert.strictEqual(failed._tag, "StoreUnavailableError")
      assert.notInclude(failed.message, secretMarker)
    })
  )

  storeTest("a file modified in the same clock tick as the last read (same size and mtime) is still seen", ({ fs, path, store }, reads) =>
    Effect.gen(function* () {
      yield* fs.writeFileString(path, fileOf(["5A", "5B"]))
      const mtime = Option.getOrThrow((yield* fs.stat(path)).mtime)
      reads.count = 0
      assert.deepStrictEqual(yield* hotkeyOn(store, 1), Option.some("5B"))
      yield* fs.writeFileString(path, fileOf(["5A", "5D"]))
      yield* fs.utimes(path, mtime, mtime)
      assert.deepStrictEqual(yield* hotkeyOn(store, 1), Option.some("5D"))
      assert.strictEqual(reads.count, 2)
    })
  )

  storeTest("a hand-edited file with two entries on one uid: get gives the last one, as a save would keep", ({ fs, path, store }) =>
    Effect.gen(function* () {
      const entries = JSON.parse(fileOf(["5A", "5B", "5C"])) as Array<{ uid: number }>
      entries[2]!.uid = 1
      yield* fs.writeFileString(path, JSON.stringify(entries))
      assert.deepStrictEqual(yield* hotkeyOn(store, 1), Option.some("5C"))
      assert.deepStrictEqual(yield* hotkeyOn(store, 0), Option.some("5A"))
      assert.deepStrictEqual(yield* hotkeyOn(store, 2), Option.none())
    })
  )

  storeTest("an in-place rewrite of a settled file, same size and its mtime put back, is still seen", ({ fs, path, store }, reads) =>
    Effect.gen(function* () {
      yield* fs.writeFileString(path, fileOf(["5A", "5B"]))
      yield* settle
      const before = yield* fs.stat(path)
      assert.deepStrictEqual(yield* hotkeyOn(store, 1), Option.some("5B"))
      assert.deepStrictEqual(yield* hotkeyOn(store, 1), Option.some("5B"))
      reads.count = 0
      // Garbage of the same length written into the same inode, then the old mtime restored.
      const garbage = "x".repeat(Number(before.size))
      yield* fs.writeFileString(path, garbage)
      yield* fs.utimes(path, Option.getOrThrow(before.atime), Option.getOrThrow(before.mtime))
      const after = yield* fs.stat(path)
      assert.deepStrictEqual([after.ino, after.size, after.mtime], [before.ino, before.size, before.mtime])
      const failed = yield* Effect.flip(store.get(Uid.make(1)))
      assert.strictEqual(failed._tag, "StoreUnavailableError")
      assert.strictEqual(reads.count, 1)
    })
  )

  storeTest("a file that disappears once seen is unavailable, not empty, until it is put back", ({ fs, path, store }) =>
    Effect.gen(function* () {
      const text = fileOf(["5A"])
      yield* fs.writeFileString(path, text)
      yield* settle
      assert.deepStrictEqual(yield* hotkeyOn(store, 0), Option.some("5A"))
      yield* fs.remove(path)
      const failed = yield* Effect.flip(store.get(Uid.make(0)))
      assert.include(failed.detail, "has disappeared")
      yield* fs.writeFileString(path, text)
      assert.deepStrictEqual(yield* hotkeyOn(store, 0), Option.some("5A"))
    })
  )
})
