import { Context, Duration, Effect, Layer, Option, Ref } from "effect"
import type { PatEntry, Uid } from "../domain.js"
import { StoreUnavailableError } from "../errors.js"
import { PatStore } from "../PatStore.js"

/** Faults to inject: an unreadable store (every read fails) and an unwritable one. */
export interface StoreFaults {
  readonly read: boolean
  readonly write: boolean
}

/** How to start an in-memory store. */
export interface InMemoryPatStoreOptions {
  readonly entries?: Iterable<PatEntry>
  readonly faults?: Partial<StoreFaults>
  /** How long each save holds the critical section before it writes, like a slow disk. */
  readonly saveLatency?: Duration.DurationInput
  /** How long each `get` takes to read, like a slow disk. */
  readonly getLatency?: Duration.DurationInput
}

/** The handle tests use to seed, break and inspect an in-memory `PatStore`. */
export class InMemoryPatStore extends Context.Tag("@gittensor-pat/core/testing/InMemoryPatStore")<
  InMemoryPatStore,
  {
    /** Every entry, by uid, bypassing faults. */
    readonly entries: Effect.Effect<ReadonlyArray<PatEntry>>
    /** Stores an entry directly, bypassing guards and faults, as an earlier run would have. */
    readonly put: (entry: PatEntry) => Effect.Effect<void>
    /** Turns faults on or off; unnamed faults keep their setting. */
    readonly setFaults: (faults: Partial<StoreFaults>) => Effect.Effect<void>
    /** How many saves were written. */
    readonly writes: Effect.Effect<number>
    /** Every entry announced to `prepare`, in order (this store does nothing ahead of a save). */
    readonly prepared: Effect.Effect<ReadonlyArray<PatEntry>>
  }
>() {
  /**
   * A `PatStore` kept in memory with the file store's semantics: saves are serialised,
   * the guard runs on the entry read inside the critical section, and a failed read or
   * write changes nothing.
   */
  static readonly make = (options: InMemoryPatStoreOptions = {}) =>
    Effect.gen(function* () {
      const state = yield* Ref.make<ReadonlyMap<Uid, PatEntry>>(
        new Map(Array.from(options.entries ?? [], (entry) => [entry.uid, entry]))
      )
      const faults = yield* Ref.make<StoreFaults>({ read: false, write: false, ...options.faults })
      const writes = yield* Ref.make(0)
      const prepared = yield* Ref.make<ReadonlyArray<PatEntry>>([])
      const saving = yield* Effect.makeSemaphore(1)
      const saveLatency = Duration.decode(options.saveLatency ?? Duration.zero)
      const getLatency = Duration.decode(options.getLatency ?? Duration.zero)
      const sorted = Effect.map(Ref.get(state), (all) => [...all.values()].sort((a, b) => a.uid - b.uid))
      const read = Effect.flatMap(Ref.get(faults), (f) =>
        f.read
          ? Effect.fail(new StoreUnavailableError({ operation: "read", detail: "injected read fault" }))
          : Ref.get(state)
      )
      const store: PatStore["Type"] = {
        get: (uid) => Effect.map(Effect.zipRight(Effect.sleep(getLatency), read), (all) => Option.fromNullable(all.get(uid))),
        prepare: (entry) => Ref.update(prepared, (all) => [...all, entry]),
        save: (entry, guard) =>
          saving.withPermits(1)(
            Effect.gen(function* () {
              const current = yield* read
              yield* guard(Option.fromNullable(current.get(entry.uid)))
              yield* Effect.sleep(saveLatency)
              if ((yield* Ref.get(faults)).write) {
                return yield* new StoreUnavailableError({ operation: "write", detail: "injected write fault" })
              }
              yield* Ref.set(state, new Map(current).set(entry.uid, entry))
              yield* Ref.update(writes, (n) => n + 1)
            })
          ),
        snapshot: Effect.zipRight(read, sorted).pipe(
          Effect.catchTag("StoreUnavailableError", (error) =>
            Effect.as(Effect.logError("PAT store unreadable; scoring snapshot is empty", error.detail), [])
          )
        )
      }
      const handle: InMemoryPatStore["Type"] = {
        entries: sorted,
        put: (entry) => Ref.update(state, (all) => new Map(all).set(entry.uid, entry)),
        setFaults: (next) => Ref.update(faults, (current) => ({ ...current, ...next })),
        writes: Ref.get(writes),
        prepared: Ref.get(prepared)
      }
      return { store, handle }
    })

  /** The store and its handle as one layer; fresh state per build. */
  static readonly layer = (options?: InMemoryPatStoreOptions): Layer.Layer<PatStore | InMemoryPatStore> =>
    Layer.effectContext(
      Effect.map(InMemoryPatStore.make(options), ({ store, handle }) =>
        Context.make(PatStore, store).pipe(Context.add(InMemoryPatStore, handle))
      )
    )
}
