import type * as FileSystem from "@effect/platform/FileSystem"
import { type PatStore, Uid } from "@gittensor-pat/core"
import { assert, describe, it } from "@effect/vitest"
import { type Context, Deferred, Effect, Fiber, Option } from "effect"
import { JsonFilePatStore } from "../src/index.js"
import { allowAll, entryOf, nodeFileSystemWith, tempStorePath } from "./support.js"

/**
 * Node's file system whose first `stat` of the store file waits for `release` (the others
 * pass straight through), counting every stat of it.
 */
const gatedStat = (stats: { count: number }, started: Deferred.Deferred<void>, release: Deferred.Deferred<void>) =>
  nodeFileSystemWith((fs) => ({
    stat: (path) =>
      Effect.suspend(() => {
        if (!path.endsWith(".json")) return fs.stat(path)
        stats.count++
        if (stats.count > 1) return fs.stat(path)
        return Deferred.succeed(started, undefined).pipe(Effect.zipRight(Deferred.await(release)), Effect.zipRight(fs.stat(path)))
      })
  }))

type Store = Context.Tag.Service<PatStore>

const storeTest = (
  name: string,
  body: (opened: {
    readonly store: Store
    readonly stats: { count: number }
    readonly started: Deferred.Deferred<void>
    readonly release: Deferred.Deferred<void>
  }) => Effect.Effect<void, unknown, FileSystem.FileSystem>
) =>
  it.scopedLive(name, () =>
    Effect.gen(function* () {
      const stats = { count: 0 }
      const started = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      return yield* Effect.gen(function* () {
        const path = yield* tempStorePath
        const store = yield* JsonFilePatStore.make({ path })
        yield* store.save(entryOf(0), allowAll)
        yield* body({ store, stats, started, release })
      }).pipe(Effect.provide(gatedStat(stats, started, release)))
    })
  )

const hotkeyOn = (store: Store, uid: number) =>
  Effect.map(store.get(Uid.make(uid)), Option.map((entry) => entry.hotkey))

describe("JsonFilePatStore.get shares a stat among the gets asked while it is under way", () => {
  storeTest("64 concurrent gets take one stat; a get asked after it finished takes a new one", ({ store, stats, started, release }) =>
    Effect.gen(function* () {
      const gets = yield* Effect.fork(
        Effect.forEach(Array.from({ length: 64 }, (_, i) => i), () => hotkeyOn(store, 0), { concurrency: "unbounded" })
      )
      yield* Deferred.await(started)
      yield* Deferred.succeed(release, undefined)
      const hotkeys = yield* Fiber.join(gets)
      assert.deepStrictEqual(hotkeys, Array.from({ length: 64 }, () => Option.some("5Hotkey0")))
      assert.strictEqual(stats.count, 1)
      assert.deepStrictEqual(yield* hotkeyOn(store, 0), Option.some("5Hotkey0"))
      assert.strictEqual(stats.count, 2)
    })
  )

  storeTest("a save acknowledged while a stat is under way is seen by the next get", ({ store, stats, started, release }) =>
    Effect.gen(function* () {
      const early = yield* Effect.fork(hotkeyOn(store, 1))
      yield* Deferred.await(started)
      yield* store.save(entryOf(1), allowAll)
      // The early get's stat is still held: the get asked now must not wait for it or take its answer.
      assert.deepStrictEqual(yield* hotkeyOn(store, 1), Option.some("5Hotkey1"))
      assert.strictEqual(stats.count, 2)
      yield* Deferred.succeed(release, undefined)
      yield* Fiber.join(early)
    })
  )

  storeTest("a get whose caller gives up does not cut the stat short for the others", ({ store, started, release }) =>
    Effect.gen(function* () {
      const first = yield* Effect.fork(hotkeyOn(store, 0))
      yield* Deferred.await(started)
      const second = yield* Effect.fork(hotkeyOn(store, 0))
      yield* Fiber.interrupt(first)
      yield* Deferred.succeed(release, undefined)
      assert.deepStrictEqual(yield* Fiber.join(second), Option.some("5Hotkey0"))
    })
  )
})
