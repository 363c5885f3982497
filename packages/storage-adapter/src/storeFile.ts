import * as FileSystem from "@effect/platform/FileSystem"
import type { PlatformError } from "@effect/platform/Error"
import { StoreUnavailableError } from "@gittensor-pat/core"
import { Clock, Effect, Either, Option, Ref, type Scope } from "effect"
import { Buffer } from "node:buffer"
import { probeWrite, stageAtomic } from "./atomicWrite.js"
import { makeFileReader } from "./fileReader.js"
import { type FileStamp, FileStamps, sameStamp } from "./fileStamp.js"
import { singleFlight } from "./singleFlight.js"
import { decodeFile, emptyFile, encodeFile, type StoredEntry } from "./wire.js"

/** Maps a file-system failure; PlatformError messages name the path and the syscall, never the content. */
export const unavailable = (operation: "read" | "write") => (error: PlatformError) =>
  new StoreUnavailableError({ operation, detail: error.message })

/** Whether a file-system failure is the operating system's answer `reason`. */
export const isSystemError = (reason: "AlreadyExists" | "NotFound") => (error: PlatformError) =>
  error._tag === "SystemError" && error.reason === reason

/** A write of the store file, opened and waiting for its entries (see `StoreFile.stage`). */
export interface StagedStore {
  /** Replaces the file atomically with `stored`: `fill`, then what it gives; once. */
  readonly write: (stored: ReadonlyArray<StoredEntry>) => Effect.Effect<void, StoreUnavailableError>
  /**
   * Writes `stored` to the temp file, durably, and gives what puts it in place of the file
   * (the rename and the folder's fsync); once.
   */
  readonly fill: (
    stored: ReadonlyArray<StoredEntry>
  ) => Effect.Effect<Effect.Effect<void, StoreUnavailableError>, StoreUnavailableError>
  readonly discard: Effect.Effect<void>
}

/** The store file's entries, read and written whole. */
export interface StoreFile {
  /**
   * The entries on file now, really read. A missing file is an empty store until the file
   * has been seen; once seen, its absence (file or folder deleted) is an error. The file is
   * closed when the scope closes.
   */
  readonly read: Effect.Effect<ReadonlyArray<StoredEntry>, StoreUnavailableError, Scope.Scope>
  /**
   * The entries on file now, as `read` gives them, but without reading the file while its
   * stamp shows it unchanged since a read that can be trusted, and sharing one stat among
   * the callers that ask while it is under way (see `makeStoreFile`).
   */
  readonly readCurrent: Effect.Effect<ReadonlyArray<StoredEntry>, StoreUnavailableError>
  /** The entries last read or written, without reading the file. */
  readonly known: Effect.Effect<ReadonlyArray<StoredEntry>>
  /**
   * Opens what replacing the file needs (see `stageAtomic`), closed when the scope closes:
   * `write` replaces the file atomically with `stored`, once (or `fill` writes it aside
   * first, to put it in place later); `discard` removes what was opened for a write that
   * will not come.
   */
  readonly stage: Effect.Effect<StagedStore, StoreUnavailableError, Scope.Scope>
  /** Whether a write as large as the file last read or written could go through now (see `probeWrite`). */
  readonly probeWrite: Effect.Effect<void, StoreUnavailableError>
}

// A file's times come from a coarse clock, so a write in the same tick as a read can leave
// its stamp as that read saw it; only a file whose last change (mtime or ctime) was already
// this far in the past when it was stat'ed can be trusted unchanged while its stamp stays so.
const settledMs = 1_000

interface Seen {
  readonly bytes: Uint8Array
  readonly stored: ReadonlyArray<StoredEntry>
  /** The stamp of the file the bytes were read from, when that stamp may vouch for it later. */
  readonly settled: FileStamp | undefined
}

/**
 * Decoding (most of a read's cost at thousands of entries, UTF-8 included) is redone only
 * when the bytes differ from those last read or written. `readCurrent` (a check's path)
 * skips the read itself while the file's stamp (inode, size, mtime, ctime) is that of a
 * settled earlier read; any other change, and any error, goes to the file, so a corrupt
 * or unreadable file is still an error.
 *
 * Under load hundreds of checks ask within one stat's round trip, and a stat per check was
 * a visible share of a check's CPU, so a get that arrives while another's stat (and read,
 * if it needs one) is under way takes that answer. The bound on staleness: that stat began
 * at most one round trip before the get was asked (well under a millisecond when idle, a
 * few milliseconds when the event loop is saturated), so another writer's change (the
 * Python validator's) is seen by every get asked once a stat begun after the change
 * finishes; and a save by this process is seen by every get asked after it was
 * acknowledged, because the save lets the next get start a stat of its own.
 *
 * The file counts as seen once a stat, read or write here found it (at start too: the
 * validator creates it before opening the store). From then on a missing file means it
 * was deleted under us, and answering "empty" would tell miners whose PATs were
 * acknowledged that none is stored; it is unavailable until someone puts it back.
 */
export const makeStoreFile = (path: string): Effect.Effect<StoreFile, never, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const { stamp } = yield* FileStamps
    // A plain flag, not a Ref: it is set on every check's path.
    let seen = Option.isSome(yield* Effect.orElseSucceed(stamp(path), () => Option.none()))
    const gone = new StoreUnavailableError({
      operation: "read",
      detail: `${path} has disappeared (it existed while this validator ran): restore it, or its folder, from a backup, or write [] there to start an empty store (format: docs/store.md)`
    })
    const last = yield* Ref.make<Seen>({ bytes: emptyFile, stored: [], settled: undefined })
    const reader = makeFileReader(fs)
    // `bytes` may be lent by the reader: kept only as a copy.
    const entriesOf = (bytes: Uint8Array, settled: FileStamp | undefined) =>
      Effect.gen(function* () {
        const previous = yield* Ref.get(last)
        if (Buffer.compare(bytes, previous.bytes) === 0) {
          yield* Ref.set(last, { ...previous, settled })
          return previous.stored
        }
        // As Effect's readFileString decodes (a byte order mark is dropped, a malformed
        // sequence becomes U+FFFD), so that a file reads as it always did.
        const stored = yield* Either.mapLeft(
          decodeFile(new TextDecoder().decode(bytes)),
          (reason) => new StoreUnavailableError({ operation: "read", detail: `${path} ${reason} (format: docs/store.md)` })
        )
        yield* Ref.set(last, { bytes: bytes.slice(), stored, settled })
        return stored
      })
    const readAs = (settled: FileStamp | undefined) => {
      const failed = (error: PlatformError) =>
        !isSystemError("NotFound")(error)
          ? Effect.fail(unavailable("read")(error))
          : seen
            ? Effect.fail(gone)
            : entriesOf(emptyFile, settled)
      return reader
        .read(path, (bytes) =>
          Effect.suspend(() => {
            seen = true
            return entriesOf(bytes, settled)
          })
        )
        .pipe(Effect.catchTags({ BadArgument: failed, SystemError: failed }))
    }
    // The scope holds the file a read opens, closed once the answer is in.
    const current = singleFlight(
      Effect.scoped(Effect.gen(function* () {
        const statAtMs = yield* Clock.currentTimeMillis
        const info = yield* Effect.mapError(stamp(path), unavailable("read"))
        if (Option.isNone(info)) return yield* readAs(undefined)
        seen = true
        const found = info.value
        const previous = yield* Ref.get(last)
        if (previous.settled !== undefined && sameStamp(previous.settled, found)) return previous.stored
        return yield* readAs(Math.max(found.mtimeMs, found.ctimeMs) <= statAtMs - settledMs ? found : undefined)
      }))
    )
    const stage = stageAtomic(path).pipe(
      Effect.provideService(FileSystem.FileSystem, fs),
      Effect.mapError(unavailable("write")),
      Effect.map((staged): StagedStore => {
        const fill = (stored: ReadonlyArray<StoredEntry>) =>
          Effect.suspend(() => {
            const bytes = encodeFile(stored)
            const publish = staged.publish.pipe(
              Effect.mapError(unavailable("write")),
              Effect.zipRight(
                Effect.suspend(() => {
                  seen = true
                  return Ref.set(last, { bytes, stored, settled: undefined })
                })
              ),
              // A get asked after this save was acknowledged must not take a stat begun before it.
              Effect.zipRight(current.forget)
            )
            return Effect.as(Effect.mapError(staged.fill(bytes), unavailable("write")), publish)
          })
        return { write: (stored) => Effect.flatten(fill(stored)), fill, discard: staged.discard }
      })
    )
    const probe = Effect.flatMap(Ref.get(last), ({ bytes }) =>
      probeWrite(path, bytes.length).pipe(
        Effect.provideService(FileSystem.FileSystem, fs),
        Effect.mapError(unavailable("write"))
      )
    )
    const known = Effect.map(Ref.get(last), ({ stored }) => stored)
    return { read: readAs(undefined), readCurrent: current.run, known, stage, probeWrite: probe }
  })
