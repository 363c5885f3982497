import { IdentityLockedError, StoreUnavailableError, Uid } from "@gittensor-pat/core"
import { assert, it } from "@effect/vitest"
import { Deferred, Effect, Either, Ref } from "effect"
import { type CommitFile, makeGroupCommit } from "../src/groupCommit.js"
import type { StoredEntry } from "../src/wire.js"
import { allowAll, entryOf } from "./support.js"

const unavailable = (operation: "read" | "write", detail: string) => new StoreUnavailableError({ operation, detail })

/** A commit file in memory: `written` holds every write; read, permit and stage can be replaced. */
const memoryFile = (overrides: Partial<CommitFile> = {}) =>
  Effect.gen(function* () {
    const written = yield* Ref.make<ReadonlyArray<ReadonlyArray<StoredEntry>>>([])
    const file: CommitFile = {
      read: Effect.map(Ref.get(written), (writes) => writes.at(-1) ?? []),
      stage: () =>
        Effect.succeed({ write: (stored) => Ref.update(written, (writes) => [...writes, stored]), discard: Effect.void }),
      permit: Effect.succeed(Effect.void),
      ...overrides
    }
    return { file, written }
  })

/**
 * A read that gives `started` time to happen while it is under way, then looks: started
 * only after the read, it has not happened yet, and the read fails naming `what`.
 */
const readExpecting = (started: Deferred.Deferred<void>, what: string) =>
  Effect.sleep("50 millis").pipe(
    Effect.zipRight(Deferred.isDone(started)),
    Effect.filterOrFail(
      (done) => done,
      () => unavailable("read", `${what} did not start while the file was read`)
    ),
    Effect.as([])
  )

it.scopedLive("the permit is asked alongside the read, not after it", () =>
  Effect.gen(function* () {
    const permitStarted = yield* Deferred.make<void>()
    const { file, written } = yield* memoryFile({
      read: readExpecting(permitStarted, "the permit"),
      permit: Effect.as(Deferred.succeed(permitStarted, undefined), Effect.void)
    })
    const save = yield* makeGroupCommit(file)
    assert.deepStrictEqual(yield* Effect.either(save(entryOf(1), allowAll)), Either.right(undefined))
    assert.strictEqual((yield* Ref.get(written)).length, 1)
  })
)

it.scoped("a refused permit fails the save with its error and writes nothing", () =>
  Effect.gen(function* () {
    const lost = unavailable("write", "the single-writer lock is lost")
    const { file, written } = yield* memoryFile({ permit: Effect.succeed(Effect.fail(lost)) })
    const save = yield* makeGroupCommit(file)
    assert.deepStrictEqual(yield* Effect.flip(save(entryOf(1), allowAll)), lost)
    assert.deepStrictEqual(yield* Ref.get(written), [])
  })
)

it.scoped("the guards decide before the permit: a refused guard is the save's answer even without a permit", () =>
  Effect.gen(function* () {
    const { file, written } = yield* memoryFile({ permit: Effect.succeed(Effect.fail(unavailable("write", "lock lost"))) })
    const save = yield* makeGroupCommit(file)
    const refused = yield* Effect.flip(save(entryOf(2), () => new IdentityLockedError({ uid: Uid.make(2) })))
    assert.strictEqual(refused._tag, "IdentityLockedError")
    assert.deepStrictEqual(yield* Ref.get(written), [])
  })
)

it.scoped("an unreadable store is the save's answer, whatever the permit says", () =>
  Effect.gen(function* () {
    const unreadable = unavailable("read", "miner_pats.json is not valid JSON")
    const { file } = yield* memoryFile({
      read: Effect.fail(unreadable),
      permit: Effect.succeed(Effect.fail(unavailable("write", "lock lost")))
    })
    const save = yield* makeGroupCommit(file)
    assert.deepStrictEqual(yield* Effect.flip(save(entryOf(3), allowAll)), unreadable)
  })
)

it.scoped("what the permit gives (taking the lock back) runs only after a read that succeeded", () =>
  Effect.gen(function* () {
    const taken = yield* Ref.make(0)
    const takeBack = Ref.update(taken, (n) => n + 1)
    const unreadable = unavailable("read", "miner_pats.json has disappeared")
    const failing = yield* memoryFile({ read: Effect.fail(unreadable), permit: Effect.succeed(takeBack) })
    assert.deepStrictEqual(yield* Effect.flip((yield* makeGroupCommit(failing.file))(entryOf(4), allowAll)), unreadable)
    assert.strictEqual(yield* Ref.get(taken), 0)
    const readable = yield* memoryFile({ permit: Effect.succeed(takeBack) })
    yield* (yield* makeGroupCommit(readable.file))(entryOf(4), allowAll)
    assert.strictEqual(yield* Ref.get(taken), 1)
  })
)

it.scopedLive("the write's files are opened alongside the read, not after it", () =>
  Effect.gen(function* () {
    const staged = yield* Deferred.make<void>()
    const memory = yield* memoryFile()
    const { file, written } = yield* memoryFile({
      read: readExpecting(staged, "the write's files"),
      stage: (entries) => Effect.zipRight(Deferred.succeed(staged, undefined), memory.file.stage(entries))
    })
    const save = yield* makeGroupCommit(file)
    assert.deepStrictEqual(yield* Effect.either(save(entryOf(1), allowAll)), Either.right(undefined))
    assert.deepStrictEqual([(yield* Ref.get(memory.written)).length, (yield* Ref.get(written)).length], [1, 0])
  })
)

it.scoped("the saves are answered before the files the commit opened are closed", () =>
  Effect.gen(function* () {
    // The read's and the write's files close only once the save has been answered: closing
    // them first would wait forever.
    const answered = yield* Deferred.make<void>()
    const closed = yield* Ref.make<ReadonlyArray<string>>([])
    const closesAfterAnswer = (name: string) =>
      Effect.addFinalizer(() => Effect.zipRight(Deferred.await(answered), Ref.update(closed, (names) => [...names, name])))
    const { file, written } = yield* memoryFile()
    const save = yield* makeGroupCommit({
      ...file,
      read: Effect.zipRight(closesAfterAnswer("read"), file.read),
      stage: (entries) => Effect.zipRight(closesAfterAnswer("stage"), file.stage(entries))
    })
    yield* save(entryOf(1), allowAll)
    assert.strictEqual((yield* Ref.get(written)).length, 1)
    assert.deepStrictEqual(yield* Ref.get(closed), [])
    yield* Deferred.succeed(answered, undefined)
    // One writer: the next save is committed only once the first commit closed its files.
    yield* save(entryOf(2), allowAll)
    assert.deepStrictEqual([...(yield* Ref.get(closed))].slice(0, 2).sort(), ["read", "stage"])
  })
)

it.scoped("the write's files failing to open fails the saves that would write, and only those", () =>
  Effect.gen(function* () {
    const full = unavailable("write", "ENOSPC: no space left on device")
    const { file, written } = yield* memoryFile({ stage: () => Effect.fail(full) })
    const save = yield* makeGroupCommit(file)
    assert.deepStrictEqual(yield* Effect.flip(save(entryOf(1), allowAll)), full)
    const refused = yield* Effect.flip(save(entryOf(2), () => new IdentityLockedError({ uid: Uid.make(2) })))
    assert.strictEqual(refused._tag, "IdentityLockedError")
    assert.deepStrictEqual(yield* Ref.get(written), [])
  })
)
