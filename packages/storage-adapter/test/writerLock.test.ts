import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { assert, layer } from "@effect/vitest"
import { Effect, Exit, Option, Scope } from "effect"
import { spawn } from "node:child_process"
import * as NodePath from "node:path"
import { JsonFilePatStore } from "../src/index.js"
import { allowAll, entryOf, storeAt, tempStorePath } from "./support.js"

/** A Node process kept alive until the scope closes; succeeds with its pid. */
const liveProcess = Effect.acquireRelease(
  Effect.sync(() => spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" })),
  (child) => Effect.sync(() => child.kill("SIGKILL"))
).pipe(Effect.map((child) => child.pid!))

/** The pid of a process that has run and exited. */
const deadPid = Effect.async<number>((resume) => {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" })
  child.on("exit", () => resume(Effect.succeed(child.pid!)))
})

layer(NodeFileSystem.layer)("the single-writer lock", (it) => {
  it.scoped("a second opening of the same store is refused with the owner's pid, until the first closes", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const path = yield* tempStorePath
      const first = yield* Scope.make()
      yield* JsonFilePatStore.make({ path }).pipe(Scope.extend(first))
      assert.strictEqual((yield* fs.readFileString(`${path}.lock`)).trim(), String(process.pid))
      const refused = yield* Effect.flip(Effect.scoped(JsonFilePatStore.make({ path })))
      assert.strictEqual(refused._tag, "StoreLockedError")
      assert.include(refused.message, `already open for writing by process ${process.pid}`)
      assert.include(refused.message, `${path}.lock`)
      yield* Scope.close(first, Exit.void)
      assert.isFalse(yield* fs.exists(`${path}.lock`))
      const { store: again } = yield* storeAt(path)
      yield* again.save(entryOf(1), allowAll)
    })
  )

  it.scoped("closing the store releases the lock, and a save on the closed store fails instead of hanging", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const path = yield* tempStorePath
      const scope = yield* Scope.make()
      const { store } = yield* storeAt(path).pipe(Scope.extend(scope))
      yield* store.save(entryOf(1), allowAll)
      yield* Scope.close(scope, Exit.void)
      assert.isFalse(yield* fs.exists(`${path}.lock`))
      const refused = yield* Effect.flip(store.save(entryOf(2), allowAll))
      assert.deepStrictEqual([refused._tag, refused._tag === "StoreUnavailableError" && refused.detail], [
        "StoreUnavailableError",
        "the PAT store is closed"
      ])
    })
  )

  it.scoped("a lock naming a live process is refused and left in place", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const path = yield* tempStorePath
      const owner = yield* liveProcess
      yield* fs.makeDirectory(NodePath.dirname(path), { recursive: true })
      yield* fs.writeFileString(`${path}.lock`, `${owner}\n`)
      const refused = yield* Effect.flip(JsonFilePatStore.make({ path }))
      assert.deepStrictEqual(refused._tag === "StoreLockedError" && refused.ownerPid, Option.some(owner))
      assert.strictEqual(yield* fs.readFileString(`${path}.lock`), `${owner}\n`)
    })
  )

  for (const [name, content] of [
    ["a dead process", deadPid.pipe(Effect.map((pid) => `${pid}\n`))],
    ["nobody (left empty by a writer killed while taking it)", Effect.succeed("")]
  ] as const) {
    it.scoped(`a lock left by ${name} is taken over`, () =>
      Effect.gen(function* () {
        const fs = yield* FileSystem.FileSystem
        const path = yield* tempStorePath
        yield* fs.makeDirectory(NodePath.dirname(path), { recursive: true })
        yield* fs.writeFileString(`${path}.lock`, yield* content)
        const { store } = yield* storeAt(path)
        assert.strictEqual((yield* fs.readFileString(`${path}.lock`)).trim(), String(process.pid))
        yield* store.save(entryOf(1), allowAll)
      })
    )
  }

  it.scoped("a lock naming this very process but held by no store in it (left by an earlier process with the same pid, as pid 1 in a container) is taken over", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const path = yield* tempStorePath
      yield* fs.makeDirectory(NodePath.dirname(path), { recursive: true })
      yield* fs.writeFileString(`${path}.lock`, `${process.pid}\n`)
      const { store } = yield* storeAt(path)
      yield* store.save(entryOf(1), allowAll)
      assert.strictEqual((yield* Effect.flip(Effect.scoped(storeAt(path))))._tag, "StoreLockedError")
    })
  )

  it.scoped("opening removes the temp files of an earlier crashed writer, and only those", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const path = yield* tempStorePath
      const directory = NodePath.dirname(path)
      yield* fs.makeDirectory(directory, { recursive: true })
      const names = ["miner_pats.json.4242-17.tmp", "miner_pats.json.backup.tmp", "other.json.1-2.tmp", "notes.txt"]
      yield* Effect.forEach(names, (name) => fs.writeFileString(NodePath.join(directory, name), "[]"))
      yield* JsonFilePatStore.make({ path })
      assert.deepStrictEqual((yield* fs.readDirectory(directory)).sort(), [
        "miner_pats.json.backup.tmp",
        "miner_pats.json.lock",
        "notes.txt",
        "other.json.1-2.tmp"
      ])
    })
  )
})
