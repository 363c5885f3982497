import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { IdentityLockedError, Uid } from "@gittensor-pat/core"
import { assert, it } from "@effect/vitest"
import { Effect } from "effect"
import * as NodePath from "node:path"
import { allowAll, entryOf, storeAt, tempStorePath } from "./support.js"

// A save opens its temp file while it reads the store (groupCommit). One that then writes
// nothing (the read failed, or every guard refused) must leave the folder as it was by the
// time it is answered: "the save fails and writes nothing" (docs/store.md).

/** A store holding uid 1, and what its folder lists. */
const seeded = Effect.gen(function* () {
  const fs = yield* FileSystem.FileSystem
  const path = yield* tempStorePath
  const { store } = yield* storeAt(path)
  yield* store.save(entryOf(1), allowAll)
  const listing = Effect.map(fs.readDirectory(NodePath.dirname(path)), (names) => names.sort())
  return { fs, path, store, listing }
})

it.scopedLive("a save whose read fails leaves no temp file behind when it is answered", () =>
  Effect.gen(function* () {
    const { fs, path, store, listing } = yield* seeded
    yield* fs.writeFileString(path, "{ not json")
    const before = yield* listing
    for (let round = 0; round < 20; round++) {
      assert.strictEqual((yield* Effect.flip(store.save(entryOf(2), allowAll)))._tag, "StoreUnavailableError")
      assert.deepStrictEqual(yield* listing, before, `round ${round}`)
    }
    assert.strictEqual(yield* fs.readFileString(path), "{ not json")
  }).pipe(Effect.provide(NodeFileSystem.layer))
)

it.scopedLive("a save every guard refuses leaves no temp file behind when it is answered", () =>
  Effect.gen(function* () {
    const { fs, path, store, listing } = yield* seeded
    const before = yield* listing
    const bytes = yield* fs.readFileString(path)
    const refuse = () => Effect.fail(new IdentityLockedError({ uid: Uid.make(1) }))
    for (let round = 0; round < 20; round++) {
      assert.strictEqual((yield* Effect.flip(store.save(entryOf(1, "other"), refuse)))._tag, "IdentityLockedError")
      assert.deepStrictEqual(yield* listing, before, `round ${round}`)
    }
    assert.strictEqual(yield* fs.readFileString(path), bytes)
  }).pipe(Effect.provide(NodeFileSystem.layer))
)
