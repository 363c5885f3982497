import * as FileSystem from "@effect/platform/FileSystem"
import type { PlatformError } from "@effect/platform/Error"
import { Effect, Random } from "effect"
import * as NodePath from "node:path"

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

const tempPattern = (path: string): RegExp =>
  new RegExp(`^${escapeRegExp(NodePath.basename(path))}\\.\\d+-\\d+\\.tmp$`)

/** fsync of a folder, so that a rename inside it survives a power cut. */
const syncDirectory = (fs: FileSystem.FileSystem, directory: string) =>
  Effect.scoped(Effect.flatMap(fs.open(directory, { flag: "r" }), (handle) => handle.sync))

/**
 * Writes `bytes` to a fresh temp file next to `path` (mode 0600) and fsyncs it; returns
 * its path. A failed write removes it.
 */
const writeTemp = (fs: FileSystem.FileSystem, path: string, bytes: Uint8Array) =>
  Effect.gen(function* () {
    const suffix = yield* Random.nextIntBetween(0, 2 ** 31 - 1)
    const temp = `${path}.${process.pid}-${suffix}.tmp`
    const write = Effect.scoped(
      Effect.gen(function* () {
        const handle = yield* fs.open(temp, { flag: "wx", mode: 0o600 })
        yield* handle.writeAll(bytes)
        yield* handle.sync
      })
    )
    yield* Effect.onError(write, () => Effect.ignore(fs.remove(temp)))
    return temp
  })

/**
 * Replaces `path` with `bytes` so that a crash at any moment leaves either the old file or
 * the new one: a temp file in the same folder, fsync, rename, fsync the folder. The
 * result has mode 0600; a failed write removes its temp file.
 */
export const writeAtomic = (
  path: string,
  bytes: Uint8Array
): Effect.Effect<void, PlatformError, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const temp = yield* writeTemp(fs, path, bytes)
    yield* Effect.onError(
      Effect.zipRight(fs.rename(temp, path), syncDirectory(fs, NodePath.dirname(path))),
      () => Effect.ignore(fs.remove(temp))
    )
  })

/**
 * Whether `writeAtomic` of `size` bytes next to `path` could go through now (disk space,
 * a read-only file system, permissions): writes and fsyncs a temp file of zeros that size,
 * then removes it. The store itself is not touched.
 */
export const probeWrite = (path: string, size: number): Effect.Effect<void, PlatformError, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    yield* fs.remove(yield* writeTemp(fs, path, new Uint8Array(size)))
  })

/**
 * Removes the temp files that `writeAtomic` left next to `path` when an earlier process
 * died mid-write; returns how many. Only safe while holding the store's writer lock.
 */
export const removeStaleTemps = (path: string): Effect.Effect<number, PlatformError, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const directory = NodePath.dirname(path)
    const pattern = tempPattern(path)
    const stale = (yield* fs.readDirectory(directory)).filter((name) => pattern.test(name))
    yield* Effect.forEach(stale, (name) => fs.remove(NodePath.join(directory, name), { force: true }), {
      discard: true
    })
    return stale.length
  })
