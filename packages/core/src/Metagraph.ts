import { Context, type Effect, type Option } from "effect"
import type { Hotkey, Neuron, Uid } from "./domain.js"

/** The subnet's registered neurons, as last seen. */
export class Metagraph extends Context.Tag("@gittensor-pat/core/Metagraph")<
  Metagraph,
  {
    /** The uid a hotkey is registered on, if it is. */
    readonly uidOf: (hotkey: Hotkey) => Effect.Effect<Option.Option<Uid>>
    /** The stake on a uid (0 when the uid is unknown). */
    readonly stakeOf: (uid: Uid) => Effect.Effect<number>
    /** Every registered hotkey, by uid order. */
    readonly hotkeys: Effect.Effect<ReadonlyArray<Hotkey>>
    /** Every neuron, by uid order. */
    readonly neurons: Effect.Effect<ReadonlyArray<Neuron>>
  }
>() {}
