import type * as FileSystem from "@effect/platform/FileSystem"
import type { PlatformError } from "@effect/platform/Error"
import { Effect, type Scope } from "effect"

/** Reads whole files, lending their bytes; see `makeFileReader`. */
export interface FileReader {
  /**
   * Runs `use` on the bytes of the file at `path` as it is now. The bytes are lent: they
   * are valid only until the effect `use` returns has finished, so copy what must be kept.
   * The file stays open until the scope closes, so that a caller can answer before it
   * waits for the close.
   */
  readonly read: <A, E>(
    path: string,
    use: (bytes: Uint8Array) => Effect.Effect<A, E>
  ) => Effect.Effect<A, E | PlatformError, Scope.Scope>
}

// The first read's buffer; a larger file grows it (and the reader keeps the larger one).
const initialSize = 64 * 1024

/**
 * A `FileReader` that reads into a buffer kept from one read to the next (a read while
 * another holds it gets one of its own). A fresh buffer for each read of a store of
 * thousands of entries cost page faults and, being memory outside the JavaScript heap
 * that little else comes to collect, a full garbage collection (tens of milliseconds)
 * every few hundred reads; and most reads find the bytes the store already has.
 *
 * A read asks for the whole buffer and takes a shorter answer as the file's end (as a
 * regular file answers), growing the buffer only when a read fills it: no `stat` for the
 * size, one file-system round trip fewer per read, which a broadcast's save waits for.
 */
export const makeFileReader = (fs: FileSystem.FileSystem): FileReader => {
  let spare: Uint8Array | undefined
  const lend = Effect.acquireRelease(
    Effect.sync(() => {
      const buffer = spare ?? new Uint8Array(initialSize)
      spare = undefined
      return { buffer }
    }),
    (lent) =>
      Effect.sync(() => {
        if (spare === undefined || spare.length < lent.buffer.length) spare = lent.buffer
      })
  )
  return {
    read: (path, use) =>
      Effect.flatMap(fs.open(path, { flag: "r" }), (file) =>
        Effect.scoped(
          Effect.gen(function* () {
            const lent = yield* lend
            let filled = 0
            for (;;) {
              const read = Number(yield* file.read(lent.buffer.subarray(filled)))
              filled += read
              if (filled < lent.buffer.length) break
              const larger = new Uint8Array(lent.buffer.length * 2)
              larger.set(lent.buffer)
              lent.buffer = larger
            }
            return yield* use(lent.buffer.subarray(0, filled))
          })
        )
      )
  }
}
