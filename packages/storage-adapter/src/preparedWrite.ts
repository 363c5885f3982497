import type { PatEntry, StoreUnavailableError } from "@gittensor-pat/core"
import { Deferred, Effect, Exit, FiberId, Option, Scope } from "effect"
import type { CommitWrite } from "./groupCommit.js"
import type { StoreFile } from "./storeFile.js"
import { type StoredEntry, upsert } from "./wire.js"

/** A temp file holding the store as a save of one entry would leave it, durably. */
interface Filled {
  /** The entries last read or written when the fill began, which `stored` was made from. */
  readonly basis: ReadonlyArray<StoredEntry>
  readonly stored: ReadonlyArray<StoredEntry>
  readonly publish: Effect.Effect<void, StoreUnavailableError>
  readonly discard: Effect.Effect<void>
  /** Holds the temp file and the folder open. */
  readonly scope: Scope.CloseableScope
}

interface Prepared {
  readonly entry: PatEntry
  /** `undefined` when the fill failed: the save then writes as if nothing was prepared. */
  readonly filled: Deferred.Deferred<Filled | undefined>
}

/** Writes prepared ahead of their saves; see `makePreparedWrite`. */
export interface PreparedWrite {
  /** See `PatStore.prepare`. */
  readonly prepare: (entry: PatEntry) => Effect.Effect<void, never, Scope.Scope>
  /**
   * What a commit of `batch` writes through: the write prepared for it when the batch is
   * that one entry, else a fresh `StoreFile.stage`.
   */
  readonly stage: (batch: ReadonlyArray<PatEntry>) => Effect.Effect<CommitWrite, StoreUnavailableError, Scope.Scope>
}

// Whether two versions of the entries are the same, without encoding them: the entries a
// read or write left are shared between versions, and an upserted one is made from its
// `PatEntry` alone.
const sameEntries = (a: ReadonlyArray<StoredEntry>, b: ReadonlyArray<StoredEntry>): boolean =>
  a.length === b.length && a.every((s, i) => s === b[i] || s.entry === b[i]?.entry)

/**
 * One write prepared at a time, while the store is idle: the store as the save of `entry`
 * would leave it, applied to the entries last read or written, encoded, written to a temp
 * file and fsynced, while the caller waits for something else (a broadcast for GitHub).
 * When that save comes, its commit still reads the file and runs the guard; if the read
 * found the entries the write was prepared on, all that is left is the rename and the
 * folder's fsync, and otherwise the commit writes afresh. A prepared write that no save
 * takes is removed when its caller's scope closes, without holding the caller up.
 *
 * Preparing spends a write on a save that may never come (a broadcast GitHub rejects), so
 * it is done only while no save is under way (`idle`): under load, where saves queue
 * anyway, it would only add writes.
 */
export const makePreparedWrite = (
  file: Pick<StoreFile, "known" | "stage">,
  idle: () => boolean
): Effect.Effect<PreparedWrite, never, Scope.Scope> =>
  Effect.gen(function* () {
    const storeScope = yield* Effect.scope
    let slot: Prepared | undefined

    // A failure is not reported here: the save, if it comes, writes afresh and reports its own.
    const fill = (prepared: Prepared) =>
      Effect.gen(function* () {
        const scope = yield* Scope.make()
        const basis = yield* file.known
        const stored = upsert(basis, prepared.entry)
        const filled = yield* Effect.flatMap(file.stage, (staged) =>
          Effect.map(staged.fill(stored), (publish): Filled => ({ basis, stored, publish, discard: staged.discard, scope }))
        ).pipe(Scope.extend(scope), Effect.tapError(() => Scope.close(scope, Exit.void)), Effect.option)
        yield* Deferred.succeed(prepared.filled, Option.getOrUndefined(filled))
      })

    // A file call is never cut short: the fill is waited for, then what it opened is closed
    // and its temp file removed.
    const drop = (prepared: Prepared) =>
      Effect.flatMap(Deferred.await(prepared.filled), (filled) =>
        filled === undefined ? Effect.void : Scope.close(filled.scope, Exit.void)
      )

    // Uninterruptible, so that a slot taken always has its fill and its finalizer (the
    // fibers it forks inherit that, and so run to the end even once the store closes).
    const prepare = (entry: PatEntry) =>
      Effect.uninterruptible(
        Effect.gen(function* () {
          const prepared = yield* Effect.sync(() => {
            if (slot !== undefined || !idle()) return undefined
            slot = { entry, filled: Deferred.unsafeMake<Filled | undefined>(FiberId.none) }
            return slot
          })
          if (prepared === undefined) return
          yield* Effect.forkIn(fill(prepared), storeScope)
          yield* Effect.addFinalizer(() =>
            Effect.suspend(() => {
              if (slot !== prepared) return Effect.void
              slot = undefined
              return Effect.forkIn(drop(prepared), storeScope)
            })
          )
        })
      )

    const stage = (batch: ReadonlyArray<PatEntry>) =>
      Effect.gen(function* () {
        const prepared = slot
        if (prepared === undefined || batch.length !== 1 || batch[0] !== prepared.entry) return yield* file.stage
        slot = undefined
        const filled = yield* Deferred.await(prepared.filled)
        if (filled === undefined) return yield* file.stage
        // Closed with the commit's own files, after its saves are answered.
        yield* Effect.addFinalizer(() => Scope.close(filled.scope, Exit.void))
        // Another write since the fill began: the file no longer holds what it was filled on,
        // so the commit's own files are opened now, alongside its read, not after it.
        if ((yield* file.known) !== filled.basis) return yield* Effect.zipRight(filled.discard, file.stage)
        return {
          write: (stored) =>
            sameEntries(stored, filled.stored)
              ? filled.publish
              : Effect.zipRight(filled.discard, Effect.scoped(Effect.flatMap(file.stage, (staged) => staged.write(stored)))),
          discard: filled.discard
        } satisfies CommitWrite
      })

    return { prepare, stage }
  })
