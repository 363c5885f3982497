import type * as FileSystem from "@effect/platform/FileSystem"
import type { PlatformError } from "@effect/platform/Error"
import { Effect } from "effect"

/** Reads whole files, lending their bytes; see `makeFileReader`. */
export interface FileReader {
  /**
   * Runs `use` on the bytes of the file at `path` as it is now. The bytes are lent: they
   * are valid only until the effect `use` returns has finished, so copy what must be kept.
   */
  readonly read: <A, E>(
    path: string,
    use: (bytes: Uint8Array) => Effect.Effect<A, E>
  ) => Effect.Effect<A, E | PlatformError>
}

/**
 * A `FileReader` that reads into a buffer kept from one read to the next (a read while
 * another holds it gets one of its own). A fresh buffer for each read of a store of
 * thousands of entries cost page faults and, being memory outside the JavaScript heap
 * that little else comes to collect, a full garbage collection (tens of milliseconds)
 * every few hundred reads; and most reads find the bytes the store already has.
 */
export const makeFileReader = (fs: FileSystem.FileSystem): FileReader => {
  let spare: Uint8Array | undefined
  const lend = (size: number) =>
    Effect.acquireRelease(
      Effect.sync(() => {
        const buffer = spare !== undefined && spare.length >= size ? spare : new Uint8Array(size)
        if (buffer === spare) spare = undefined
        return buffer
      }),
      (buffer) =>
        Effect.sync(() => {
          if (spare === undefined || spare.length < buffer.length) spare = buffer
        })
    )
  return {
    read: (path, use) =>
      Effect.scoped(
        Effect.gen(function* () {
          const file = yield* fs.open(path, { flag: "r" })
          // As Node's readFile does: up to the size the open file has (or its end, if sooner).
          const size = Number((yield* file.stat).size)
          const buffer = yield* lend(size)
          let filled = 0
          while (filled < size) {
            const read = Number(yield* file.read(buffer.subarray(filled, size)))
            if (read === 0) break
            filled += read
          }
          return yield* use(buffer.subarray(0, filled))
        })
      )
  }
}
