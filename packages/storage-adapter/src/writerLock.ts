import * as FileSystem from "@effect/platform/FileSystem"
import type { PlatformError } from "@effect/platform/Error"
import { Data, Effect, Option, type Scope } from "effect"
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

/**
 * Holds `<store>.lock`, which names the owner's pid, for the life of the scope. A lock left
 * by a dead process (or left empty by one killed while taking it) is taken over.
 */
export const acquireWriterLock = (
  storePath: string
): Effect.Effect<void, StoreLockedError | PlatformError, FileSystem.FileSystem | Scope.Scope> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const lockPath = `${storePath}.lock`
    const create = Effect.scoped(
      Effect.gen(function* () {
        const handle = yield* fs.open(lockPath, { flag: "wx", mode: 0o600 })
        yield* handle.writeAll(new TextEncoder().encode(`${process.pid}\n`))
        yield* handle.sync
      })
    )
    const owner = fs.readFileString(lockPath).pipe(
      Effect.map(parsePid),
      Effect.catchIf(isSystemError("NotFound"), () => Effect.succeed(Option.none<number>()))
    )
    const refuse = Effect.flatMap(owner, (ownerPid) => new StoreLockedError({ lockPath, ownerPid }))
    const takeOverIfStale = Effect.gen(function* () {
      const ownerPid = yield* owner
      const alive = yield* Option.match(ownerPid, { onNone: () => Effect.succeed(false), onSome: isAlive })
      if (alive) return yield* new StoreLockedError({ lockPath, ownerPid })
      yield* fs.remove(lockPath, { force: true })
      // Whoever recreates the lock first after the removal wins; the other is refused.
      yield* Effect.catchIf(create, isSystemError("AlreadyExists"), () => refuse)
    })
    yield* Effect.acquireRelease(
      Effect.catchIf(create, isSystemError("AlreadyExists"), () => takeOverIfStale),
      () => Effect.ignore(fs.remove(lockPath))
    )
  })
