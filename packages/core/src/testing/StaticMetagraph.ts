import { Context, Effect, Layer, Option, Ref } from "effect"
import { type Hotkey, Neuron, type Uid } from "../domain.js"
import { Metagraph } from "../Metagraph.js"

/** A neuron on `uid` with `hotkey`, serving nothing, for tests that only need registration. */
export const neuron = (uid: number, hotkey: string, stake = 0): Neuron =>
  Neuron.make({
    uid: uid as Uid,
    hotkey: hotkey as Hotkey,
    stake,
    validatorTrust: 0,
    axon: { ip: "127.0.0.1", port: 0 }
  })

interface Indexed {
  readonly neurons: ReadonlyArray<Neuron>
  readonly byHotkey: ReadonlyMap<Hotkey, Neuron>
  readonly byUid: ReadonlyMap<Uid, Neuron>
}

const index = (neurons: ReadonlyArray<Neuron>): Indexed => ({
  neurons,
  byHotkey: new Map(neurons.map((n) => [n.hotkey, n])),
  byUid: new Map(neurons.map((n) => [n.uid, n]))
})

/** The handle tests use to change a `StaticMetagraph` between (or during) requests. */
export class StaticMetagraph extends Context.Tag("@gittensor-pat/core/testing/StaticMetagraph")<
  StaticMetagraph,
  {
    /** Replaces every neuron, as a reloaded snapshot would. */
    readonly set: (neurons: ReadonlyArray<Neuron>) => Effect.Effect<void>
  }
>() {
  /** A `Metagraph` over a fixed list of neurons, plus its handle. */
  static readonly make = (neurons: ReadonlyArray<Neuron>) =>
    Effect.map(Ref.make(index(neurons)), (state) => {
      const metagraph: Metagraph["Type"] = {
        uidOf: (hotkey) => Effect.map(Ref.get(state), (s) => Option.map(Option.fromNullable(s.byHotkey.get(hotkey)), (n) => n.uid)),
        stakeOf: (uid) => Effect.map(Ref.get(state), (s) => s.byUid.get(uid)?.stake ?? 0),
        hotkeys: Effect.map(Ref.get(state), (s) => s.neurons.map((n) => n.hotkey)),
        neurons: Effect.map(Ref.get(state), (s) => s.neurons)
      }
      const handle: StaticMetagraph["Type"] = { set: (next) => Ref.set(state, index(next)) }
      return { metagraph, handle }
    })

  /** The metagraph and its handle as one layer; fresh state per build. */
  static readonly layer = (neurons: ReadonlyArray<Neuron>): Layer.Layer<Metagraph | StaticMetagraph> =>
    Layer.effectContext(
      Effect.map(StaticMetagraph.make(neurons), ({ metagraph, handle }) =>
        Context.make(Metagraph, metagraph).pipe(Context.add(StaticMetagraph, handle))
      )
    )
}
