import * as FileSystem from "@effect/platform/FileSystem"
import { type PlatformError, SystemError } from "@effect/platform/Error"
import { Effect } from "effect"
import * as NodePath from "node:path"
import { isSystemError } from "./storeFile.js"

// As the kernel's own limit on symbolic links followed in one lookup.
const maxLinks = 40

/**
 * Where the store at `path` really is: symbolic links followed (a link to a file not yet
 * created, to where it points), then its folder, created if missing, resolved too. The lock
 * and the atomic writes act there, so a symlinked path stays a link to the one store.
 */
export const realStorePath = (path: string): Effect.Effect<string, PlatformError, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    let target = NodePath.resolve(path)
    for (let links = 0; links <= maxLinks; links++) {
      const real = yield* Effect.either(fs.realPath(target))
      if (real._tag === "Right") return real.right
      if (!isSystemError("NotFound")(real.left)) return yield* real.left
      // Nothing there, or a link to nothing yet: follow the link, else the file is to be created.
      const link = yield* Effect.either(fs.readLink(target))
      if (link._tag === "Left") {
        const folder = NodePath.dirname(target)
        yield* fs.makeDirectory(folder, { recursive: true })
        return NodePath.join(yield* fs.realPath(folder), NodePath.basename(target))
      }
      target = NodePath.resolve(NodePath.dirname(target), link.right)
    }
    return yield* new SystemError({
      reason: "BadResource",
      module: "FileSystem",
      method: "realPath",
      pathOrDescriptor: path,
      description: `more than ${maxLinks} symbolic links`
    })
  })
