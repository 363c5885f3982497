import { SystemError } from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { Effect, Layer } from "effect"

/** The error a disk gives to every new file while it is set, as the kernel words it. */
export interface DiskFault {
  /** e.g. `"ENOSPC: no space left on device"` or `"EROFS: read-only file system"`. */
  current: string | undefined
}

/** The kernel's words for a full disk. */
export const diskFull = "ENOSPC: no space left on device"

/** The kernel's words for a disk mounted read-only. */
export const diskReadOnly = "EROFS: read-only file system"

/**
 * Node's file system, except that while `fault.current` is set, creating a file (`open`
 * with flag `wx`, as the store's temp files and lock are created) fails with it, as
 * `open(O_CREAT)` does on a full or read-only disk; reads and everything else still work.
 * A test of what the store does then, without filling or remounting a real disk (which
 * needs root).
 */
export const failingDisk = (fault: DiskFault): Layer.Layer<FileSystem.FileSystem> =>
  Layer.effect(
    FileSystem.FileSystem,
    Effect.map(FileSystem.FileSystem, (fs) =>
      FileSystem.FileSystem.of({
        ...fs,
        open: (path, options) =>
          Effect.suspend(() =>
            fault.current !== undefined && options?.flag === "wx"
              ? new SystemError({
                  reason: "Unknown",
                  module: "FileSystem",
                  method: "open",
                  pathOrDescriptor: path,
                  description: fault.current
                })
              : fs.open(path, options)
          )
      })
    )
  ).pipe(Layer.provide(NodeFileSystem.layer))
