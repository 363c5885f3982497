import { effectify } from "@effect/platform/Effectify"
import { BadArgument, type PlatformError, SystemError } from "@effect/platform/Error"
import { Context, Effect, Option } from "effect"
import * as NFS from "node:fs"

/**
 * What one `stat` says about a version of a file's content: equal stamps (`sameStamp`) mean
 * the same content unless the file was changed within one tick of the file system's clock.
 * ctime is there because `utimes` can put an mtime back after an in-place rewrite of the
 * same size, but nothing can set ctime.
 */
export interface FileStamp {
  readonly ino: number
  readonly size: number
  readonly mtimeMs: number
  readonly ctimeMs: number
}

/** Whether two stamps are of the same version (compared field by field: no key string on a check's path). */
export const sameStamp = (a: FileStamp, b: FileStamp): boolean =>
  a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs

const nodeStat = effectify(
  NFS.stat,
  (error: NodeJS.ErrnoException, [path]: [NFS.PathLike, ...Array<unknown>]) =>
    new SystemError({
      reason: error.code === "ENOENT" ? "NotFound" : error.code === "EACCES" ? "PermissionDenied" : "Unknown",
      module: "FileSystem",
      method: "stat",
      pathOrDescriptor: String(path),
      syscall: error.syscall,
      description: error.message,
      cause: error
    }),
  (cause) => new BadArgument({ module: "FileSystem", method: "stat", cause })
)

/** The stamp of the file at `path`, or none if nothing is there. */
export const nodeFileStamp = (path: string): Effect.Effect<Option.Option<FileStamp>, PlatformError> =>
  nodeStat(path).pipe(
    Effect.map(({ ino, size, mtimeMs, ctimeMs }) => Option.some({ ino, size, mtimeMs, ctimeMs })),
    Effect.catchIf(
      (error) => error._tag === "SystemError" && error.reason === "NotFound",
      () => Effect.succeedNone
    )
  )

/**
 * How the store stamps its file on a check's path. Effect's `FileSystem.stat` has no ctime,
 * so this is Node's `stat` (one syscall, as before); tests replace it to count or fail stats.
 */
export class FileStamps extends Context.Reference<FileStamps>()("@gittensor-pat/storage-adapter/FileStamps", {
  defaultValue: (): { readonly stamp: (path: string) => Effect.Effect<Option.Option<FileStamp>, PlatformError> } => ({
    stamp: nodeFileStamp
  })
}) {}
