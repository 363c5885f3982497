import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { IdentityLockedError, type PatEntry, type PatStore, Uid } from "@gittensor-pat/core"
import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Exit, FastCheck as fc, Option, Runtime, Schedule, Scope } from "effect"
import * as NodePath from "node:path"
import { type DiskFault, diskFull, failingDisk } from "../src/testing/index.js"
import { allowAll, entryOf, nodeFileSystemWith, storeAt, tempStorePath } from "./support.js"

const storeTest = (
  name: string,
  body: (fault: DiskFault, path: string) => Effect.Effect<void, unknown, FileSystem.FileSystem | Scope.Scope>
) =>
  it.scopedLive(name, () => {
    const fault: DiskFault = { current: undefined }
    return Effect.flatMap(tempStorePath, (path) => body(fault, path)).pipe(Effect.provide(failingDisk(fault)))
  })

/** The temp files next to the store at `path`. */
const tempsNextTo = (path: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const folder = NodePath.dirname(path)
    const names = (yield* fs.readDirectory(folder)).filter((name) => name.endsWith(".tmp"))
    return yield* Effect.forEach(names, (name) => fs.readFileString(NodePath.join(folder, name)))
  })

const poll = Schedule.addDelay(Schedule.recurs(200), () => "10 millis")

/** Waits until the one temp file next to the store holds `uids` (a prepared write done). */
const preparedWith = (path: string, uids: ReadonlyArray<number>) =>
  tempsNextTo(path).pipe(
    Effect.filterOrFail(
      (temps) => temps.length === 1 && JSON.stringify(uidsIn(temps[0] ?? "")) === JSON.stringify(uids),
      () => "no prepared write"
    ),
    Effect.retry(poll)
  )

/** Waits until no temp file is left next to the store. */
const noTempsLeft = (path: string) =>
  tempsNextTo(path).pipe(
    Effect.filterOrFail(
      (temps) => temps.length === 0,
      () => "a temp file is left"
    ),
    Effect.retry(poll)
  )

const uidsIn = (text: string): ReadonlyArray<number> => {
  try {
    return (JSON.parse(text) as ReadonlyArray<{ uid: number }>).map((e) => e.uid)
  } catch {
    return []
  }
}

const storedUids = (store: PatStore["Type"]) =>
  Effect.map(store.snapshot, (entries) => entries.map((e) => [e.uid, e.githubId]))

/** `store.prepare(entry)` in a scope of its own, closed by the caller. */
const prepareIn = (store: PatStore["Type"], entry: PatEntry) =>
  Effect.gen(function* () {
    const scope = yield* Scope.make()
    yield* Scope.extend(store.prepare(entry), scope)
    return scope
  })

/** A store at `path` holding uid 0, with a save of uid 1 prepared and its temp file filled. */
const preparedAt = (path: string) =>
  Effect.gen(function* () {
    const { store } = yield* storeAt(path, { watchInterval: "1 hour" })
    yield* store.save(entryOf(0), allowAll)
    const entry = entryOf(1)
    const scope = yield* prepareIn(store, entry)
    yield* preparedWith(path, [0, 1])
    return { store, entry, scope }
  })

/**
 * Node's file system counting the temp files created (`gate.tempsCreated`), whose reads of
 * the store wait for `gate.opened` while `gate.shut` is set (holding a save in its commit).
 */
const gatedFileSystem = Effect.gen(function* () {
  const gate = { opened: yield* Deferred.make<void>(), shut: false, tempsCreated: 0 }
  const fileSystem = nodeFileSystemWith((fs) => ({
    open: (path, options) =>
      Effect.suspend(() => {
        if (options?.flag === "wx" && path.endsWith(".tmp")) gate.tempsCreated += 1
        const wait = gate.shut && options?.flag === "r" && path.endsWith(".json") ? Deferred.await(gate.opened) : Effect.void
        return Effect.zipRight(wait, fs.open(path, options))
      })
  }))
  return { gate, fileSystem }
})

describe("JsonFilePatStore prepares a save announced ahead of it", () => {
  storeTest("a prepared save is written before it is asked for: the save then needs no new file", (fault, path) =>
    Effect.gen(function* () {
      const { store, entry, scope } = yield* preparedAt(path)
      // Nothing is stored until the save comes.
      assert.deepStrictEqual(yield* storedUids(store), [[0, "1000-0"]])
      // A disk that refuses new files now would fail any save that opens one.
      fault.current = diskFull
      yield* store.save(entry, allowAll)
      fault.current = undefined
      yield* Scope.close(scope, Exit.void)
      assert.deepStrictEqual(yield* storedUids(store), [[0, "1000-0"], [1, "1001-1"]])
      assert.deepStrictEqual(Option.map(yield* store.get(Uid.make(1)), (e) => e.storedAt), Option.some(entry.storedAt))
      const info = yield* (yield* FileSystem.FileSystem).stat(path)
      assert.strictEqual(info.mode & 0o777, 0o600)
      assert.deepStrictEqual(yield* tempsNextTo(path), [])
    })
  )

  storeTest("the file changed after the write was prepared: the save reads it and writes afresh, keeping the change", (_, path) =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const { store, entry, scope } = yield* preparedAt(path)
      // Another writer (an operator's edit) puts uid 2 in.
      const onFile = JSON.parse(yield* fs.readFileString(path)) as Array<unknown>
      yield* fs.writeFileString(path, JSON.stringify([...onFile, { ...(onFile[0] as object), uid: 2 }], null, 2))
      yield* store.save(entry, allowAll)
      yield* Scope.close(scope, Exit.void)
      assert.deepStrictEqual(yield* storedUids(store), [[0, "1000-0"], [2, "1000-0"], [1, "1001-1"]])
      yield* noTempsLeft(path)
    })
  )

  storeTest("a prepared save that never comes changes nothing: its temp file goes when the scope closes", (_, path) =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const { scope } = yield* preparedAt(path)
      const before = yield* fs.readFileString(path)
      yield* Scope.close(scope, Exit.void)
      yield* noTempsLeft(path)
      assert.strictEqual(yield* fs.readFileString(path), before)
    })
  )

  storeTest("a guard refusing the prepared save writes nothing", (_, path) =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const { store, entry, scope } = yield* preparedAt(path)
      const before = yield* fs.readFileString(path)
      const refused = yield* Effect.flip(store.save(entry, () => new IdentityLockedError({ uid: Uid.make(1) })))
      assert.strictEqual(refused._tag, "IdentityLockedError")
      assert.strictEqual(yield* fs.readFileString(path), before)
      yield* Scope.close(scope, Exit.void)
      yield* noTempsLeft(path)
    })
  )

  for (const [what, spoil] of [
    ["corrupt", (fs: FileSystem.FileSystem, path: string) => fs.writeFileString(path, "[{ not json")],
    ["deleted", (fs: FileSystem.FileSystem, path: string) => fs.remove(path)]
  ] as const) {
    storeTest(`fail closed: the file ${what} when the prepared save comes → the save fails and writes nothing`, (_, path) =>
      Effect.gen(function* () {
        const fs = yield* FileSystem.FileSystem
        const { store, entry, scope } = yield* preparedAt(path)
        yield* spoil(fs, path)
        const after = (yield* fs.exists(path)) ? Option.some(yield* fs.readFileString(path)) : Option.none()
        const refused = yield* Effect.flip(store.save(entry, allowAll))
        assert.strictEqual(refused._tag, "StoreUnavailableError")
        assert.deepStrictEqual((yield* fs.exists(path)) ? Option.some(yield* fs.readFileString(path)) : Option.none(), after)
        yield* Scope.close(scope, Exit.void)
        yield* noTempsLeft(path)
      })
    )
  }

  storeTest("a save of another entry while one is prepared writes that entry, not the prepared one", (_, path) =>
    Effect.gen(function* () {
      const { store } = yield* storeAt(path, { watchInterval: "1 hour" })
      const scope = yield* prepareIn(store, entryOf(1))
      yield* preparedWith(path, [1])
      yield* store.save(entryOf(1, "other"), allowAll)
      assert.deepStrictEqual(yield* storedUids(store), [[1, "1001-other"]])
      yield* Scope.close(scope, Exit.void)
      yield* noTempsLeft(path)
    })
  )

  storeTest("a write that could not be prepared (a full disk) is made by the save", (fault, path) =>
    Effect.gen(function* () {
      const { store } = yield* storeAt(path, { watchInterval: "1 hour" })
      const entry = entryOf(1)
      fault.current = diskFull
      const scope = yield* prepareIn(store, entry)
      yield* Effect.sleep("50 millis")
      fault.current = undefined
      yield* store.save(entry, allowAll)
      yield* Scope.close(scope, Exit.void)
      assert.deepStrictEqual(yield* storedUids(store), [[1, "1001-1"]])
      yield* noTempsLeft(path)
    })
  )
})

it.scopedLive("nothing is prepared while a save is under way: under load it would only add writes", () =>
  Effect.gen(function* () {
    const { gate, fileSystem } = yield* gatedFileSystem
    yield* Effect.gen(function* () {
      const path = yield* tempStorePath
      const { store } = yield* storeAt(path, { watchInterval: "1 hour" })
      gate.shut = true
      const saving = yield* Effect.fork(store.save(entryOf(0), allowAll))
      yield* Effect.sleep("50 millis")
      const created = gate.tempsCreated
      yield* Scope.close(yield* prepareIn(store, entryOf(1)), Exit.void)
      yield* Effect.sleep("50 millis")
      assert.strictEqual(gate.tempsCreated, created)
      yield* Deferred.succeed(gate.opened, undefined)
      yield* Effect.fromFiber(saving)
      // Idle again: the next prepare writes ahead.
      const scope = yield* prepareIn(store, entryOf(1))
      yield* preparedWith(path, [0, 1])
      yield* Scope.close(scope, Exit.void)
    }).pipe(
      // A failure must not leave the held save waiting at the gate (the store's close waits for it).
      Effect.ensuring(Deferred.succeed(gate.opened, undefined)),
      Effect.provide(fileSystem)
    )
  })
)

type Step =
  | { readonly _tag: "prepare"; readonly uid: number; readonly seed: number }
  | { readonly _tag: "save"; readonly prepared: boolean; readonly uid: number; readonly seed: number; readonly allow: boolean }
  | { readonly _tag: "saveTwo"; readonly uids: readonly [number, number] }
  | { readonly _tag: "release" }
  | { readonly _tag: "edit"; readonly uid: number }

const uidArb = fc.integer({ min: 0, max: 3 })
const seedArb = fc.integer({ min: 0, max: 2 })
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ _tag: fc.constant("prepare" as const), uid: uidArb, seed: seedArb }), weight: 3 },
  {
    arbitrary: fc.record({
      _tag: fc.constant("save" as const),
      prepared: fc.boolean(),
      uid: uidArb,
      seed: seedArb,
      allow: fc.boolean()
    }),
    weight: 4
  },
  { arbitrary: fc.record({ _tag: fc.constant("saveTwo" as const), uids: fc.tuple(uidArb, uidArb) }), weight: 1 },
  { arbitrary: fc.record({ _tag: fc.constant("release" as const) }), weight: 1 },
  { arbitrary: fc.record({ _tag: fc.constant("edit" as const), uid: uidArb }), weight: 2 }
)

it.scopedLive(
  "whatever is prepared, saved, refused, released or edited by hand in between, the file holds what was saved",
  () =>
    Effect.gen(function* () {
      const runtime = yield* Effect.runtime<FileSystem.FileSystem>()
      const run = (steps: ReadonlyArray<Step>) =>
        Effect.scoped(
          Effect.gen(function* () {
            const fs = yield* FileSystem.FileSystem
            const path = yield* tempStorePath
            const { store } = yield* storeAt(path, { watchInterval: "1 hour" })
            const model = new Map<number, string>()
            let prepared: { readonly entry: PatEntry; readonly scope: Scope.CloseableScope } | undefined
            const release = Effect.suspend(() => {
              const open = prepared
              prepared = undefined
              return open === undefined ? Effect.void : Scope.close(open.scope, Exit.void)
            })
            for (const step of steps) {
              switch (step._tag) {
                case "prepare": {
                  yield* release
                  const entry = entryOf(step.uid, step.seed)
                  prepared = { entry, scope: yield* prepareIn(store, entry) }
                  break
                }
                case "save": {
                  const entry = step.prepared && prepared !== undefined ? prepared.entry : entryOf(step.uid, step.seed)
                  const guard = step.allow ? allowAll : () => new IdentityLockedError({ uid: entry.uid })
                  const saved = yield* Effect.either(store.save(entry, guard))
                  assert.strictEqual(saved._tag, step.allow ? "Right" : "Left")
                  if (step.allow) model.set(entry.uid, entry.githubId)
                  break
                }
                case "saveTwo": {
                  const [a, b] = step.uids.map((uid) => entryOf(uid, "two")) as [PatEntry, PatEntry]
                  yield* Effect.all([store.save(a, allowAll), store.save(b, allowAll)], { concurrency: 2 })
                  model.set(a.uid, a.githubId).set(b.uid, b.githubId)
                  break
                }
                case "release":
                  yield* release
                  break
                case "edit": {
                  const onFile = (yield* fs.exists(path))
                    ? (JSON.parse(yield* fs.readFileString(path)) as Array<{ uid: number }>)
                    : []
                  const raw = { uid: step.uid, hotkey: "5ByHand", pat: "ghp_byhand", github_id: "hand", stored_at: "2026-01-01T00:00:00+00:00" }
                  yield* fs.writeFileString(path, JSON.stringify([...onFile.filter((e) => e.uid !== step.uid), raw]))
                  model.set(step.uid, "hand")
                  break
                }
              }
            }
            const onFile = (yield* store.snapshot).map((e): [number, string] => [e.uid, e.githubId])
            assert.sameDeepMembers(onFile, [...model.entries()])
            yield* release
            yield* noTempsLeft(path)
          })
        )
      yield* Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(fc.array(stepArb, { maxLength: 8 }), (steps) => Runtime.runPromise(runtime)(run(steps))),
          { numRuns: 150 }
        )
      )
    }).pipe(Effect.provide(NodeFileSystem.layer)),
  60_000
)

it.scopedLive("a prepared write another save overtook is set aside at once: the save's own files open alongside its read", () =>
  Effect.gen(function* () {
    const { gate, fileSystem } = yield* gatedFileSystem
    yield* Effect.gen(function* () {
      const path = yield* tempStorePath
      const { store } = yield* storeAt(path, { watchInterval: "1 hour" })
      const entry = entryOf(1)
      const scope = yield* prepareIn(store, entry)
      yield* preparedWith(path, [1])
      yield* store.save(entryOf(2), allowAll)
      gate.shut = true
      const created = gate.tempsCreated
      const saving = yield* Effect.fork(store.save(entry, allowAll))
      yield* Effect.sleep("50 millis")
      assert.strictEqual(gate.tempsCreated, created + 1)
      yield* Deferred.succeed(gate.opened, undefined)
      yield* Effect.fromFiber(saving)
      yield* Scope.close(scope, Exit.void)
      assert.deepStrictEqual(yield* storedUids(store), [[2, "1002-2"], [1, "1001-1"]])
      yield* noTempsLeft(path)
    }).pipe(Effect.ensuring(Deferred.succeed(gate.opened, undefined)), Effect.provide(fileSystem))
  })
)
