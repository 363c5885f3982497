import { Hotkey, Neuron, Uid } from "@gittensor-pat/core"
import type { Struct, Vec } from "@polkadot/types"
import type { Codec } from "@polkadot/types/types"
import { encodeAddress } from "@polkadot/util-crypto"
import { Either } from "effect"
import { InconsistentMetagraph } from "./errors.js"
import { ipText } from "./ip.js"
import type { LeadingFields } from "./runtime.js"
import { Shape } from "./shape.js"

/** What the reader takes from `NeuronInfoRuntimeApi.get_neurons_lite(netuid)`. */
export const neuronsLiteShape = Shape.vec(
  Shape.struct({
    hotkey: Shape.account,
    uid: Shape.uint,
    netuid: Shape.uint,
    validator_trust: Shape.uint,
    axon_info: Shape.struct({ ip: Shape.uint, port: Shape.uint })
  })
)

/** What the reader takes from `SubnetInfoRuntimeApi.get_subnet_state(netuid)`. */
export const subnetStateShape = Shape.option(
  Shape.struct({ netuid: Shape.uint, hotkeys: Shape.vec(Shape.account), total_stake: Shape.vec(Shape.uint) })
)

/** Bittensor's ss58 prefix (the generic Substrate one). */
const ss58Prefix = 42
const raoPerTao = 1e9
const u16Max = 65535

// Runtime field names are snake_case; the codec's keys are the registry's own spelling of them.
const keys = new Map<string, string>()
const keyOf = (struct: Struct, name: string): string => {
  const known = keys.get(name)
  if (known !== undefined) return known
  const [key] = struct.registry.lookup.sanitizeField(struct.registry.createType("Option<Text>", name))
  keys.set(name, key ?? name)
  return key ?? name
}

// The shape was checked before decoding, so a missing field here is a bug, not bad chain data.
const field = (codec: Codec, name: string): Codec => {
  const value = (codec as Struct).get(keyOf(codec as Struct, name))
  if (value === undefined) throw new Error(`decoded value has no field ${name}`)
  return value
}

// A checked uint decodes as an integer codec (a compact one unwraps to one).
const uint = (codec: Codec): bigint => (codec as unknown as { toBigInt: () => bigint }).toBigInt()

const account = (codec: Codec): string => encodeAddress(codec.toU8a(true), ss58Prefix)

const items = (codec: Codec): ReadonlyArray<Codec> => [...(codec as Vec<Codec>)]

/** One neuron as `get_neurons_lite` describes it, raw. */
export interface LiteNeuron {
  readonly uid: number
  readonly netuid: number
  readonly hotkey: string
  /** u16, 65535 = 1. */
  readonly validatorTrust: number
  readonly ip: bigint
  readonly port: number
}

/** The subnet as `get_subnet_state` describes it, raw: per uid, hotkey and total stake in rao. */
export interface SubnetStake {
  readonly netuid: number
  readonly hotkeys: ReadonlyArray<string>
  readonly totalStake: ReadonlyArray<bigint>
}

/** Reads the decoded answer of `get_neurons_lite` (of `neuronsLiteShape`). */
export const liteNeurons = (decoded: Codec): ReadonlyArray<LiteNeuron> =>
  items(decoded).map((neuron) => {
    const axon = field(neuron, "axon_info")
    return {
      uid: Number(uint(field(neuron, "uid"))),
      netuid: Number(uint(field(neuron, "netuid"))),
      hotkey: account(field(neuron, "hotkey")),
      validatorTrust: Number(uint(field(neuron, "validator_trust"))),
      ip: uint(field(axon, "ip")),
      port: Number(uint(field(axon, "port")))
    }
  })

/** Reads the decoded answer of `get_subnet_state` (the fields of `subnetStateShape`). */
export const subnetStake = (state: LeadingFields): SubnetStake => ({
  netuid: Number(uint(state.netuid!)),
  hotkeys: items(state.hotkeys!).map(account),
  totalStake: items(state.total_stake!).map(uint)
})

/**
 * The snapshot's neurons from the two answers read at one block, as the SDK computes them:
 * stake = total_stake / 1e9, validator_trust = u16 / 65535, the axon's ip as text. Fails when
 * the answers disagree on the subnet, its size, a uid or a hotkey.
 */
export const joinAnswers = (
  netuid: number,
  block: number,
  lite: ReadonlyArray<LiteNeuron>,
  state: SubnetStake
): Either.Either<ReadonlyArray<Neuron>, InconsistentMetagraph> => {
  const disagree = (detail: string) => Either.left(new InconsistentMetagraph({ netuid, block, detail }))
  if (state.netuid !== netuid) return disagree(`get_subnet_state answered for subnet ${state.netuid}`)
  if (lite.length !== state.hotkeys.length || lite.length !== state.totalStake.length) {
    return disagree(
      `get_neurons_lite lists ${lite.length} neurons, get_subnet_state ${state.hotkeys.length} hotkeys and ${state.totalStake.length} stakes`
    )
  }
  const seen = new Set<string>()
  for (const [index, neuron] of lite.entries()) {
    if (neuron.netuid !== netuid) return disagree(`get_neurons_lite lists uid ${neuron.uid} of subnet ${neuron.netuid}`)
    if (neuron.uid !== index) return disagree(`get_neurons_lite lists uid ${neuron.uid} at position ${index}`)
    if (neuron.hotkey !== state.hotkeys[index]) {
      return disagree(`uid ${index} is ${neuron.hotkey} in get_neurons_lite but ${state.hotkeys[index]} in get_subnet_state`)
    }
    if (seen.size === seen.add(neuron.hotkey).size) return disagree(`hotkey ${neuron.hotkey} is on two uids`)
  }
  return Either.right(
    lite.map((neuron, uid) =>
      Neuron.make({
        uid: Uid.make(uid),
        hotkey: Hotkey.make(neuron.hotkey),
        stake: Number(state.totalStake[uid]!) / raoPerTao,
        validatorTrust: neuron.validatorTrust / u16Max,
        axon: { ip: ipText(neuron.ip), port: neuron.port }
      })
    )
  )
}
