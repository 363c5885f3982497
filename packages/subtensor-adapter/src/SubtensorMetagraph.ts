import { Metagraph } from "@gittensor-pat/core"
import { Effect, Layer, Option } from "effect"
import type { SubtensorError } from "./errors.js"
import { type ChainReadOptions, type ChainSnapshot, readChainMetagraph } from "./readChainMetagraph.js"

/** The `Metagraph` port over one chain read. */
const fromSnapshot = (snapshot: ChainSnapshot): Metagraph["Type"] => {
  const byHotkey = new Map(snapshot.neurons.map((neuron) => [neuron.hotkey, neuron.uid]))
  return Metagraph.of({
    uidOf: (hotkey) => Effect.succeed(Option.fromNullable(byHotkey.get(hotkey))),
    stakeOf: (uid) => Effect.succeed(snapshot.neurons[uid]?.stake ?? 0),
    hotkeys: Effect.succeed(snapshot.neurons.map((neuron) => neuron.hotkey)),
    neurons: Effect.succeed(snapshot.neurons)
  })
}

/** The chain-backed `Metagraph`, as a constructor and a layer. */
export const SubtensorMetagraph = {
  fromSnapshot,
  /** Reads the metagraph once (see `readChainMetagraph`). */
  make: (options: ChainReadOptions): Effect.Effect<Metagraph["Type"], SubtensorError> =>
    Effect.map(readChainMetagraph(options), fromSnapshot),
  /** The `Metagraph` from one read, made when the layer is built. */
  layer: (options: ChainReadOptions): Layer.Layer<Metagraph, SubtensorError> =>
    Layer.effect(Metagraph, Effect.map(readChainMetagraph(options), fromSnapshot))
}
