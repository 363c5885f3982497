import * as FileSystem from "@effect/platform/FileSystem"
import type { PlatformError } from "@effect/platform/Error"
import { StoreUnavailableError } from "@gittensor-pat/core"
import { Effect, Either, Ref } from "effect"
import { writeAtomic } from "./atomicWrite.js"
import { decodeFile, encodeFile, type StoredEntry } from "./wire.js"

/** Maps a file-system failure; PlatformError messages name the path and the syscall, never the content. */
export const unavailable = (operation: "read" | "write") => (error: PlatformError) =>
  new StoreUnavailableError({ operation, detail: error.message })

/** Whether a file-system failure is the operating system's answer `reason`. */
export const isSystemError = (reason: "AlreadyExists" | "NotFound") => (error: PlatformError) =>
  error._tag === "SystemError" && error.reason === reason

/** The store file's entries, read and written whole. */
export interface StoreFile {
  /** The entries on file now; a missing file is an empty store. */
  readonly read: Effect.Effect<ReadonlyArray<StoredEntry>, StoreUnavailableError>
  /** Replaces the file atomically with `stored`. */
  readonly write: (stored: ReadonlyArray<StoredEntry>) => Effect.Effect<void, StoreUnavailableError>
}

/**
 * Every read really reads the file, but decoding (most of a read's cost at thousands of
 * entries) is redone only when the text differs from the text last read or written.
 */
export const makeStoreFile = (path: string): Effect.Effect<StoreFile, never, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const last = yield* Ref.make<{ readonly text: string; readonly stored: ReadonlyArray<StoredEntry> }>({
      text: "[]",
      stored: []
    })
    const read = Effect.gen(function* () {
      const text = yield* fs.readFileString(path).pipe(
        Effect.catchIf(isSystemError("NotFound"), () => Effect.succeed("[]")),
        Effect.mapError(unavailable("read"))
      )
      const seen = yield* Ref.get(last)
      if (text === seen.text) return seen.stored
      const stored = yield* Either.mapLeft(
        decodeFile(text),
        (reason) => new StoreUnavailableError({ operation: "read", detail: `${path} ${reason}` })
      )
      yield* Ref.set(last, { text, stored })
      return stored
    })
    const write = (stored: ReadonlyArray<StoredEntry>) => {
      const text = encodeFile(stored)
      return writeAtomic(path, text).pipe(
        Effect.provideService(FileSystem.FileSystem, fs),
        Effect.mapError(unavailable("write")),
        Effect.zipRight(Ref.set(last, { text, stored }))
      )
    }
    return { read, write }
  })
