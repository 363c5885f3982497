import * as FileSystem from "@effect/platform/FileSystem"
import type { PlatformError } from "@effect/platform/Error"
import { StoreUnavailableError } from "@gittensor-pat/core"
import { Data, Effect, Exit, Option, Scope } from "effect"
import { isSystemError } from "./storeFile.js"

/** Another live process already holds the store open for writing. */
export class StoreLockedError extends Data.TaggedError("StoreLockedError")<{
  readonly lockPath: string
  readonly ownerPid: Option.Option<number>
}> {
  override get message(): string {
    const owner = Option.match(this.ownerPid, {
      onNone: () => "another process",
      onSome: (pid) => `process ${pid}`
    })
    return `The PAT store is already open for writing by ${owner} (lock file ${this.lockPath}). Stop that validator first; if no validator is running, delete the lock file.`
  }
}

/** The single-writer lock of one store, taken by `acquireWriterLock`. */
export interface WriterLock {
  readonly lockPath: string
  /** Why this store no longer holds the lock (its file was removed or replaced), or none while it does. */
  readonly lost: Effect.Effect<Option.Option<string>>
  /** `lost`, logged (once per loss) if so. */
  readonly noticed: Effect.Effect<void>
  /**
   * Succeeds while the lock is held. A lost lock is taken again first if nobody else holds
   * it (its file is gone, or names a dead process); otherwise fails, and saves must not write.
   */
  readonly hold: Effect.Effect<void, StoreUnavailableError>
}

/** One holding of the lock file: the open descriptor and the file it is. */
interface Held {
  /** Keeps the lock file open, so that its inode cannot be reused while we compare against it. */
  readonly scope: Scope.CloseableScope
  /** Device and inode of the lock file we created. */
  readonly identity: string
}

// Which store in this process holds each lock path: a lock file naming our own pid is
// ours only if one of them does (otherwise it is a stale one from an earlier process that
// had our pid, as pid 1 in a container, or a copy restored from a backup).
const heldInThisProcess = new Map<string, Held>()

const parsePid = (text: string): Option.Option<number> =>
  /^\d+$/.test(text.trim()) ? Option.some(Number(text.trim())) : Option.none()

// EPERM means the process exists but belongs to someone else: alive all the same.
const isAlive = (pid: number): Effect.Effect<boolean> =>
  Effect.try(() => process.kill(pid, 0)).pipe(
    Effect.as(true),
    Effect.catchAll(({ error }) =>
      Effect.succeed(typeof error === "object" && error !== null && "code" in error && error.code === "EPERM")
    )
  )

const identityOf = (info: FileSystem.File.Info): string => `${info.dev}:${Option.getOrElse(info.ino, () => -1)}`

/**
 * Holds `<store>.lock`, which names the owner's pid, for the life of the scope. A lock left
 * by a dead process (or left empty by one killed while taking it) is taken over.
 *
 * The lock file can vanish under a running validator (its folder deleted) or be replaced
 * (a second validator started meanwhile); `lost` and `hold` see that by comparing the file
 * at the lock path with the one this store keeps open. On release the file is removed only
 * if it is still ours.
 */
export const acquireWriterLock = (
  storePath: string
): Effect.Effect<WriterLock, StoreLockedError | PlatformError, FileSystem.FileSystem | Scope.Scope> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const lockPath = `${storePath}.lock`
    const create = Effect.gen(function* () {
      const scope = yield* Scope.make()
      const identity = yield* Effect.gen(function* () {
        const handle = yield* fs.open(lockPath, { flag: "wx", mode: 0o600 })
        yield* handle.writeAll(new TextEncoder().encode(`${process.pid}\n`))
        yield* handle.sync
        return identityOf(yield* handle.stat)
      }).pipe(
        Scope.extend(scope),
        Effect.onError((cause) => Scope.close(scope, Exit.failCause(cause)))
      )
      return { scope, identity } satisfies Held
    })
    const owner = fs.readFileString(lockPath).pipe(
      Effect.map(parsePid),
      Effect.catchIf(isSystemError("NotFound"), () => Effect.succeed(Option.none<number>()))
    )
    const refuse = Effect.flatMap(owner, (ownerPid) => new StoreLockedError({ lockPath, ownerPid }))
    // `mine` is this store's earlier holding, when it is taking the lock back.
    const takenElsewhere = (ownerPid: Option.Option<number>, mine: Held | undefined) =>
      Option.match(ownerPid, {
        onNone: () => Effect.succeed(false),
        onSome: (pid) =>
          pid === process.pid
            ? Effect.succeed(heldInThisProcess.has(lockPath) && heldInThisProcess.get(lockPath) !== mine)
            : isAlive(pid)
      })
    const take = (mine: Held | undefined) =>
      Effect.catchIf(create, isSystemError("AlreadyExists"), () =>
        Effect.gen(function* () {
          const ownerPid = yield* owner
          if (yield* takenElsewhere(ownerPid, mine)) return yield* new StoreLockedError({ lockPath, ownerPid })
          yield* fs.remove(lockPath, { force: true })
          // Whoever recreates the lock first after the removal wins; the other is refused.
          return yield* Effect.catchIf(create, isSystemError("AlreadyExists"), () => refuse)
        })
      ).pipe(Effect.tap((held) => Effect.sync(() => heldInThisProcess.set(lockPath, held))))

    let held = yield* take(undefined)
    let lossLogged = false
    const lost = Effect.suspend(() =>
      fs.stat(lockPath).pipe(
        Effect.flatMap((info) =>
          identityOf(info) === held.identity
            ? Effect.succeedNone
            : Effect.map(owner, (pid) =>
                Option.some(
                  `the lock file ${lockPath} was replaced, and now names ${Option.match(pid, {
                    onNone: () => "no process",
                    onSome: (p) => `process ${p}`
                  })}`
                )
              )
        ),
        Effect.catchAll((error) =>
          Effect.succeedSome(
            isSystemError("NotFound")(error)
              ? `the lock file ${lockPath} was removed`
              : `the lock file ${lockPath} cannot be checked (${error.message})`
          )
        )
      )
    )
    // Says so once per loss (a loss lasts until the lock is taken back: we keep the old file open).
    const noticed = Effect.gen(function* () {
      const reason = yield* lost
      if (Option.isNone(reason) || lossLogged) return reason
      lossLogged = true
      yield* Effect.logError(
        `This validator lost the PAT store's single-writer lock: ${reason.value}. Saves are refused until it holds the lock again (it takes it back by itself once the store is readable and no other validator holds it).`
      )
      return reason
    })
    const semaphore = yield* Effect.makeSemaphore(1)
    const hold = semaphore.withPermits(1)(
      Effect.gen(function* () {
        const reason = yield* noticed
        if (Option.isNone(reason)) return
        const taken = yield* Effect.either(take(held))
        if (taken._tag === "Left") {
          return yield* new StoreUnavailableError({
            operation: "write",
            detail: `the single-writer lock is lost (${reason.value}), and taking it back failed: ${taken.left.message}`
          })
        }
        yield* Scope.close(held.scope, Exit.void)
        held = taken.right
        lossLogged = false
        yield* Effect.logWarning(`This validator holds the PAT store's single-writer lock ${lockPath} again; saves resume`)
      })
    )
    yield* Effect.addFinalizer(() =>
      Effect.gen(function* () {
        if (Option.isNone(yield* lost)) yield* Effect.ignore(fs.remove(lockPath))
        if (heldInThisProcess.get(lockPath) === held) heldInThisProcess.delete(lockPath)
        yield* Scope.close(held.scope, Exit.void)
      })
    )
    return { lockPath, lost, noticed: Effect.asVoid(noticed), hold }
  })
