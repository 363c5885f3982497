import type { FileSystem } from "@effect/platform"
import { type MetagraphError, readMetagraphSnapshot } from "@gittensor-pat/axon"
import type { Neuron } from "@gittensor-pat/core"
import type { SubtensorError } from "@gittensor-pat/subtensor-adapter"
import { chainNamed, chainRead } from "@gittensor-pat/subtensor-adapter/flags"
import { describeTarget } from "@gittensor-pat/subtensor-adapter/networks"
import { Console, Effect, Either, Option } from "effect"
import { BadUsage } from "./errors.js"
import type { MinerOptions } from "./options.js"

/** The neurons to pick validators from, and what they were read from (for messages). */
export interface LoadedMetagraph {
  readonly netuid: number
  readonly neurons: ReadonlyArray<Neuron>
  readonly source: string
}

// Loaded only when the chain is read: otherwise the decoder (polkadot's types) is set up on
// every start, `--help` included (about 0.1 s of CPU more, measured on the bundle).
const subtensor = Effect.promise(() => import("@gittensor-pat/subtensor-adapter"))

const fromFile = (file: string) =>
  Effect.map(readMetagraphSnapshot(file), (snapshot) => ({
    netuid: snapshot.netuid,
    neurons: snapshot.neurons,
    source: `the metagraph snapshot ${file} (subnet ${snapshot.netuid}, block ${snapshot.block})`
  }))

/**
 * Reads the metagraph as docs/metagraph.md, "Reading the chain instead", says: `--metagraph FILE` alone is read; otherwise the
 * chain is (finney unless a network or endpoint is named), with progress on stderr, and a
 * `--metagraph FILE` given as well is the fallback when the chain read fails.
 */
export const loadMetagraph = Effect.fn("miner.loadMetagraph")(function* (options: MinerOptions) {
  if (Option.isSome(options.metagraph) && !chainNamed(options)) return yield* fromFile(options.metagraph.value)
  const { target, netuid } = yield* Either.mapLeft(chainRead(options), (detail) => new BadUsage({ detail }))
  const chain = describeTarget(target)
  yield* Console.error(`reading subnet ${netuid} from ${chain}…`)
  const { readChainMetagraph } = yield* subtensor
  return yield* readChainMetagraph({ target, netuid }).pipe(
    Effect.tap((snapshot) =>
      Console.error(`read subnet ${netuid} at block ${snapshot.block}: ${snapshot.neurons.length} neurons.`)
    ),
    Effect.map((snapshot): LoadedMetagraph => ({
      netuid,
      neurons: snapshot.neurons,
      source: `subnet ${netuid} on ${chain} (block ${snapshot.block})`
    })),
    Effect.catchAll(
      (error): Effect.Effect<LoadedMetagraph, SubtensorError | MetagraphError, FileSystem.FileSystem> =>
        Option.match(options.metagraph, {
          onNone: () => Effect.fail(error),
          onSome: (file) =>
            Console.error(`${error.message}\nFalling back to --metagraph ${file}.`).pipe(Effect.zipRight(fromFile(file)))
        })
    )
  )
})
