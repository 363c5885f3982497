import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { type PatEntry, PatStore, type SaveGuard, type StoreUnavailableError, type Uid } from "@gittensor-pat/core"
import { Array as Arr, Config, type ConfigError, type Context, Effect, Layer, type Scope } from "effect"
import * as NodePath from "node:path"
import { removeStaleTemps } from "./atomicWrite.js"
import { isSystemError, makeStoreFile, unavailable } from "./storeFile.js"
import { indexedEntryOn } from "./entryIndex.js"
import { makeGroupCommit } from "./groupCommit.js"
import { acquireWriterLock, type StoreLockedError } from "./writerLock.js"

/** Where the store lives. */
export interface Options {
  /** The JSON file; its folder is created if missing. */
  readonly path: string
}

/** The path when `GITTENSOR_MINER_PATS_FILE` is unset or empty (relative to the cwd). */
export const defaultPath = "data/miner_pats.json"

/**
 * Creates the store file as `[]` if it does not exist; an existing file, even a corrupt
 * one, is left alone.
 */
export const ensure = (path: string): Effect.Effect<void, StoreUnavailableError, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    yield* fs.makeDirectory(NodePath.dirname(path), { recursive: true })
    yield* fs.writeFileString(path, "[]", { flag: "wx", mode: 0o600 })
  }).pipe(
    Effect.catchIf(isSystemError("AlreadyExists"), () => Effect.void),
    Effect.mapError(unavailable("write"))
  )

/**
 * The `PatStore` over one JSON file, interchangeable with the Python validator's
 * `miner_pats.json`. Holds the single-writer lock for the life of the scope and removes
 * temp files left by an earlier crashed writer.
 */
export const make = (
  options: Options
): Effect.Effect<Context.Tag.Service<PatStore>, StoreLockedError | StoreUnavailableError, FileSystem.FileSystem | Scope.Scope> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const path = NodePath.resolve(options.path)
    yield* fs.makeDirectory(NodePath.dirname(path), { recursive: true }).pipe(Effect.mapError(unavailable("write")))
    yield* acquireWriterLock(path).pipe(
      Effect.catchTags({ BadArgument: unavailable("write"), SystemError: unavailable("write") })
    )
    const removed = yield* removeStaleTemps(path).pipe(Effect.mapError(unavailable("write")))
    if (removed > 0) yield* Effect.logWarning("Removed temp files left by an interrupted PAT store write", { removed })
    const file = yield* makeStoreFile(path)
    const saveInBatch = yield* makeGroupCommit(file)

    // No span on get and save (a check's path): even with the tracer off, one costs ~20 µs
    // per call (a stack capture).
    const get = Effect.fnUntraced(function* (uid: Uid) {
      return indexedEntryOn(yield* file.readCurrent, uid)
    })

    const save = Effect.fnUntraced(function* (entry: PatEntry, guard: SaveGuard) {
      return yield* saveInBatch(entry, guard)
    })

    const snapshot = file.read.pipe(
      Effect.map(Arr.map((s) => s.entry)),
      Effect.catchTag("StoreUnavailableError", (error) =>
        Effect.as(
          Effect.logError("PAT store unreadable: this scoring round sees no PATs", { detail: error.detail }),
          []
        )
      ),
      Effect.withSpan("JsonFilePatStore.snapshot")
    )

    return PatStore.of({ get, save, snapshot })
  })

/** The store at `options.path`, over the provided `FileSystem`. */
export const layer = (
  options: Options
): Layer.Layer<PatStore, StoreLockedError | StoreUnavailableError, FileSystem.FileSystem> =>
  Layer.scoped(PatStore, make(options))

/** `layer` with Node's file system. */
export const layerNode = (options: Options): Layer.Layer<PatStore, StoreLockedError | StoreUnavailableError> =>
  Layer.provide(layer(options), NodeFileSystem.layer)

/** The path from `GITTENSOR_MINER_PATS_FILE` (when set and non-empty), else `defaultPath`. */
export const pathConfig: Config.Config<string> = Config.string("GITTENSOR_MINER_PATS_FILE").pipe(
  Config.withDefault(""),
  Config.map((path) => (path.trim() === "" ? defaultPath : path))
)

/** `layer` with its path from the environment (see `pathConfig`). */
export const layerConfig: Layer.Layer<
  PatStore,
  StoreLockedError | StoreUnavailableError | ConfigError.ConfigError,
  FileSystem.FileSystem
> = Layer.unwrapEffect(Effect.map(pathConfig, (path) => layer({ path })))
