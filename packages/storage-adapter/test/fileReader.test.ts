import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { assert, layer } from "@effect/vitest"
import { Deferred, Effect, Fiber } from "effect"
import * as NodePath from "node:path"
import { makeFileReader } from "../src/fileReader.js"

const textOf = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

/** A reader over Node's file system and a temp folder to read in. */
const opened = Effect.gen(function* () {
  const fs = yield* FileSystem.FileSystem
  const directory = yield* fs.makeTempDirectoryScoped({ prefix: "file-reader-" })
  return { fs, reader: makeFileReader(fs), at: (name: string) => NodePath.join(directory, name) }
})

layer(NodeFileSystem.layer)("makeFileReader", (it) => {
  it.scoped("each read gives exactly the file's bytes as it is now, shorter, longer or empty", () =>
    Effect.gen(function* () {
      const { fs, reader, at } = yield* opened
      const path = at("store.json")
      for (const content of ["[1, 2, 3, 4, 5]", "[é]", "", "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]", "[]"]) {
        yield* fs.writeFileString(path, content)
        assert.strictEqual(yield* reader.read(path, (bytes) => Effect.succeed(textOf(bytes))), content)
      }
    })
  )

  it.scoped("a file as large as the buffer, or larger, is read whole, and a small one after it exactly", () =>
    Effect.gen(function* () {
      const { fs, reader, at } = yield* opened
      const path = at("store.json")
      // The reader starts with 64 KiB and grows by doubling: sizes on and around each step.
      for (const size of [65_535, 65_536, 65_537, 131_072, 300_001, 5, 0, 65_536]) {
        const content = Uint8Array.from({ length: size }, (_, i) => (i * 7 + size) % 251)
        yield* fs.writeFile(path, content)
        const read = yield* reader.read(path, (bytes) => Effect.succeed(bytes.slice()))
        assert.strictEqual(read.length, size)
        assert.isTrue(Buffer.from(read).equals(Buffer.from(content)), `the ${size} bytes read back differ`)
      }
    })
  )

  it.scoped("reads under way at once each read into bytes of their own", () =>
    Effect.gen(function* () {
      const { fs, reader, at } = yield* opened
      yield* fs.writeFileString(at("a.json"), "[\"first file\"]")
      yield* fs.writeFileString(at("b.json"), "[\"other file\"]")
      // A buffer to spare before the two start.
      yield* reader.read(at("a.json"), () => Effect.void)
      const holding = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      const first = yield* Effect.fork(
        reader.read(at("a.json"), (bytes) =>
          Deferred.succeed(holding, undefined).pipe(
            Effect.zipRight(Deferred.await(release)),
            Effect.map(() => textOf(bytes))
          )
        )
      )
      yield* Deferred.await(holding)
      assert.strictEqual(yield* reader.read(at("b.json"), (bytes) => Effect.succeed(textOf(bytes))), "[\"other file\"]")
      yield* Deferred.succeed(release, undefined)
      assert.strictEqual(yield* Fiber.join(first), "[\"first file\"]")
      // Both buffers are back: the next reads reuse them and still read right.
      assert.strictEqual(yield* reader.read(at("a.json"), (bytes) => Effect.succeed(textOf(bytes))), "[\"first file\"]")
    })
  )

  it.scoped("a use that fails fails the read, and the next read still reads right", () =>
    Effect.gen(function* () {
      const { fs, reader, at } = yield* opened
      const path = at("store.json")
      yield* fs.writeFileString(path, "[1]")
      const failed = yield* Effect.flip(reader.read(path, () => Effect.fail("refused" as const)))
      assert.strictEqual(failed, "refused")
      yield* fs.writeFileString(path, "[2]")
      assert.strictEqual(yield* reader.read(path, (bytes) => Effect.succeed(textOf(bytes))), "[2]")
    })
  )

  it.scoped("a missing file is the file system's NotFound, and `use` is not run", () =>
    Effect.gen(function* () {
      const { reader, at } = yield* opened
      let used = false
      const error = yield* Effect.flip(
        reader.read(at("missing.json"), () =>
          Effect.sync(() => {
            used = true
          })
        )
      )
      assert.deepStrictEqual([error._tag, error._tag === "SystemError" && error.reason, used], ["SystemError", "NotFound", false])
    })
  )
})
