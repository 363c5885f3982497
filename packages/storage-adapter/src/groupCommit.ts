import { type IdentityLockedError, type PatEntry, type SaveGuard, StoreUnavailableError } from "@gittensor-pat/core"
import { Chunk, Deferred, Effect, Either, Fiber, Queue, type Scope } from "effect"
import { entryOn } from "./entryIndex.js"
import type { StagedStore, StoreFile } from "./storeFile.js"
import { upsert } from "./wire.js"

interface PendingSave {
  readonly entry: PatEntry
  readonly guard: SaveGuard
  readonly done: Deferred.Deferred<void, StoreUnavailableError | IdentityLockedError>
}

/** A commit's write of the file, opened while the file is read (see `StoreFile.stage`). */
export type CommitWrite = Pick<StagedStore, "write" | "discard">

/** What the group commit reads and writes through. */
export interface CommitFile extends Pick<StoreFile, "read"> {
  /** Opens the write of a batch of saves of `entries`. */
  readonly stage: (entries: ReadonlyArray<PatEntry>) => Effect.Effect<CommitWrite, StoreUnavailableError, Scope.Scope>
  /**
   * Looks, without changing anything, whether a write may go ahead now (the writer lock
   * is held), and gives what must run before the write: nothing when it may, else what
   * would make it so or refuse (taking the lock back). Started alongside the read, so
   * that its round trip is not added to the save's; what it gives runs only once the read
   * succeeded and the guards have decided, as if all of it ran just before the write.
   */
  readonly permit: Effect.Effect<Effect.Effect<void, StoreUnavailableError>>
}

/**
 * Applies a batch as if its saves ran one after another (each guard sees the entries the
 * earlier ones left), then writes once: one read and two fsyncs for the whole batch
 * instead of per save. A failed read, permit or write fails every save it would have carried.
 *
 * The write's files are opened while the file is read (a failure to open them counts
 * only if there is something to write), and the saves are answered before the files the
 * commit opened are closed: file-system round trips the saves would otherwise wait for.
 */
const commit = (file: CommitFile, batch: ReadonlyArray<PendingSave>) =>
  Effect.gen(function* () {
    // Forked rather than run through `Effect.all`: on the broadcast path, whose code stays
    // cold, `Effect.all`'s concurrency machinery cost ~0.8 ms more than two forks.
    const permit = yield* Effect.fork(file.permit)
    const stage = yield* Effect.fork(Effect.either(file.stage(batch.map((p) => p.entry))))
    const read = yield* Effect.either(file.read)
    const beforeWrite = yield* Fiber.join(permit)
    const staged = yield* Fiber.join(stage)
    // A commit that writes nothing leaves the folder as it was before it answers.
    const discard = Either.match(staged, { onLeft: () => Effect.void, onRight: (s) => s.discard })
    if (Either.isLeft(read)) {
      yield* discard
      return yield* Effect.forEach(batch, (p) => Deferred.fail(p.done, read.left))
    }
    let stored = read.right
    const carried: Array<PendingSave> = []
    const refused: Array<readonly [PendingSave, IdentityLockedError]> = []
    for (const pending of batch) {
      const verdict = yield* Effect.either(pending.guard(entryOn(stored, pending.entry.uid)))
      if (Either.isLeft(verdict)) {
        refused.push([pending, verdict.left])
        continue
      }
      stored = upsert(stored, pending.entry)
      carried.push(pending)
    }
    if (carried.length === 0) yield* discard
    yield* Effect.forEach(refused, ([p, error]) => Deferred.fail(p.done, error))
    if (carried.length === 0) return
    const write = Either.match(staged, { onLeft: Effect.fail, onRight: (s) => s.write(stored) })
    const written = yield* Effect.exit(Effect.zipRight(beforeWrite, write))
    yield* Effect.forEach(carried, (p) => Deferred.done(p.done, written))
  }).pipe(Effect.scoped)

/**
 * Serialised saves with group commit: one writer fiber (for the life of the scope) takes
 * every save queued while it was writing and commits them together. A save, once queued,
 * runs to the end: no deadline cuts a write, and closing the scope lets the batch under
 * way finish, then fails the saves still queued.
 */
export const makeGroupCommit = (
  file: CommitFile
): Effect.Effect<
  (entry: PatEntry, guard: SaveGuard) => Effect.Effect<void, StoreUnavailableError | IdentityLockedError>,
  never,
  Scope.Scope
> =>
  Effect.gen(function* () {
    const queue = yield* Queue.unbounded<PendingSave>()
    const closed = () => new StoreUnavailableError({ operation: "write", detail: "the PAT store is closed" })
    yield* Effect.forkScoped(
      Effect.forever(
        Effect.flatMap(Queue.takeBetween(queue, 1, Number.POSITIVE_INFINITY), (chunk) => {
          const batch = Chunk.toReadonlyArray(chunk)
          // A guard that dies must fail its batch (nothing of it is written yet), not the
          // writer fiber, or every later save would wait forever.
          return commit(file, batch).pipe(
            Effect.catchAllCause((cause) => Effect.forEach(batch, (p) => Deferred.failCause(p.done, cause))),
            Effect.uninterruptible
          )
        })
      )
    )
    // Added after the writer, so it runs before the writer is interrupted: the shut queue
    // ends the writer by itself once the batch under way is done. Effect 3.22.4 can lose
    // an interruption that arrives while a finalizer runs (the commit's files close after
    // its saves were answered, so a close of the store can land there), which would leave
    // the close waiting for the writer forever.
    yield* Effect.addFinalizer(() =>
      Queue.takeAll(queue).pipe(
        Effect.flatMap((left) => Effect.forEach(left, (p) => Deferred.fail(p.done, closed()))),
        Effect.zipRight(Queue.shutdown(queue))
      )
    )
    return (entry, guard) =>
      Effect.gen(function* () {
        if (yield* Queue.isShutdown(queue)) return yield* closed()
        const done = yield* Deferred.make<void, StoreUnavailableError | IdentityLockedError>()
        yield* Queue.offer(queue, { entry, guard, done })
        return yield* Deferred.await(done)
      })
  })
