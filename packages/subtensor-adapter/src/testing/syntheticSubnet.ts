import { hexToU8a, u8aToHex } from "@polkadot/util"
import { decodeAddress } from "@polkadot/util-crypto"
import type { Runtime } from "../runtime.js"
import type { FakeAnswer } from "./FakeSubtensor.js"
import { callKey, recordedBlock } from "./recordedChain.js"

/** A neuron to encode, in the chain's own units. */
export interface SyntheticNeuron {
  readonly hotkey: string
  /** u16: 65535 is 1. */
  readonly validatorTrust: number
  readonly totalStakeRao: bigint
  /** u128: IPv4 when it fits in 32 bits. */
  readonly ip: bigint
  readonly port: number
}

const outputType = (runtime: Runtime, api: string, method: string): string => {
  const entry = runtime.metadata.asV15.apis
    .find((a) => a.name.toString() === api)
    ?.methods.find((m) => m.name.toString() === method)
  if (entry === undefined) throw new Error(`no ${api}.${method} in the runtime`)
  return runtime.registry.createLookupType(entry.output)
}

/** Subnet `netuid`'s two answers for `neurons` (uid = position), encoded with the runtime's own types. */
export const encodeSubnet = (runtime: Runtime, netuid: number, neurons: ReadonlyArray<SyntheticNeuron>) => {
  const { registry } = runtime
  const lite = neurons.map((neuron, uid) => ({
    hotkey: neuron.hotkey,
    coldkey: neuron.hotkey,
    uid,
    netuid,
    active: true,
    axonInfo: { ip: neuron.ip, port: neuron.port, ipType: neuron.ip < 1n << 32n ? 4 : 6, protocol: 4 },
    validatorTrust: neuron.validatorTrust,
    validatorPermit: neuron.validatorTrust > 0
  }))
  const state = {
    netuid,
    hotkeys: neurons.map((n) => n.hotkey),
    coldkeys: neurons.map((n) => n.hotkey),
    totalStake: neurons.map((n) => n.totalStakeRao)
  }
  return {
    neuronsLite: u8aToHex(registry.createType(outputType(runtime, "NeuronInfoRuntimeApi", "get_neurons_lite"), lite).toU8a()),
    subnetState: u8aToHex(registry.createType(outputType(runtime, "SubnetInfoRuntimeApi", "get_subnet_state"), state).toU8a())
  }
}

/** The `state_call` key of a subnet-level runtime API call at the recorded head. */
export const subnetCallKey = (method: string, netuid: number): string =>
  callKey("state_call", [method, u8aToHex(new Uint8Array([netuid & 0xff, netuid >> 8])), recordedBlock.hash])

/** Fake-node overrides answering subnet `netuid` with the two answers given. */
export const subnetAnswers = (
  netuid: number,
  answers: { readonly neuronsLite: string; readonly subnetState: string }
): ReadonlyMap<string, FakeAnswer> =>
  new Map<string, FakeAnswer>([
    [subnetCallKey("NeuronInfoRuntimeApi_get_neurons_lite", netuid), { result: answers.neuronsLite }],
    [subnetCallKey("SubnetInfoRuntimeApi_get_subnet_state", netuid), { result: answers.subnetState }]
  ])

/**
 * The recorded subnet's two answers with every serving axon moved to 127.0.0.1:`port` and
 * uid `uid`'s hotkey replaced by `hotkey`, everything else as recorded: a miner can then
 * run on real chain data without a single packet leaving the machine.
 */
export const recordedOnLoopback = (
  runtime: Runtime,
  answers: { readonly neuronsLite: string; readonly subnetState: string },
  options: { readonly port: number; readonly uid: number; readonly hotkey: string }
) => {
  const { registry } = runtime
  const liteType = outputType(runtime, "NeuronInfoRuntimeApi", "get_neurons_lite")
  const neurons = registry.createType(liteType, hexToU8a(answers.neuronsLite)).toJSON() as Array<{
    hotkey: string
    axonInfo: { ip: number | string; port: number }
  }>
  const replaced = neurons[options.uid]!.hotkey
  const moved = neurons.map((neuron, uid) => ({
    ...neuron,
    hotkey: uid === options.uid ? options.hotkey : neuron.hotkey,
    axonInfo: BigInt(neuron.axonInfo.ip) === 0n ? neuron.axonInfo : { ...neuron.axonInfo, ip: 0x7f000001, port: options.port }
  }))
  const key = (ss58: string) => u8aToHex(decodeAddress(ss58)).slice(2)
  const [before, ...after] = answers.subnetState.split(key(replaced))
  if (before === undefined || after.length !== 1) throw new Error(`hotkey of uid ${options.uid} is not once in the subnet state`)
  return {
    neuronsLite: u8aToHex(registry.createType(liteType, moved).toU8a()),
    subnetState: `${before}${key(options.hotkey)}${after[0]}`
  }
}
