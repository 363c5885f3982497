import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { Uid } from "@gittensor-pat/core"
import { assert, describe, it } from "@effect/vitest"
import { type Duration, Effect, Exit, Option, Schedule, Scope } from "effect"
import * as NodePath from "node:path"
import { JsonFilePatStore } from "../src/index.js"
import { allowAll, entryOf, storeAt, tempStorePath } from "./support.js"

type Status = Effect.Effect.Success<ReturnType<typeof storeAt>>["status"]

/** Waits (a few seconds at most) until the store's watcher has taken its lock back. */
const lockRetaken = (status: Status) =>
  status.health.pipe(
    Effect.filterOrFail((health) => Option.isNone(health.lockError)),
    Effect.retry({ schedule: Schedule.spaced("20 millis"), times: 250 })
  )

/**
 * A store in a temp folder holding uid 1 (so the file exists), and what it wrote; its
 * watcher runs every `interval` (never, for tests where it must not take the lock back).
 */
const seededWatching = (interval: Duration.DurationInput) => Effect.gen(function* () {
  const fs = yield* FileSystem.FileSystem
  const path = yield* tempStorePath
  const { store, status } = yield* storeAt(path, { watchInterval: interval })
  yield* store.save(entryOf(1), allowAll)
  return { fs, path, folder: NodePath.dirname(path), store, status, bytes: yield* fs.readFileString(path) }
})

const watched = seededWatching("20 millis")

const unwatched = seededWatching("1 hour")

/** A test on the live clock (the store's watcher runs on it) over Node's file system. */
const live = (name: string, body: () => Effect.Effect<void, unknown, FileSystem.FileSystem | Scope.Scope>) =>
  it.scopedLive(name, () => Effect.provide(body(), NodeFileSystem.layer))

describe("a store whose file or folder disappears while it runs", () => {
  live("its folder deleted: get and save fail, nothing is recreated, the lock is reported lost; restored, the next save takes the lock back", () =>
    Effect.gen(function* () {
      const { fs, path, folder, store, status, bytes } = yield* unwatched
      yield* fs.remove(folder, { recursive: true })

      const got = yield* Effect.flip(store.get(Uid.make(1)))
      assert.deepStrictEqual([got._tag, got.operation], ["StoreUnavailableError", "read"])
      assert.include(got.detail, "has disappeared")
      assert.include(got.detail, "write [] there to start an empty store (format: docs/store.md)")
      const saved = yield* Effect.flip(store.save(entryOf(2), allowAll))
      assert.strictEqual(saved._tag, "StoreUnavailableError")
      assert.isFalse(yield* fs.exists(folder), "a refused save must write nothing, not even the folder")
      const sick = yield* status.health
      assert.include(Option.getOrThrow(sick.lockError), "was removed")
      assert.isTrue(sick.savesFailing)

      // The operator restores the folder and the file from a backup.
      yield* fs.makeDirectory(folder)
      yield* fs.writeFileString(path, bytes, { mode: 0o600 })
      assert.strictEqual(Option.getOrThrow(yield* store.get(Uid.make(1))).hotkey, "5Hotkey1")
      // The next save takes the lock back (the watcher would too: see below).
      yield* store.save(entryOf(2), allowAll)
      assert.strictEqual((yield* fs.readFileString(`${path}.lock`)).trim(), String(process.pid))
      assert.deepStrictEqual(
        (yield* store.snapshot).map((e) => e.uid),
        [1, 2]
      )
      assert.deepInclude(yield* status.health, { lockError: Option.none(), savesFailing: false })
    })
  )

  live("its file deleted alone: get and save fail and the file is not recreated empty", () =>
    Effect.gen(function* () {
      const { fs, path, store } = yield* unwatched
      yield* fs.remove(path)
      assert.strictEqual((yield* Effect.flip(store.get(Uid.make(1))))._tag, "StoreUnavailableError")
      assert.strictEqual((yield* Effect.flip(store.save(entryOf(2), allowAll)))._tag, "StoreUnavailableError")
      assert.isFalse(yield* fs.exists(path))
    })
  )

  live("its file and lock file deleted (the folder being emptied): a save puts neither back; the file restored, the next save takes the lock back", () =>
    Effect.gen(function* () {
      const { fs, path, store, bytes } = yield* unwatched
      yield* fs.remove(path)
      yield* fs.remove(`${path}.lock`)
      assert.strictEqual((yield* Effect.flip(store.save(entryOf(2), allowAll)))._tag, "StoreUnavailableError")
      assert.isFalse(yield* fs.exists(`${path}.lock`), "a save on a store being emptied must not put the lock file back")
      assert.isFalse(yield* fs.exists(path))

      yield* fs.writeFileString(path, bytes, { mode: 0o600 })
      yield* store.save(entryOf(2), allowAll)
      assert.strictEqual((yield* fs.readFileString(`${path}.lock`)).trim(), String(process.pid))
    })
  )

  live("a file that existed when the store opened (as the validator creates it) counts as seen", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const path = yield* tempStorePath
      yield* JsonFilePatStore.ensure(path)
      const { store } = yield* storeAt(path, { watchInterval: "1 hour" })
      yield* fs.remove(path)
      assert.strictEqual((yield* Effect.flip(store.get(Uid.make(1))))._tag, "StoreUnavailableError")
    })
  )

  live("its folder restored, the watcher takes the lock back without waiting for a save, and a second store on the same path is refused", () =>
    Effect.gen(function* () {
      const { fs, path, folder, status, bytes } = yield* watched
      // The file first: the watcher takes the lock back as soon as the store is readable.
      yield* fs.remove(path)
      yield* fs.remove(folder, { recursive: true })
      yield* fs.makeDirectory(folder)
      yield* fs.writeFileString(path, bytes, { mode: 0o600 })
      yield* lockRetaken(status)
      const refused = yield* Effect.flip(Effect.scoped(storeAt(path)))
      assert.strictEqual(refused._tag, "StoreLockedError")
    })
  )

  live("a store that lost its lock to another leaves the other's lock file alone when it closes", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const path = yield* tempStorePath
      const first = yield* Scope.make()
      const { store } = yield* storeAt(path, { watchInterval: "1 hour" }).pipe(Scope.extend(first))
      yield* store.save(entryOf(1), allowAll)
      yield* fs.remove(NodePath.dirname(path), { recursive: true })
      const other = yield* storeAt(path, { watchInterval: "1 hour" })
      yield* Scope.close(first, Exit.void)
      assert.isTrue(yield* fs.exists(`${path}.lock`))
      yield* other.store.save(entryOf(2), allowAll)
    })
  )

  live("a second store that took the lock meanwhile keeps it: the first refuses saves and says who holds it, until the second closes, then the next save takes it back", () =>
    Effect.gen(function* () {
      const { fs, path, folder, store, status } = yield* unwatched
      yield* fs.remove(folder, { recursive: true })
      // Another validator starts on the same path before anyone restores the old file.
      const second = yield* Scope.make()
      const other = yield* storeAt(path, { watchInterval: "1 hour" }).pipe(Scope.extend(second))
      yield* other.store.save(entryOf(7), allowAll)

      const refused = yield* Effect.flip(store.save(entryOf(2), allowAll))
      assert.strictEqual(refused._tag, "StoreUnavailableError")
      assert.include(refused._tag === "StoreUnavailableError" ? refused.detail : "", "already open for writing")
      assert.include(Option.getOrThrow((yield* status.health).lockError), "was replaced, and now names process")
      assert.deepStrictEqual(
        (yield* other.store.snapshot).map((e) => e.uid),
        [7]
      )

      // Once it is gone the next save takes the lock back by itself.
      yield* Scope.close(second, Exit.void)
      yield* store.save(entryOf(2), allowAll)
      assert.isTrue(Option.isNone((yield* status.health).lockError))
      assert.deepStrictEqual(
        (yield* store.snapshot).map((e) => e.uid),
        [7, 2]
      )
    })
  )
})
