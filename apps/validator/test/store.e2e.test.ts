import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname } from "node:path"
import { isDeepStrictEqual } from "node:util"
import { Messages } from "@gittensor-pat/core"
import { type DiskFault, diskFull, failingDisk } from "@gittensor-pat/storage-adapter/testing"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schedule } from "effect"
import type { StoreReport } from "../src/http/storeReport.js"
import { call, makeWorld, readStore, tokenFields, type World } from "./support/world.js"

const TOKEN = "ghp_store_fault_token_4242"

const healthz = (world: World) =>
  Effect.promise(async () => {
    const response = await fetch(`${world.validator.url}/healthz`)
    const json = (await response.json()) as { readonly status: string; readonly store: StoreReport["body"] }
    return { status: response.status, status_text: json.status, store: json.store }
  })

/** Asks /healthz until it answers 200 (a few seconds at most). */
const healthy = (world: World) =>
  healthz(world).pipe(
    Effect.filterOrFail((health) => health.status === 200),
    Effect.retry({ schedule: Schedule.spaced("50 millis"), times: 100 })
  )

const check = (world: World) =>
  Effect.map(call(world, "PatCheckSynapse", world.miners[0]!, {}), (r) => [r.has_pat, r.pat_valid, r.rejection_reason])

/**
 * The first check whose answer is no longer `before`, asked right after the store changed on
 * disk. A check that joins a read the store's watcher began before the change still answers as
 * before the change (concurrent checks share one stat and read: storage-adapter's
 * `makeStoreFile`); one asked after that read sees the change. Gives up after ~1 s.
 */
const checkAfterChange = (world: World, before: ReadonlyArray<unknown>) =>
  Effect.gen(function* () {
    for (let attempt = 0; attempt < 20; attempt++) {
      const answer = yield* check(world)
      if (!isDeepStrictEqual(answer, before)) return answer
      yield* Effect.sleep("50 millis")
    }
    return yield* check(world)
  })

const broadcast = (world: World, token: string) =>
  Effect.map(call(world, "PatBroadcastSynapse", world.miners[0]!, tokenFields(token)), (r) => [r.accepted, r.rejection_reason])

describe("the validator when its store's disk misbehaves (docs/outcomes.md, docs/store.md)", () => {
  it.scopedLive("store folder deleted: checks answer store-unavailable, saves are refused, /healthz 503 says why; restored, all is well", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld({ storeWatchInterval: "50 millis" })
      world.github.allow(TOKEN, { id: 42, login: "m1" })
      assert.deepStrictEqual(yield* broadcast(world, TOKEN), [true, null])
      assert.deepStrictEqual(yield* check(world), [true, true, null])
      const backup = readFileSync(world.storePath)
      const folder = dirname(world.storePath)

      rmSync(folder, { recursive: true, force: true })
      assert.deepStrictEqual(yield* checkAfterChange(world, [true, true, null]), [false, null, Messages.storeUnavailable])
      const sick = yield* healthz(world)
      assert.deepStrictEqual([sick.status, sick.status_text], [503, "unhealthy"])
      assert.isFalse(sick.store.readable)
      assert.include(sick.store.read_error ?? "", "has disappeared")
      assert.isFalse(sick.store.lock_held)
      assert.include(sick.store.lock_error ?? "", "was removed")
      assert.deepStrictEqual(yield* broadcast(world, TOKEN), [false, Messages.storeUnavailable])
      assert.isFalse(existsSync(folder), "a refused broadcast must write nothing")

      mkdirSync(folder)
      writeFileSync(world.storePath, backup, { mode: 0o600 })
      assert.deepStrictEqual(yield* checkAfterChange(world, [false, null, Messages.storeUnavailable]), [true, true, null])
      const well = yield* healthy(world)
      assert.deepInclude(well.store, { readable: true, lock_held: true, lock_error: null })
      assert.deepStrictEqual(yield* broadcast(world, TOKEN), [true, null])
    }))

  it.scopedLive("disk full: broadcasts are refused, /healthz 503 with the failure and its time, until a save succeeds", () =>
    Effect.gen(function* () {
      const fault: DiskFault = { current: undefined }
      const world = yield* makeWorld({ storeFileSystem: failingDisk(fault) })
      world.github.allow(TOKEN, { id: 42, login: "m1" })
      assert.strictEqual((yield* healthz(world)).status, 200)

      fault.current = diskFull
      const before = new Date()
      assert.deepStrictEqual(yield* broadcast(world, TOKEN), [false, Messages.storeUnavailable])
      assert.deepStrictEqual(readStore(world), [])
      const sick = yield* healthz(world)
      assert.deepStrictEqual([sick.status, sick.status_text], [503, "unhealthy"])
      assert.deepInclude(sick.store, { readable: true, lock_held: true, saves_failing: true })
      assert.include(sick.store.last_save_error ?? "", "ENOSPC")
      const at = new Date(sick.store.last_save_error_at ?? "")
      assert.isAtLeast(at.getTime(), before.getTime())
      assert.isAtMost(at.getTime(), Date.now())

      fault.current = undefined
      assert.deepStrictEqual(yield* broadcast(world, TOKEN), [true, null])
      const well = yield* healthz(world)
      assert.strictEqual(well.status, 200)
      assert.deepInclude(well.store, { saves_failing: false, last_save_error_at: sick.store.last_save_error_at })
    }))
})
