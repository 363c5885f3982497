import { type Duration, Effect, type Scope } from "effect"
import type { StoreFile } from "./storeFile.js"
import type { SaveRecord } from "./StoreStatus.js"
import type { WriterLock } from "./writerLock.js"

/**
 * Looks after the store every `interval` for as long as the scope lives, so that an
 * operator hears of trouble even while no miner calls: logs when the file becomes
 * unreadable and readable again, that the lock was lost, and takes it back once the file
 * is readable and no one else holds the lock (`WriterLock.hold`),
 * and while saves fail, tries a test write so that the store reports healthy again once
 * the disk has room or is writable, without waiting for a miner's broadcast.
 */
export const watchStore = (
  file: StoreFile,
  lock: WriterLock,
  saves: SaveRecord,
  interval: Duration.DurationInput
): Effect.Effect<void, never, Scope.Scope> =>
  Effect.gen(function* () {
    let unreadable: string | undefined
    const round = Effect.gen(function* () {
      const read = yield* Effect.either(file.readCurrent)
      // Only a store that is there again is worth the lock: taking it while someone is
      // still deleting the folder would put a file back into it.
      yield* read._tag === "Right" ? Effect.ignore(lock.hold) : lock.noticed
      if (read._tag === "Left" && read.left.detail !== unreadable) {
        unreadable = read.left.detail
        yield* Effect.logError(
          `PAT store unavailable: ${unreadable}. Checks answer "store unavailable" and saves are refused until it is readable again.`
        )
      }
      if (read._tag === "Right" && unreadable !== undefined) {
        unreadable = undefined
        yield* Effect.logInfo("PAT store readable again")
      }
      if ((yield* saves.state).failing) yield* Effect.ignore(Effect.zipRight(file.probeWrite, saves.succeeded))
    })
    yield* Effect.forkScoped(Effect.forever(Effect.zipRight(Effect.sleep(interval), round)))
  })
