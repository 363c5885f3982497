import * as FileSystem from "@effect/platform/FileSystem"
import type { PlatformError } from "@effect/platform/Error"
import { Effect, Random, type Scope } from "effect"
import * as NodePath from "node:path"

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

const tempPattern = (path: string): RegExp =>
  new RegExp(`^${escapeRegExp(NodePath.basename(path))}\\.\\d+-\\d+\\.tmp$`)

interface Temp {
  readonly handle: FileSystem.File
  /** Renames the temp file to `target`; nothing removes it after that. */
  readonly moveTo: (target: string) => Effect.Effect<void, PlatformError>
  /** Removes the temp file now, unless it was moved or removed already. */
  readonly discard: Effect.Effect<void>
}

/**
 * A fresh temp file next to `path` (mode 0600), open for writing. The scope closes it and
 * removes it unless it was moved.
 */
const openTemp = (fs: FileSystem.FileSystem, path: string): Effect.Effect<Temp, PlatformError, Scope.Scope> =>
  Effect.gen(function* () {
    const suffix = yield* Random.nextIntBetween(0, 2 ** 31 - 1)
    const temp = `${path}.${process.pid}-${suffix}.tmp`
    const handle = yield* fs.open(temp, { flag: "wx", mode: 0o600 })
    let settled = false
    const discard = Effect.suspend(() => {
      if (settled) return Effect.void
      settled = true
      return Effect.ignore(fs.remove(temp))
    })
    // Runs before the handle's own close (finalizers run last first): removing an open file is fine.
    yield* Effect.addFinalizer(() => discard)
    return {
      handle,
      moveTo: (target) =>
        Effect.map(fs.rename(temp, target), () => {
          settled = true
        }),
      discard
    }
  })

/** What `stageAtomic` opened, waiting for the bytes. */
export interface StagedWrite {
  /** Puts `bytes` in the temp file and fsyncs it; once, before `publish`. */
  readonly fill: (bytes: Uint8Array) => Effect.Effect<void, PlatformError>
  /** Renames the filled temp file over the file and fsyncs the folder; once. */
  readonly publish: Effect.Effect<void, PlatformError>
  /** Removes the temp file now, for a caller that will not publish and answers before its scope closes. */
  readonly discard: Effect.Effect<void>
}

/**
 * Opens what replacing `path` atomically needs: a fresh temp file next to it, and its
 * folder. Filled with the bytes, the staged write fsyncs the temp file; published, it
 * renames it over `path` and fsyncs the folder, so that a crash at any moment leaves
 * either the old file or the new one; the result has mode 0600. A failed fill or publish
 * removes its temp file before it fails; the scope closes both files (after the caller has
 * answered, if it answers inside the scope) and removes a temp file that was never
 * published, unless `discard` already did.
 *
 * Opened while the store is read and closed after the saves are answered, the write's
 * part of a save is four file-system round trips instead of eight: on an idle machine
 * each costs a thread wake-up both ways, ~0.4 ms here (bench/README.md).
 */
export const stageAtomic = (path: string): Effect.Effect<StagedWrite, PlatformError, FileSystem.FileSystem | Scope.Scope> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const temp = yield* openTemp(fs, path)
    const folder = yield* fs.open(NodePath.dirname(path), { flag: "r" })
    return {
      fill: (bytes) =>
        Effect.zipRight(temp.handle.writeAll(bytes), temp.handle.sync).pipe(Effect.onError(() => temp.discard)),
      publish: Effect.zipRight(
        temp.moveTo(path),
        // The rename survives a power cut only once the folder is on disk too.
        folder.sync
      ).pipe(Effect.onError(() => temp.discard)),
      discard: temp.discard
    }
  })

/**
 * Whether a write of `size` bytes next to `path` could go through now (disk space, a
 * read-only file system, permissions): writes and fsyncs a temp file of zeros that size,
 * then removes it. The store itself is not touched.
 */
export const probeWrite = (path: string, size: number): Effect.Effect<void, PlatformError, FileSystem.FileSystem> =>
  Effect.scoped(
    Effect.gen(function* () {
      const { handle } = yield* openTemp(yield* FileSystem.FileSystem, path)
      yield* handle.writeAll(new Uint8Array(size))
      yield* handle.sync
    })
  )

/**
 * Removes the temp files that a write left next to `path` when an earlier process died
 * mid-write; returns how many. Only safe while holding the store's writer lock.
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
