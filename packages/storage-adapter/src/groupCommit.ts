import type { IdentityLockedError, PatEntry, SaveGuard, StoreUnavailableError, Uid } from "@gittensor-pat/core"
import { Array as Arr, Deferred, Effect, Either, Option, Ref } from "effect"
import type { StoreFile } from "./storeFile.js"
import { type StoredEntry, upsert } from "./wire.js"

/** The entry on `uid` (the last one, should a hand-edited file hold several). */
export const entryOn = (stored: ReadonlyArray<StoredEntry>, uid: Uid): Option.Option<PatEntry> =>
  Option.map(
    Arr.findLast(stored, (s) => s.entry.uid === uid),
    (s) => s.entry
  )

interface PendingSave {
  readonly entry: PatEntry
  readonly guard: SaveGuard
  readonly done: Deferred.Deferred<void, StoreUnavailableError | IdentityLockedError>
}

/**
 * Applies a batch as if its saves ran one after another (each guard sees the entries the
 * earlier ones left), then writes once: one read and two fsyncs for the whole batch
 * instead of per save. A failed read or write fails every save it would have carried.
 */
const commit = (file: StoreFile, batch: ReadonlyArray<PendingSave>) =>
  Effect.gen(function* () {
    const read = yield* Effect.either(file.read)
    if (Either.isLeft(read)) return yield* Effect.forEach(batch, (p) => Deferred.fail(p.done, read.left))
    let stored = read.right
    const carried: Array<PendingSave> = []
    for (const pending of batch) {
      const verdict = yield* Effect.either(pending.guard(entryOn(stored, pending.entry.uid)))
      if (Either.isLeft(verdict)) {
        yield* Deferred.fail(pending.done, verdict.left)
        continue
      }
      stored = upsert(stored, pending.entry)
      carried.push(pending)
    }
    if (carried.length === 0) return
    const written = yield* Effect.exit(file.write(stored))
    yield* Effect.forEach(carried, (p) => Deferred.done(p.done, written))
  })

/**
 * Serialised saves with group commit: saves that arrive while a write is under way wait
 * for it and then go to disk together. Each caller waits for its own outcome, and a save,
 * once started, runs to the end: no deadline or shutdown cuts a write.
 */
export const makeGroupCommit = (file: StoreFile) =>
  Effect.gen(function* () {
    const writers = yield* Effect.makeSemaphore(1)
    const queued = yield* Ref.make<ReadonlyArray<PendingSave>>([])
    const drain = Effect.flatMap(Ref.getAndSet(queued, []), (batch) =>
      batch.length === 0 ? Effect.void : commit(file, batch)
    )
    return (entry: PatEntry, guard: SaveGuard): Effect.Effect<void, StoreUnavailableError | IdentityLockedError> =>
      Effect.uninterruptible(
        Effect.gen(function* () {
          const done = yield* Deferred.make<void, StoreUnavailableError | IdentityLockedError>()
          yield* Ref.update(queued, Arr.append({ entry, guard, done }))
          // Whoever holds the lock next writes everything queued, this save included.
          yield* writers.withPermits(1)(drain)
          return yield* Deferred.await(done)
        })
      )
  })
