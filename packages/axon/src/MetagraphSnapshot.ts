import { FileSystem } from "@effect/platform"
import { Hotkey, type Metagraph, Neuron, Uid } from "@gittensor-pat/core"
import { Config, type ConfigError, type Duration, Effect, Either, Layer, Option, ParseResult, Ref, Schema } from "effect"
import { MetagraphError } from "./errors.js"
import {
  type MetagraphRefused,
  type MetagraphSource,
  type MetagraphStatus,
  type MetagraphUnavailable,
  ReloadingMetagraph
} from "./ReloadingMetagraph.js"

// docs/metagraph.md, "The snapshot file", snake_case as the Python side writes it; extra fields are ignored.
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

/** Where a user reads the snapshot's format: named by every message about it. */
const FORMAT = "format: docs/metagraph.md"

/** The snapshot's shape in one line, for the message that has room for it. */
const SHAPE = '{"netuid", "block", "neurons": [{"uid", "hotkey", "stake", "validator_trust", "axon": {"ip", "port"}}]}'

/** A metagraph snapshot file, decoded and checked. */
export interface Snapshot {
  readonly netuid: number
  readonly block: number
  /** By uid: `neurons[uid].uid === uid`. */
  readonly neurons: ReadonlyArray<Neuron>
}

/** Decodes and checks a snapshot's text (docs/metagraph.md, "The snapshot file"); `path` only names it in errors. */
export const parseMetagraphSnapshot = (path: string, text: string): Either.Either<Snapshot, MetagraphError> =>
  Either.flatMap(
    Either.mapLeft(
      Schema.decodeUnknownEither(SnapshotFile)(text),
      (error) => new MetagraphError({ path, detail: `malformed (${FORMAT}): ${ParseResult.TreeFormatter.formatErrorSync(error)}` })
    ),
    (file) => {
      const misplaced = file.neurons.findIndex((neuron, index) => neuron.uid !== index)
      if (misplaced >= 0) {
        return Either.left(
          new MetagraphError({
            path,
            detail: `neuron at index ${misplaced} has uid ${file.neurons[misplaced]!.uid}; uid must equal the index (${FORMAT})`
          })
        )
      }
      if (file.neurons.length === 0) {
        return Either.left(
          new MetagraphError({
            path,
            detail: `lists no neurons (a failed export: no subnet has none); export the subnet's metagraph again (docs/metagraph.md, "Exporting a snapshot")`
          })
        )
      }
      const seen = new Set<string>()
      const duplicate = file.neurons.find((neuron) => seen.size === seen.add(neuron.hotkey).size)
      if (duplicate !== undefined) {
        return Either.left(new MetagraphError({ path, detail: `hotkey ${duplicate.hotkey} appears on two uids (${FORMAT})` }))
      }
      const neurons = file.neurons.map(
        ({ validator_trust, ...neuron }) => new Neuron({ ...neuron, validatorTrust: validator_trust })
      )
      return Either.right({ netuid: file.netuid, block: file.block, neurons })
    }
  )

/** Reads and checks a metagraph snapshot file (docs/metagraph.md, "The snapshot file"). */
export const readMetagraphSnapshot = Effect.fn("Metagraph.readSnapshot")(function* (path: string) {
  const fs = yield* FileSystem.FileSystem
  const text = yield* Effect.mapError(
    fs.readFileString(path),
    (error) =>
      new MetagraphError({
        path,
        detail:
          error._tag === "SystemError" && error.reason === "NotFound"
            ? `not found; pass --metagraph FILE (${FORMAT}: ${SHAPE})`
            : `cannot be read (${error.message})`
      })
  )
  return yield* parseMetagraphSnapshot(path, text)
})

/** Options of the snapshot-file-backed `Metagraph`. */
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

// Any change to the file (edit in place, or replace by rename) moves one of these.
const fingerprint = (info: FileSystem.File.Info): string =>
  [Option.map(info.mtime, (date) => date.getTime()), Option.some(info.size), info.ino]
    .map((part) => Option.getOrElse(Option.map(part, String), () => "-"))
    .join(":")

/**
 * A snapshot file as a metagraph source: read when its fingerprint (mtime, size, inode)
 * moved since the last look, checked every `pollInterval` (default 2 seconds).
 */
export const snapshotFileSource = (
  path: string,
  pollInterval: Duration.DurationInput = "2 seconds"
): Effect.Effect<MetagraphSource<MetagraphError, FileSystem.FileSystem>, never, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const stamp = fs.stat(path).pipe(Effect.map(fingerprint), Effect.orElseSucceed(() => "missing"))
    const seen = yield* Ref.make(yield* stamp)
    return {
      label: `Metagraph snapshot ${path}`,
      read: readMetagraphSnapshot(path),
      every: pollInterval,
      changed: Effect.flatMap(stamp, (current) => Ref.modify(seen, (last) => [current !== last, current])),
      whenNotListed:
        "export the metagraph of the subnet this hotkey is registered on, or start with the hotkey the snapshot lists (--wallet.name, --wallet.hotkey)"
    }
  })

const layer = (
  options: MetagraphSnapshotOptions
): Layer.Layer<Metagraph | MetagraphStatus, MetagraphError | MetagraphRefused | MetagraphUnavailable, FileSystem.FileSystem> =>
  Layer.scopedContext(
    Effect.flatMap(snapshotFileSource(options.path, options.pollInterval), (source) =>
      ReloadingMetagraph.make({ source, ...(options.ownHotkey === undefined ? {} : { ownHotkey: options.ownHotkey }) })
    )
  )

/**
 * The `Metagraph` port over a snapshot file, with its `MetagraphStatus` (see
 * `ReloadingMetagraph`): fails if the file cannot be served now; afterwards it reloads
 * whenever the file changes, and a bad reload (malformed, no neurons, `ownHotkey` missing)
 * is logged and reported in the status while the last good snapshot keeps being served.
 */
export const MetagraphSnapshot = {
  /** The services for `options`; the reload poller runs while the layer lives. */
  layer,
  /** As `layer`, with the options read from `Config`. */
  layerConfig: (
    config: Config.Config.Wrap<MetagraphSnapshotOptions>
  ): Layer.Layer<Metagraph | MetagraphStatus, MetagraphError | MetagraphRefused | MetagraphUnavailable | ConfigError.ConfigError, FileSystem.FileSystem> =>
    Layer.unwrapEffect(Effect.map(Config.unwrap(config), layer))
}
