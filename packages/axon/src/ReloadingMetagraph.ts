import { Metagraph, type Uid } from "@gittensor-pat/core"
import { Clock, Context, Data, type Duration, Effect, Either, Layer, Option, Ref, type Scope } from "effect"
import type { Snapshot } from "./MetagraphSnapshot.js"

/** Where a reloading metagraph reads its snapshots: a snapshot file, the chain. */
export interface MetagraphSource<E extends { readonly message: string }, R> {
  /** Names the source in messages and in `/healthz` (`Metagraph snapshot FILE`, `Subnet 74 on finney`). */
  readonly label: string
  /** Reads a snapshot now. */
  readonly read: Effect.Effect<Snapshot, E, R>
  /** How long after one reload turn the next starts. */
  readonly every: Duration.DurationInput
  /** Whether the source may have changed since it was last read; without it, every turn reads. */
  readonly changed?: Effect.Effect<boolean, never, R>
  /** What to do when a snapshot does not list the validator's own hotkey: the end of that refusal. */
  readonly whenNotListed: string
}

/** A snapshot that cannot be served: it is of another subnet, lists nobody, or not this validator. */
export class MetagraphRefused extends Data.TaggedError("MetagraphRefused")<{
  readonly source: string
  readonly detail: string
}> {
  override get message(): string {
    return `${this.source}: ${this.detail}`
  }
}

/** Neither the source nor its fallback gave a snapshot to serve at start. */
export class MetagraphUnavailable extends Data.TaggedError("MetagraphUnavailable")<{
  readonly source: string
  readonly fallback: string
}> {
  override get message(): string {
    return `${this.source} The fallback failed too: ${this.fallback}`
  }
}

/** How fresh the served snapshot is, for `/healthz`. */
export interface MetagraphHealth {
  /** The label of the source the served snapshot came from. */
  readonly source: string
  readonly netuid: number
  readonly block: number
  readonly neurons: number
  /** Epoch milliseconds when the served snapshot was loaded. */
  readonly loadedAt: number
  /** Why the latest read was refused or failed, while the last good snapshot is still served. */
  readonly lastError: Option.Option<string>
}

/** The state of the snapshot behind the `Metagraph` layer. */
export class MetagraphStatus extends Context.Tag("@gittensor-pat/axon/MetagraphStatus")<
  MetagraphStatus,
  { readonly health: Effect.Effect<MetagraphHealth> }
>() {}

/** How a reloading metagraph reads. */
export interface ReloadingMetagraphOptions<
  E extends { readonly message: string },
  R,
  FE extends { readonly message: string } = never,
  FR = never
> {
  readonly source: MetagraphSource<E, R>
  /**
   * Read when a read of `source` fails: served at start, and later whenever it holds a later
   * block than the snapshot served (so a stale fallback never replaces a fresher read).
   * Only its `label`, `read` and `whenNotListed` matter.
   */
  readonly fallback?: MetagraphSource<FE, FR>
  /**
   * A hotkey every snapshot must list: a validator's own. A snapshot without it is of
   * another subnet, or a broken read, and is refused like a malformed one.
   */
  readonly ownHotkey?: string
  /** The subnet every snapshot must be of. */
  readonly netuid?: number
}

interface First {
  readonly snapshot: Snapshot
  readonly from: string
  readonly lastError: Option.Option<string>
}

interface Served {
  readonly snapshot: Snapshot
  readonly byHotkey: ReadonlyMap<string, Uid>
  readonly health: MetagraphHealth
}

const served = (source: string, snapshot: Snapshot, loadedAt: number, lastError: Option.Option<string>): Served => ({
  snapshot,
  byHotkey: new Map(snapshot.neurons.map((neuron) => [neuron.hotkey, neuron.uid])),
  health: {
    source,
    netuid: snapshot.netuid,
    block: snapshot.block,
    neurons: snapshot.neurons.length,
    loadedAt,
    lastError
  }
})

/** `snapshot` if it can be served as `options` require (docs/metagraph.md, "The snapshot file"), else why not. */
const servable = (
  source: Pick<MetagraphSource<never, never>, "label" | "whenNotListed">,
  snapshot: Snapshot,
  options: { readonly ownHotkey?: string; readonly netuid?: number }
): Either.Either<Snapshot, MetagraphRefused> => {
  const refuse = (detail: string) => Either.left(new MetagraphRefused({ source: source.label, detail }))
  const { ownHotkey, netuid } = options
  if (netuid !== undefined && snapshot.netuid !== netuid) {
    return refuse(`is of subnet ${snapshot.netuid} (block ${snapshot.block}), not of subnet ${netuid} (--netuid)`)
  }
  if (snapshot.neurons.length === 0) return refuse(`lists no neurons (netuid ${snapshot.netuid}, block ${snapshot.block})`)
  if (ownHotkey !== undefined && !snapshot.neurons.some((neuron) => neuron.hotkey === ownHotkey)) {
    return refuse(
      `does not list this validator's hotkey ${ownHotkey} (netuid ${snapshot.netuid}, block ${snapshot.block}); ${source.whenNotListed}`
    )
  }
  return Either.right(snapshot)
}

/**
 * The `Metagraph` port over a source, with its `MetagraphStatus`. Fails if no snapshot can
 * be served now (from the source, else from the fallback); afterwards it reads the source
 * again every `source.every` (when `source.changed` says so), for as long as the scope
 * lives. A read that fails or is refused (another subnet, no neurons, `ownHotkey` missing)
 * is logged and reported in the status, and the last good snapshot keeps being served.
 */
const make = <E extends { readonly message: string }, R, FE extends { readonly message: string } = never, FR = never>(
  options: ReloadingMetagraphOptions<E, R, FE, FR>
): Effect.Effect<
  Context.Context<Metagraph | MetagraphStatus>,
  E | FE | MetagraphRefused | MetagraphUnavailable,
  R | FR | Scope.Scope
> =>
  Effect.gen(function* () {
    const { source, fallback } = options
    const read = <SE extends { readonly message: string }, SR>(from: MetagraphSource<SE, SR>) =>
      Effect.flatMap(from.read, (snapshot) => servable(from, snapshot, options))
    const now = Clock.currentTimeMillis

    const fromSource: Effect.Effect<First, E | MetagraphRefused, R> = Effect.map(read(source), (snapshot) => ({
      snapshot,
      from: source.label,
      lastError: Option.none()
    }))
    const first = yield* fallback === undefined
      ? fromSource
      : Effect.catchAll(fromSource, (error) =>
          read(fallback).pipe(
            Effect.mapError((fallbackError) => new MetagraphUnavailable({ source: error.message, fallback: fallbackError.message })),
            Effect.tap((snapshot) =>
              Effect.logWarning(`${error.message}; serving the fallback ${fallback.label} (block ${snapshot.block}) until a read succeeds`)
            ),
            Effect.map((snapshot): First => ({ snapshot, from: fallback.label, lastError: Option.some(error.message) }))
          )
        )
    const state = yield* Ref.make(served(first.from, first.snapshot, yield* now, first.lastError))

    const keepLastGood = (message: string) =>
      Effect.logError(`${message}; still serving the last good metagraph`).pipe(
        Effect.zipRight(Ref.update(state, (s) => ({ ...s, health: { ...s.health, lastError: Option.some(message) } })))
      )

    // A fallback newer than what is served replaces it; the source's failure stays reported.
    const tryFallback = (message: string) =>
      fallback === undefined
        ? keepLastGood(message)
        : Effect.gen(function* () {
            const result = yield* Effect.either(read(fallback))
            const current = (yield* Ref.get(state)).snapshot.block
            if (Either.isLeft(result) || result.right.block <= current) {
              const why = Either.isLeft(result) ? result.left.message : `it holds block ${result.right.block}, not newer`
              return yield* keepLastGood(`${message} (the fallback ${fallback.label} is not used: ${why})`)
            }
            yield* Ref.set(state, served(fallback.label, result.right, yield* now, Option.some(message)))
            yield* Effect.logWarning(`${message}; serving the fallback ${fallback.label} (block ${result.right.block})`)
          })

    const reload = Effect.gen(function* () {
      if (source.changed !== undefined && !(yield* source.changed)) return
      const result = yield* Effect.either(read(source))
      if (Either.isLeft(result)) return yield* tryFallback(result.left.message)
      yield* Ref.set(state, served(source.label, result.right, yield* now, Option.none()))
      yield* Effect.logInfo("metagraph reloaded").pipe(
        Effect.annotateLogs({ source: source.label, block: result.right.block, neurons: result.right.neurons.length })
      )
    })
    // The first read was just made: the next turn is a period away.
    yield* Effect.forkScoped(Effect.forever(Effect.zipRight(Effect.sleep(source.every), reload)))

    const snapshot = Effect.map(Ref.get(state), (s) => s.snapshot)
    const metagraph = Metagraph.of({
      uidOf: (hotkey) => Effect.map(Ref.get(state), (s) => Option.fromNullable(s.byHotkey.get(hotkey))),
      stakeOf: (uid) => Effect.map(snapshot, (s) => s.neurons[uid]?.stake ?? 0),
      hotkeys: Effect.map(snapshot, (s) => s.neurons.map((neuron) => neuron.hotkey)),
      neurons: Effect.map(snapshot, (s) => s.neurons)
    })
    const status = MetagraphStatus.of({ health: Effect.map(Ref.get(state), (s) => s.health) })
    return Context.make(Metagraph, metagraph).pipe(Context.add(MetagraphStatus, status))
  })

/** A `Metagraph` that reloads from its source, as a constructor and a layer. */
export const ReloadingMetagraph = {
  make,
  /** The services for `options`; reloading runs while the layer lives. */
  layer: <E extends { readonly message: string }, R, FE extends { readonly message: string } = never, FR = never>(
    options: ReloadingMetagraphOptions<E, R, FE, FR>
  ): Layer.Layer<Metagraph | MetagraphStatus, E | FE | MetagraphRefused | MetagraphUnavailable, Exclude<R | FR, Scope.Scope>> =>
    Layer.scopedContext(make(options))
}
