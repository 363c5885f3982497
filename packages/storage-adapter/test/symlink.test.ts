import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { Uid } from "@gittensor-pat/core"
import { assert, layer } from "@effect/vitest"
import { Effect, Option } from "effect"
import * as NodePath from "node:path"
import { JsonFilePatStore } from "../src/index.js"
import { allowAll, entryOf, storeAt } from "./support.js"

/** A real store file in `<tmp>/real/` and a symlink to it in `<tmp>/elsewhere/`. */
const linkedStore = Effect.gen(function* () {
  const fs = yield* FileSystem.FileSystem
  const root = yield* fs.makeTempDirectoryScoped({ prefix: "pat-store-link-" })
  const real = NodePath.join(root, "real", "miner_pats.json")
  const link = NodePath.join(root, "elsewhere", "pats.json")
  yield* fs.makeDirectory(NodePath.dirname(real))
  yield* fs.makeDirectory(NodePath.dirname(link))
  yield* fs.writeFileString(real, "[]", { mode: 0o600 })
  yield* fs.symlink(real, link)
  return { fs, root, real, link }
})

const uidsIn = (text: string) => (JSON.parse(text) as Array<{ uid: number }>).map((e) => e.uid)

layer(NodeFileSystem.layer)("a store reached through a symbolic link", (it) => {
  it.scoped("saves replace the file it points to, atomically, and the link stays a link", () =>
    Effect.gen(function* () {
      const { fs, real, link } = yield* linkedStore
      const { store } = yield* storeAt(link)
      yield* store.save(entryOf(1), allowAll)
      yield* store.save(entryOf(2), allowAll)
      assert.strictEqual(yield* fs.readLink(link), real)
      assert.deepStrictEqual(uidsIn(yield* fs.readFileString(real)), [1, 2])
      assert.strictEqual((yield* fs.stat(real)).mode & 0o777, 0o600)
      assert.isTrue(yield* fs.exists(`${real}.lock`))
      assert.deepStrictEqual(yield* fs.readDirectory(NodePath.dirname(link)), ["pats.json"])
    })
  )

  it.scoped("another program's writes to the shared file are still seen after a save (the Python validator's)", () =>
    Effect.gen(function* () {
      const { fs, real, link } = yield* linkedStore
      const { store } = yield* storeAt(link)
      yield* store.save(entryOf(1), allowAll)
      const written = yield* fs.readFileString(real)
      yield* fs.writeFileString(real, written.replace('"github_id": "1001-1"', '"github_id": "7777-1"'))
      assert.strictEqual(Option.getOrThrow(yield* store.get(Uid.make(1))).githubId, "7777-1")
    })
  )

  for (const [first, second] of [
    ["real", "link"],
    ["link", "real"]
  ] as const) {
    it.scoped(`a second store opened through the ${second} path while one is open through the ${first} path is refused`, () =>
      Effect.gen(function* () {
        const paths = yield* linkedStore
        yield* storeAt(paths[first])
        const refused = yield* Effect.flip(Effect.scoped(storeAt(paths[second])))
        assert.strictEqual(refused._tag, "StoreLockedError")
        assert.include(refused.message, `${paths.real}.lock`)
      })
    )
  }

  it.scoped("a symlinked folder: the lock and the writes are in the folder it points to", () =>
    Effect.gen(function* () {
      const { fs, root, real } = yield* linkedStore
      const folderLink = NodePath.join(root, "data")
      yield* fs.symlink(NodePath.dirname(real), folderLink)
      const { store } = yield* storeAt(NodePath.join(folderLink, "miner_pats.json"))
      yield* store.save(entryOf(3), allowAll)
      assert.deepStrictEqual(uidsIn(yield* fs.readFileString(real)), [3])
      assert.strictEqual((yield* Effect.flip(Effect.scoped(storeAt(real))))._tag, "StoreLockedError")
    })
  )

  it.scoped("a link to a file not created yet: ensure and the first save create the target, and the link stays", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const root = yield* fs.makeTempDirectoryScoped({ prefix: "pat-store-link-" })
      const target = NodePath.join(root, "shared", "miner_pats.json")
      const link = NodePath.join(root, "pats.json")
      yield* fs.symlink(target, link)
      yield* JsonFilePatStore.ensure(link)
      assert.strictEqual(yield* fs.readFileString(target), "[]")
      const { store } = yield* storeAt(link)
      yield* store.save(entryOf(4), allowAll)
      assert.strictEqual(yield* fs.readLink(link), target)
      assert.deepStrictEqual(uidsIn(yield* fs.readFileString(target)), [4])
    })
  )
})
