import { PatStore, Uid } from "@gittensor-pat/core"
import { InMemoryPatStore } from "@gittensor-pat/storage-adapter/testing"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { allowAll, entryOf } from "./support.js"

describe("the in-memory store re-exported for tests", () => {
  it.effect("saves, and fails closed while its read fault is on", () =>
    Effect.gen(function* () {
      const store = yield* PatStore
      const handle = yield* InMemoryPatStore
      yield* store.save(entryOf(1), allowAll)
      assert.isTrue(Option.isSome(yield* store.get(Uid.make(1))))
      yield* handle.setFaults({ read: true })
      assert.strictEqual((yield* Effect.flip(store.save(entryOf(2), allowAll)))._tag, "StoreUnavailableError")
      assert.strictEqual((yield* Effect.flip(store.get(Uid.make(1))))._tag, "StoreUnavailableError")
      assert.deepStrictEqual(
        (yield* handle.entries).map((e) => e.uid),
        [1]
      )
    }).pipe(Effect.provide(InMemoryPatStore.layer()))
  )
})
