import { FileSystem } from "@effect/platform"
import { Hotkey, Metagraph, Neuron, Uid } from "@gittensor-pat/core"
import {
  Clock,
  Config,
  type ConfigError,
  Context,
  type Duration,
  Effect,
  Either,
  Layer,
  Option,
  ParseResult,
  Ref,
  Schedule,
  type Scope,
  Schema
} from "effect"
import { MetagraphError } from "./errors.js"

// CONTRACT §8, snake_case as the Python side writes it; extra fields are ignored.
const SnapshotFile = Schema.parseJson(
  Schema.Struct({
    netuid: Schema.Int,
    block: Schema.Int,
    neurons: Schema.Array(
      Schema.Struct({
        uid: Uid,
        hotkey: Hotkey,
        stake: Schema.Number,
        validator_trust: Schema.Number,
        axon: Schema.Struct({ ip: Schema.String, port: Schema.Int })
      })
    )
  })
)

/** A metagraph snapshot file, decoded and checked. */
export interface Snapshot {
  readonly netuid: number
  readonly block: number
  /** By uid: `neurons[uid].uid === uid`. */
  readonly neurons: ReadonlyArray<Neuron>
}

/** Decodes and checks a snapshot's text (CONTRACT §8); `path` only names it in errors. */
export const parseMetagraphSnapshot = (path: string, text: string): Either.Either<Snapshot, MetagraphError> =>
  Either.flatMap(
    Either.mapLeft(
      Schema.decodeUnknownEither(SnapshotFile)(text),
      (error) => new MetagraphError({ path, detail: `malformed: ${ParseResult.TreeFormatter.formatErrorSync(error)}` })
    ),
    (file) => {
      const misplaced = file.neurons.findIndex((neuron, index) => neuron.uid !== index)
      if (misplaced >= 0) {
        return Either.left(
          new MetagraphError({
            path,
            detail: `neuron at index ${misplaced} has uid ${file.neurons[misplaced]!.uid}; uid must equal the index`
          })
        )
      }
      if (file.neurons.length === 0) {
        return Either.left(
          new MetagraphError({
            path,
            detail: "lists no neurons (a failed export: no subnet has none); export the subnet's metagraph again"
          })
        )
      }
      const seen = new Set<string>()
      const duplicate = file.neurons.find((neuron) => seen.size === seen.add(neuron.hotkey).size)
      if (duplicate !== undefined) {
        return Either.left(new MetagraphError({ path, detail: `hotkey ${duplicate.hotkey} appears on two uids` }))
      }
      const neurons = file.neurons.map(
        ({ validator_trust, ...neuron }) => new Neuron({ ...neuron, validatorTrust: validator_trust })
      )
      return Either.right({ netuid: file.netuid, block: file.block, neurons })
    }
  )

/** Reads and checks a metagraph snapshot file (CONTRACT §8). */
export const readMetagraphSnapshot = Effect.fn("Metagraph.readSnapshot")(function* (path: string) {
  const fs = yield* FileSystem.FileSystem
  const text = yield* Effect.mapError(
    fs.readFileString(path),
    (error) =>
      new MetagraphError({
        path,
        detail:
          error._tag === "SystemError" && error.reason === "NotFound"
            ? "not found; pass --metagraph FILE (format: CONTRACT §8)"
            : `cannot be read (${error.message})`
      })
  )
  return yield* parseMetagraphSnapshot(path, text)
})

/** How fresh the served snapshot is, for `/healthz`. */
export interface MetagraphHealth {
  readonly path: string
  readonly netuid: number
  readonly block: number
  readonly neurons: number
  /** Epoch milliseconds when the served snapshot was loaded. */
  readonly loadedAt: number
  /** Why the latest reload was refused, while the last good snapshot is still served. */
  readonly lastError: Option.Option<string>
}

/** The state of the snapshot behind the `Metagraph` layer. */
export class MetagraphStatus extends Context.Tag("@gittensor-pat/axon/MetagraphStatus")<
  MetagraphStatus,
  { readonly health: Effect.Effect<MetagraphHealth> }
>() {}

interface Loaded {
  readonly snapshot: Snapshot
  readonly byHotkey: ReadonlyMap<string, Uid>
  readonly health: MetagraphHealth
}

const load = (path: string, snapshot: Snapshot, loadedAt: number): Loaded => ({
  snapshot,
  byHotkey: new Map(snapshot.neurons.map((neuron) => [neuron.hotkey, neuron.uid])),
  health: {
    path,
    netuid: snapshot.netuid,
    block: snapshot.block,
    neurons: snapshot.neurons.length,
    loadedAt,
    lastError: Option.none()
  }
})

/** Options of the snapshot-backed `Metagraph`. */
export interface MetagraphSnapshotOptions {
  readonly path: string
  /** How often the file is checked for changes. Default 2 seconds. */
  readonly pollInterval?: Duration.DurationInput
  /**
   * A hotkey every snapshot must list: a validator's own. A snapshot without it is of
   * another subnet, or a broken export, and is refused like a malformed one.
   */
  readonly ownHotkey?: string
}

/** `snapshot`, unless it does not list `ownHotkey` (when one is required). */
const listsOwnHotkey = (
  path: string,
  snapshot: Snapshot,
  ownHotkey: string | undefined
): Either.Either<Snapshot, MetagraphError> =>
  ownHotkey === undefined || snapshot.neurons.some((neuron) => neuron.hotkey === ownHotkey)
    ? Either.right(snapshot)
    : Either.left(
        new MetagraphError({
          path,
          detail: `does not list this validator's hotkey ${ownHotkey} (netuid ${snapshot.netuid}, block ${snapshot.block}); export the metagraph of the subnet this hotkey is registered on, or start with the hotkey the snapshot lists (--wallet.name, --wallet.hotkey)`
        })
      )

// Any change to the file (edit in place, or replace by rename) moves one of these.
const fingerprint = (info: FileSystem.File.Info): string =>
  [Option.map(info.mtime, (date) => date.getTime()), Option.some(info.size), info.ino]
    .map((part) => Option.getOrElse(Option.map(part, String), () => "-"))
    .join(":")

/**
 * The `Metagraph` port over a snapshot file, with its `MetagraphStatus`. Fails if the file
 * cannot be loaded now; afterwards it reloads whenever the file changes (checked every
 * `pollInterval`, for as long as the scope lives), and a bad reload (malformed, no neurons,
 * `ownHotkey` missing) is logged and reported in the status, while the last good snapshot
 * keeps being served.
 */
const make = (
  options: MetagraphSnapshotOptions
): Effect.Effect<Context.Context<Metagraph | MetagraphStatus>, MetagraphError, FileSystem.FileSystem | Scope.Scope> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const stamp = fs.stat(options.path).pipe(Effect.map(fingerprint), Effect.orElseSucceed(() => "missing"))
    const read = Effect.flatMap(readMetagraphSnapshot(options.path), (snapshot) =>
      listsOwnHotkey(options.path, snapshot, options.ownHotkey)
    )
    const seen = yield* Ref.make(yield* stamp)
    const first = yield* read
    const state = yield* Ref.make(load(options.path, first, yield* Clock.currentTimeMillis))

    const reload = Effect.gen(function* () {
      const current = yield* stamp
      if (current === (yield* Ref.get(seen))) return
      yield* Ref.set(seen, current)
      const result = yield* Effect.either(read)
      if (Either.isLeft(result)) {
        yield* Effect.logError(`${result.left.message}; still serving the last good snapshot`)
        yield* Ref.update(state, (s) => ({ ...s, health: { ...s.health, lastError: Option.some(result.left.message) } }))
        return
      }
      const loaded = load(options.path, result.right, yield* Clock.currentTimeMillis)
      yield* Ref.set(state, loaded)
      yield* Effect.logInfo(`Metagraph snapshot reloaded: block ${loaded.health.block}, ${loaded.health.neurons} neurons`)
    })
    yield* Effect.forkScoped(Effect.repeat(reload, Schedule.spaced(options.pollInterval ?? "2 seconds")))

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

/** The snapshot-backed `Metagraph` and its `MetagraphStatus`, as a constructor and layers. */
export const MetagraphSnapshot = {
  make,
  /** The services for `options`; the reload poller runs while the layer lives. */
  layer: (
    options: MetagraphSnapshotOptions
  ): Layer.Layer<Metagraph | MetagraphStatus, MetagraphError, FileSystem.FileSystem> => Layer.scopedContext(make(options)),
  /** As `layer`, with the options read from `Config`. */
  layerConfig: (
    config: Config.Config.Wrap<MetagraphSnapshotOptions>
  ): Layer.Layer<Metagraph | MetagraphStatus, MetagraphError | ConfigError.ConfigError, FileSystem.FileSystem> =>
    Layer.scopedContext(Effect.flatMap(Config.unwrap(config), make))
}
