import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { type PatEntry, PatStore, type SaveGuard, type StoreUnavailableError, type Uid } from "@gittensor-pat/core"
import { Array as Arr, Config, type ConfigError, Context, type Duration, Effect, Layer, Option, type Scope } from "effect"
import * as NodePath from "node:path"
import { removeStaleTemps } from "./atomicWrite.js"
import { indexedEntryOn } from "./entryIndex.js"
import { makeGroupCommit } from "./groupCommit.js"
import { makePreparedWrite } from "./preparedWrite.js"
import { realStorePath } from "./realStorePath.js"
import { isSystemError, makeStoreFile, unavailable } from "./storeFile.js"
import { makeSaveRecord, StoreStatus } from "./StoreStatus.js"
import { watchStore } from "./watchStore.js"
import { emptyFile } from "./wire.js"
import { acquireWriterLock, type StoreLockedError } from "./writerLock.js"

/** Where the store lives. */
export interface Options {
  /** The JSON file (symlinks are followed once, at start); its folder is created if missing. */
  readonly path: string
  /** How often the store's lock, readability and failing saves are looked after. Default 2 seconds. */
  readonly watchInterval?: Duration.DurationInput
}

/** The path when `GITTENSOR_MINER_PATS_FILE` is unset or empty (relative to the cwd). */
export const defaultPath = "data/miner_pats.json"

/**
 * Creates the store file as `[]` if it does not exist (where a symlink points, if `path` is
 * one); an existing file, even a corrupt one, is left alone.
 */
export const ensure = (path: string): Effect.Effect<void, StoreUnavailableError, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    yield* fs.writeFile(yield* realStorePath(path), emptyFile, { flag: "wx", mode: 0o600 })
  }).pipe(
    Effect.catchIf(isSystemError("AlreadyExists"), () => Effect.void),
    Effect.mapError(unavailable("write"))
  )

/**
 * The `PatStore` over one JSON file, interchangeable with the Python validator's
 * `miner_pats.json`, and its `StoreStatus`. The path is resolved once (see `realStorePath`).
 * Holds the single-writer lock for the life of the scope (a save writes only while it
 * still does), removes temp files left by an earlier crashed writer, and watches the store
 * (see `watchStore`).
 */
export const make = (
  options: Options
): Effect.Effect<
  Context.Context<PatStore | StoreStatus>,
  StoreLockedError | StoreUnavailableError,
  FileSystem.FileSystem | Scope.Scope
> =>
  Effect.gen(function* () {
    const path = yield* realStorePath(options.path).pipe(Effect.mapError(unavailable("write")))
    if (path !== NodePath.resolve(options.path)) yield* Effect.logInfo(`PAT store ${options.path} is ${path}`)
    const lock = yield* acquireWriterLock(path).pipe(
      Effect.catchTags({ BadArgument: unavailable("write"), SystemError: unavailable("write") })
    )
    const removed = yield* removeStaleTemps(path).pipe(Effect.mapError(unavailable("write")))
    if (removed > 0) yield* Effect.logWarning("Removed temp files left by an interrupted PAT store write", { removed })
    const file = yield* makeStoreFile(path)
    const saves = yield* makeSaveRecord
    // Saves queued or being written: a write is prepared only while there are none.
    let saving = 0
    const prepared = yield* makePreparedWrite(file, () => saving === 0)
    // The lock is only looked at alongside the read; taking it back waits until the read
    // succeeded, as in `watchStore` (a lock file put back into a folder being deleted).
    const saveInBatch = yield* makeGroupCommit({
      read: file.read,
      stage: prepared.stage,
      permit: Effect.map(lock.lost, (reason) => (Option.isNone(reason) ? Effect.void : lock.hold))
    })
    yield* watchStore(file, lock, saves, options.watchInterval ?? "2 seconds")

    // No span on get and save (a check's path): even with the tracer off, one captures a
    // stack per call.
    const get = Effect.fnUntraced(function* (uid: Uid) {
      return indexedEntryOn(yield* file.readCurrent, uid)
    })

    const save = (entry: PatEntry, guard: SaveGuard) =>
      Effect.acquireUseRelease(
        Effect.sync(() => {
          saving += 1
        }),
        () =>
          saveInBatch(entry, guard).pipe(
            Effect.tapErrorTag("StoreUnavailableError", saves.failed),
            Effect.zipLeft(saves.succeeded)
          ),
        () =>
          Effect.sync(() => {
            saving -= 1
          })
      )

    const snapshot = Effect.scoped(file.read).pipe(
      Effect.map(Arr.map((s) => s.entry)),
      Effect.catchTag("StoreUnavailableError", (error) =>
        Effect.as(
          Effect.logError("PAT store unreadable: this scoring round sees no PATs", { detail: error.detail }),
          []
        )
      ),
      Effect.withSpan("JsonFilePatStore.snapshot")
    )

    const health = Effect.gen(function* () {
      const lockError = yield* lock.lost
      const { failing, last } = yield* saves.state
      return { lockError, savesFailing: failing, lastSaveFailure: last }
    })
    return Context.make(PatStore, PatStore.of({ get, prepare: prepared.prepare, save, snapshot })).pipe(
      Context.add(StoreStatus, StoreStatus.of({ health }))
    )
  })

/** The store at `options.path` and its status, over the provided `FileSystem`. */
export const layer = (
  options: Options
): Layer.Layer<PatStore | StoreStatus, StoreLockedError | StoreUnavailableError, FileSystem.FileSystem> =>
  Layer.scopedContext(make(options))

/** `layer` with Node's file system. */
export const layerNode = (
  options: Options
): Layer.Layer<PatStore | StoreStatus, StoreLockedError | StoreUnavailableError> =>
  Layer.provide(layer(options), NodeFileSystem.layer)

/** The path from `GITTENSOR_MINER_PATS_FILE` (when set and non-empty), else `defaultPath`. */
export const pathConfig: Config.Config<string> = Config.string("GITTENSOR_MINER_PATS_FILE").pipe(
  Config.withDefault(""),
  Config.map((path) => (path.trim() === "" ? defaultPath : path))
)

/** `layer` with its path from the environment (see `pathConfig`). */
export const layerConfig: Layer.Layer<
  PatStore | StoreStatus,
  StoreLockedError | StoreUnavailableError | ConfigError.ConfigError,
  FileSystem.FileSystem
> = Layer.unwrapEffect(Effect.map(pathConfig, (path) => layer({ path })))
