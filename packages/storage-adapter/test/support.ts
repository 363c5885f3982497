import * as FileSystem from "@effect/platform/FileSystem"
import { GitHubId, Hotkey, PatEntry, PatStore, type SaveGuard, Uid } from "@gittensor-pat/core"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { Context, Effect, Layer, Logger, Redacted } from "effect"
import * as NodePath from "node:path"
import { FileStamps, nodeFileStamp } from "../src/fileStamp.js"
import { JsonFilePatStore, StoreStatus } from "../src/index.js"

/** A store path inside a fresh temp folder (removed with the scope), one folder deeper than exists. */
export const tempStorePath = Effect.gen(function* () {
  const fs = yield* FileSystem.FileSystem
  const directory = yield* fs.makeTempDirectoryScoped({ prefix: "pat-store-" })
  return NodePath.join(directory, "data", "miner_pats.json")
})

/** The store at `path` and its status, open for the life of the scope. */
export const storeAt = (path: string, options: Omit<JsonFilePatStore.Options, "path"> = {}) =>
  Effect.map(JsonFilePatStore.make({ path, ...options }), (context) => ({
    store: Context.get(context, PatStore),
    status: Context.get(context, StoreStatus)
  }))

/** A fresh store in a temp folder, with the file system and the store's path. */
export const openStore = Effect.gen(function* () {
  const fs = yield* FileSystem.FileSystem
  const path = yield* tempStorePath
  const { store } = yield* storeAt(path)
  return { fs, path, store }
})

/** The secret every test entry's token carries, so that tests can look for leaks. */
export const secretMarker = "LEAKME"

/** A valid entry on `uid`; `seed` varies the hotkey, token and GitHub id. */
export const entryOf = (uid: number, seed: number | string = uid) =>
  new PatEntry({
    uid: Uid.make(uid),
    hotkey: Hotkey.make(`5Hotkey${seed}`),
    pat: Redacted.make(`ghp_${secretMarker}${seed}x`),
    githubId: GitHubId.make(`${1000 + uid}-${seed}`),
    storedAt: "2026-11-26T18:00:00.000Z"
  })

/** A guard that lets every save through. */
export const allowAll: SaveGuard = () => Effect.void

/** Runs `self` with every log line it writes collected into `lines`, formatted as logfmt. */
export const capturingLogs = <A, E, R>(self: Effect.Effect<A, E, R>, lines: Array<string>) =>
  Effect.provide(
    self,
    Logger.replace(
      Logger.defaultLogger,
      Logger.map(Logger.logfmtLogger, (line) => {
        lines.push(line)
      })
    )
  )

/** The store's file stamps (its stat on a check's path) with `stamp` replaced; `override` is handed Node's. */
export const fileStampsWith = (override: (stamp: typeof nodeFileStamp) => typeof nodeFileStamp) =>
  Layer.succeed(FileStamps, { stamp: override(nodeFileStamp) })

/** Node's file system with some of its methods replaced; `override` is handed the real one. */
export const nodeFileSystemWith = (override: (fs: FileSystem.FileSystem) => Partial<FileSystem.FileSystem>) =>
  Layer.effect(
    FileSystem.FileSystem,
    Effect.map(FileSystem.FileSystem, (fs) => FileSystem.FileSystem.of({ ...fs, ...override(fs) }))
  ).pipe(Layer.provide(NodeFileSystem.layer))
