import type * as FileSystem from "@effect/platform/FileSystem"
import { type PatStore, Uid } from "@gittensor-pat/core"
import { assert, describe, it } from "@effect/vitest"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { type Context, Deferred, Effect, Fiber, Layer, Option } from "effect"
import { allowAll, entryOf, fileStampsWith, storeAt, tempStorePath } from "./support.js"

interface Stats {
  /** Set once the store is open and seeded: stats before that are not counted or held. */
  armed: boolean
  count: number
}

/**
 * Node's stat of the store file whose first call once armed waits for `release` (the others pass
 * straight through), counting every call.
 */
const gatedStat = (stats: Stats, started: Deferred.Deferred<void>, release: Deferred.Deferred<void>) =>
  Layer.merge(
    NodeFileSystem.layer,
    fileStampsWith((stamp) => (path) =>
      Effect.suspend(() => {
        if (!stats.armed) return stamp(path)
        stats.count++
        if (stats.count > 1) return stamp(path)
        return Deferred.succeed(started, undefined).pipe(Effect.zipRight(Deferred.await(release)), Effect.zipRight(stamp(path)))
      })
    )
  )

type Store = Context.Tag.Service<PatStore>

const storeTest = (
  name: string,
  body: (opened: {
    readonly store: Store
    readonly stats: Stats
    readonly started: Deferred.Deferred<void>
    readonly release: Deferred.Deferred<void>
  }) => Effect.Effect<void, unknown, FileSystem.FileSystem>
) =>
  it.scopedLive(name, () =>
    Effect.gen(function* () {
      const stats: Stats = { armed: false, count: 0 }
      const started = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      return yield* Effect.gen(function* () {
        const path = yield* tempStorePath
        const { store } = yield* storeAt(path, { watchInterval: "1 hour" })
        yield* store.save(entryOf(0), allowAll)
        stats.armed = true
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
