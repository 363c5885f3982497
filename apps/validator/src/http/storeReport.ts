import { PatStore, type Uid } from "@gittensor-pat/core"
import { StoreStatus } from "@gittensor-pat/storage-adapter"
import { Effect, Option } from "effect"

/** The store's part of `/healthz`. */
export interface StoreReport {
  /** Readable, and writable as far as is known: its lock held, saves not failing. */
  readonly ok: boolean
  readonly body: {
    readonly readable: boolean
    readonly read_error: string | null
    readonly lock_held: boolean
    readonly lock_error: string | null
    readonly saves_failing: boolean
    readonly last_save_error: string | null
    /** ISO-8601 UTC. */
    readonly last_save_error_at: string | null
  }
}

/**
 * Whether the store can serve checks (a read through the port) and saves, and why not.
 * A store other than the JSON file (tests, embedders) has no `StoreStatus`: no lock or
 * failed saves to report.
 */
export const storeReport: Effect.Effect<StoreReport, never, PatStore> = Effect.gen(function* () {
  const store = yield* PatStore
  const readError = yield* Effect.match(store.get(0 as Uid), {
    onFailure: (error) => Option.some(error.detail),
    onSuccess: () => Option.none()
  })
  const status = yield* Effect.serviceOption(StoreStatus)
  const file = yield* Effect.transposeMapOption(status, (s) => s.health)
  const lockError = Option.flatMap(file, (h) => h.lockError)
  const savesFailing = Option.exists(file, (h) => h.savesFailing)
  const lastFailure = Option.flatMap(file, (h) => h.lastSaveFailure)
  return {
    ok: Option.isNone(readError) && Option.isNone(lockError) && !savesFailing,
    body: {
      readable: Option.isNone(readError),
      read_error: Option.getOrNull(readError),
      lock_held: Option.isNone(lockError),
      lock_error: Option.getOrNull(lockError),
      saves_failing: savesFailing,
      last_save_error: Option.getOrNull(Option.map(lastFailure, (f) => f.detail)),
      last_save_error_at: Option.getOrNull(Option.map(lastFailure, (f) => new Date(f.at).toISOString()))
    }
  }
})
