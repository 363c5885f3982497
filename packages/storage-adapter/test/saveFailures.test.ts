import * as FileSystem from "@effect/platform/FileSystem"
import { Uid } from "@gittensor-pat/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Option, Schedule, type Scope } from "effect"
import * as NodePath from "node:path"
import { type DiskFault, diskFull, diskReadOnly, failingDisk } from "../src/testing/index.js"
import { allowAll, entryOf, storeAt, tempStorePath } from "./support.js"

const diskErrors = [
  ["full (ENOSPC)", diskFull],
  ["read-only (EROFS)", diskReadOnly]
] as const

const diskTest = (
  name: string,
  body: (
    fault: DiskFault,
    path: string
  ) => Effect.Effect<void, unknown, FileSystem.FileSystem | Scope.Scope>
) => it.scopedLive(name, () => {
  const fault: DiskFault = { current: undefined }
  return Effect.flatMap(tempStorePath, (path) => body(fault, path)).pipe(Effect.provide(failingDisk(fault)))
})

describe("JsonFilePatStore reports failing saves", () => {
  for (const [disk, error] of diskErrors) {
    diskTest(`a ${disk} disk: the failure and its time are reported while saves fail, until one succeeds`, (fault, path) =>
      Effect.gen(function* () {
        const { store, status } = yield* storeAt(path, { watchInterval: "1 hour" })
        yield* store.save(entryOf(1), allowAll)
        assert.deepInclude(yield* status.health, { savesFailing: false, lastSaveFailure: Option.none() })

        fault.current = error
        const before = Date.now()
        const refused = yield* Effect.flip(store.save(entryOf(2), allowAll))
        assert.strictEqual(refused._tag, "StoreUnavailableError")
        const sick = yield* status.health
        assert.isTrue(sick.savesFailing)
        const failure = Option.getOrThrow(sick.lastSaveFailure)
        assert.include(failure.detail, error)
        assert.isAtLeast(failure.at, before)
        assert.isAtMost(failure.at, Date.now())
        // Reads are not affected: checks still find the PATs on file.
        assert.isTrue(Option.isSome(yield* store.get(Uid.make(1))))

        fault.current = undefined
        yield* store.save(entryOf(2), allowAll)
        const healed = yield* status.health
        assert.isFalse(healed.savesFailing)
        assert.deepStrictEqual(healed.lastSaveFailure, Option.some(failure))
      })
    )
  }

  diskTest("once the disk takes writes again, the store reports it by itself, without waiting for a save", (fault, path) =>
    Effect.gen(function* () {
      const { store, status } = yield* storeAt(path, { watchInterval: "20 millis" })
      yield* store.save(entryOf(1), allowAll)
      fault.current = diskFull
      yield* Effect.flip(store.save(entryOf(2), allowAll))
      // While the disk is full the watcher's test writes fail too, and leave nothing behind.
      yield* Effect.sleep("100 millis")
      assert.isTrue((yield* status.health).savesFailing)
      fault.current = undefined
      yield* status.health.pipe(
        Effect.filterOrFail((health) => !health.savesFailing),
        Effect.retry({ schedule: Schedule.spaced("20 millis"), times: 250 })
      )
      const fs = yield* FileSystem.FileSystem
      assert.deepStrictEqual((yield* fs.readDirectory(NodePath.dirname(path))).sort(), [
        "miner_pats.json",
        "miner_pats.json.lock"
      ])
    })
  )
})
