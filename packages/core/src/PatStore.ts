import { Context, type Effect, type Option, type Scope } from "effect"
import type { PatEntry, Uid } from "./domain.js"
import type { IdentityLockedError, StoreUnavailableError } from "./errors.js"

/**
 * Decides, inside the store's critical section, whether a save may replace what is
 * stored on the uid now. Fails with `IdentityLockedError` to refuse.
 */
export type SaveGuard = (current: Option.Option<PatEntry>) => Effect.Effect<void, IdentityLockedError>

/** Where miners' tokens are kept, one entry per uid. */
export class PatStore extends Context.Tag("@gittensor-pat/core/PatStore")<
  PatStore,
  {
    /** The entry on `uid`; an unreadable store is an error, never "no entry". */
    readonly get: (uid: Uid) => Effect.Effect<Option.Option<PatEntry>, StoreUnavailableError>
    /**
     * Says that a save of `entry` (this very object) may follow before the scope closes, so
     * that the store can do that save's work meanwhile. Changes nothing stored and never
     * fails: a save of another entry, or none, leaves the store as if this was not called.
     */
    readonly prepare: (entry: PatEntry) => Effect.Effect<void, never, Scope.Scope>
    /**
     * Upserts by uid. Saves are serialised; `guard` runs on the freshly read current entry
     * while no other save can interleave. A failed read writes nothing.
     */
    readonly save: (
      entry: PatEntry,
      guard: SaveGuard
    ) => Effect.Effect<void, StoreUnavailableError | IdentityLockedError>
    /** Every entry, for a scoring round; an unreadable store logs and yields []. */
    readonly snapshot: Effect.Effect<ReadonlyArray<PatEntry>>
  }
>() {}
