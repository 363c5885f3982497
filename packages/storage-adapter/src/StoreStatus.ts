import type { StoreUnavailableError } from "@gittensor-pat/core"
import { Clock, Context, Effect, Option, Ref } from "effect"

/** A save that failed for want of the store (not a guard's refusal), and when. */
export interface SaveFailure {
  /** Epoch milliseconds. */
  readonly at: number
  readonly detail: string
}

/** How the JSON store stands, for `/healthz`. */
export interface StoreHealth {
  /** Why this validator no longer holds the store's single-writer lock (saves are refused meanwhile). */
  readonly lockError: Option.Option<string>
  /** Whether saves fail now: since a save failed, until one succeeds or a test write shows they would. */
  readonly savesFailing: boolean
  /** The latest failed save, kept after saves recover. */
  readonly lastSaveFailure: Option.Option<SaveFailure>
}

/** The state of the JSON file behind the `PatStore`, beside it in the layer (the core's port knows no files). */
export class StoreStatus extends Context.Tag("@gittensor-pat/storage-adapter/StoreStatus")<
  StoreStatus,
  { readonly health: Effect.Effect<StoreHealth> }
>() {}

interface SaveState {
  readonly failing: boolean
  readonly last: Option.Option<SaveFailure>
}

/** Whether saves fail, as the store learns it; logs when saves start and stop failing. */
export interface SaveRecord {
  readonly failed: (error: StoreUnavailableError) => Effect.Effect<void>
  /** A save went through, or a test write showed one would. */
  readonly succeeded: Effect.Effect<void>
  readonly state: Effect.Effect<SaveState>
}

/** A fresh `SaveRecord`: nothing has failed yet. */
export const makeSaveRecord: Effect.Effect<SaveRecord> = Effect.map(
  Ref.make<SaveState>({ failing: false, last: Option.none() }),
  (ref) => ({
    failed: (error) =>
      Effect.gen(function* () {
        const at = yield* Clock.currentTimeMillis
        const before = yield* Ref.getAndSet(ref, { failing: true, last: Option.some({ at, detail: error.detail }) })
        if (!before.failing) yield* Effect.logError(`PAT store saves are failing: ${error.detail}`)
      }),
    succeeded: Effect.flatMap(Ref.getAndUpdate(ref, (s) => ({ ...s, failing: false })), (before) =>
      before.failing ? Effect.logInfo("PAT store saves work again") : Effect.void
    ),
    state: Ref.get(ref)
  })
)
