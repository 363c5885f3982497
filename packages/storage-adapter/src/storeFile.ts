import * as FileSystem from "@effect/platform/FileSystem"
import type { PlatformError } from "@effect/platform/Error"
import { StoreUnavailableError } from "@gittensor-pat/core"
import { Clock, Effect, Either, Option, Ref } from "effect"
import { writeAtomic } from "./atomicWrite.js"
import { singleFlight } from "./singleFlight.js"
import { decodeFile, encodeFile, type StoredEntry } from "./wire.js"

/** Maps a file-system failure; PlatformError messages name the path and the syscall, never the content. */
export const unavailable = (operation: "read" | "write") => (error: PlatformError) =>
  new StoreUnavailableError({ operation, detail: error.message })

/** Whether a file-system failure is the operating system's answer `reason`. */
export const isSystemError = (reason: "AlreadyExists" | "NotFound") => (error: PlatformError) =>
  error._tag === "SystemError" && error.reason === reason

/** The store file's entries, read and written whole. */
export interface StoreFile {
  /** The entries on file now, really read; a missing file is an empty store. */
  readonly read: Effect.Effect<ReadonlyArray<StoredEntry>, StoreUnavailableError>
  /**
   * The entries on file now, as `read` gives them, but without reading the file while its
   * `stat` shows it unchanged since a read that can be trusted, and sharing one stat among
   * the callers that ask while it is under way (see `makeStoreFile`).
   */
  readonly readCurrent: Effect.Effect<ReadonlyArray<StoredEntry>, StoreUnavailableError>
  /** Replaces the file atomically with `stored`. */
  readonly write: (stored: ReadonlyArray<StoredEntry>) => Effect.Effect<void, StoreUnavailableError>
}

// A file's modification time comes from a coarse clock, so a write in the same tick as a
// read can leave size and mtime as that read saw them; only a file whose mtime was already
// this far in the past when it was stat'ed can be trusted unchanged while its stat stays so.
const settledMs = 1_000

interface Seen {
  readonly text: string
  readonly stored: ReadonlyArray<StoredEntry>
  /** The stat of the file the text was read from, when that stat may vouch for it later. */
  readonly settled: string | undefined
}

const statKey = (info: FileSystem.File.Info): string =>
  `${Option.getOrElse(info.ino, () => -1)}:${info.size}:${Option.match(info.mtime, { onNone: () => "?", onSome: (d) => d.getTime() })}`

const isSettled = (info: FileSystem.File.Info, statAtMs: number): boolean =>
  Option.match(info.mtime, { onNone: () => false, onSome: (mtime) => mtime.getTime() <= statAtMs - settledMs })

/**
 * Decoding (most of a read's cost at thousands of entries) is redone only when the text
 * differs from the text last read or written. `readCurrent` (a check's path) skips the read
 * itself while the file's inode, size and mtime are those of a settled earlier read; any
 * other change, and any error, goes to the file, so a corrupt or unreadable file is still
 * an error.
 *
 * Under load hundreds of checks ask within one stat's round trip, and a stat per check was
 * a visible share of a check's CPU, so a get that arrives while another's stat (and read,
 * if it needs one) is under way takes that answer. The bound on staleness: that stat began
 * at most one round trip before the get was asked (well under a millisecond when idle, a
 * few milliseconds when the event loop is saturated), so another writer's change (the
 * Python validator's) is seen by every get asked once a stat begun after the change
 * finishes; and a save by this process is seen by every get asked after it was
 * acknowledged, because the save lets the next get start a stat of its own.
 */
export const makeStoreFile = (path: string): Effect.Effect<StoreFile, never, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const last = yield* Ref.make<Seen>({ text: "[]", stored: [], settled: undefined })
    const readAs = (settled: string | undefined) =>
      Effect.gen(function* () {
        const text = yield* fs.readFileString(path).pipe(
          Effect.catchIf(isSystemError("NotFound"), () => Effect.succeed("[]")),
          Effect.mapError(unavailable("read"))
        )
        const seen = yield* Ref.get(last)
        if (text === seen.text) {
          yield* Ref.set(last, { ...seen, settled })
          return seen.stored
        }
        const stored = yield* Either.mapLeft(
          decodeFile(text),
          (reason) => new StoreUnavailableError({ operation: "read", detail: `${path} ${reason}` })
        )
        yield* Ref.set(last, { text, stored, settled })
        return stored
      })
    const current = singleFlight(
      Effect.gen(function* () {
        const statAtMs = yield* Clock.currentTimeMillis
        const info = yield* fs.stat(path).pipe(
          Effect.map(Option.some),
          Effect.catchIf(isSystemError("NotFound"), () => Effect.succeedNone),
          Effect.mapError(unavailable("read"))
        )
        if (Option.isNone(info)) return yield* readAs(undefined)
        const key = statKey(info.value)
        const seen = yield* Ref.get(last)
        if (seen.settled === key) return seen.stored
        return yield* readAs(isSettled(info.value, statAtMs) ? key : undefined)
      })
    )
    const write = (stored: ReadonlyArray<StoredEntry>) => {
      const text = encodeFile(stored)
      return writeAtomic(path, text).pipe(
        Effect.provideService(FileSystem.FileSystem, fs),
        Effect.mapError(unavailable("write")),
        Effect.zipRight(Ref.set(last, { text, stored, settled: undefined })),
        // A get asked after this save was acknowledged must not take a stat begun before it.
        Effect.zipRight(current.forget)
      )
    }
    return { read: readAs(undefined), readCurrent: current.run, write }
  })
