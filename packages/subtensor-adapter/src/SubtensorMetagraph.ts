import { Metagraph } from "@gittensor-pat/core"
import { Effect, Layer, Option } from "effect"
import type { SubtensorError } from "./errors.js"
import { type ChainReadOptions, type ChainSnapshot, readChainMetagraph } from "./readChainMetagraph.js"

const metagraphOf = (snapshot: ChainSnapshot): Metagraph["Type"] => {
  const byHotkey = new Map(snapshot.neurons.map((neuron) => [neuron.hotkey, neuron.uid]))
  return Metagraph.of({
    uidOf: (hotkey) => Effect.succeed(Option.fromNullable(byHotkey.get(hotkey))),
    stakeOf: (uid) => Effect.succeed(snapshot.neurons[uid]?.stake ?? 0),
    hotkeys: Effect.succeed(snapshot.neurons.map((neuron) => neuron.hotkey)),
    neurons: Effect.succeed(snapshot.neurons)
  })
}

/** The chain-backed `Metagraph`. */
export const SubtensorMetagraph = {
  /** The `Metagraph` of one chain read (see `readChainMetagraph`), made when the layer is built. */
  layer: (options: ChainReadOptions): Layer.Layer<Metagraph, SubtensorError> =>
    Layer.effect(Metagraph, Effect.map(readChainMetagraph(options), metagraphOf))
}
