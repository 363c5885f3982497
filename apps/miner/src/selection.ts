import type { Hotkey, Neuron, Uid } from "@gittensor-pat/core"
import { Array as Arr, Either } from "effect"

/** Which neurons a miner treats as validators worth calling (defaults: docs/miner.md, "Flags"). */
export interface SelectionPolicy {
  readonly minVtrust: number
  readonly minStake: number
}

/** The defaults of `--min-vtrust` and `--min-stake`. */
export const defaultPolicy: SelectionPolicy = { minVtrust: 0.25, minStake: 15000 }

/** A neuron that is not called, and every reason why not. */
export interface Skipped {
  readonly uid: Uid
  readonly hotkey: Hotkey
  readonly reason: string
}

/** The validators to call, in uid order, and the neurons left out. */
export interface Selection {
  readonly eligible: ReadonlyArray<Neuron>
  readonly skipped: ReadonlyArray<Skipped>
}

/** An axon at 0.0.0.0 or on port 0 is registered but not serving. */
export const isServing = (axon: Neuron["axon"]): boolean =>
  axon.ip !== "0.0.0.0" && axon.ip !== "" && axon.port > 0

/** Why `neuron` is not called under `policy`; empty when it is eligible. */
export const skipReasons = (neuron: Neuron, policy: SelectionPolicy): ReadonlyArray<string> => [
  ...(neuron.validatorTrust > policy.minVtrust
    ? []
    : [`validator_trust ${neuron.validatorTrust} ≤ ${policy.minVtrust}`]),
  ...(isServing(neuron.axon)
    ? []
    : [`axon not serving (${neuron.axon.ip || "no ip"}:${neuron.axon.port})`]),
  ...(neuron.stake >= policy.minStake ? [] : [`stake ${neuron.stake} < ${policy.minStake}`])
]

/** Splits the metagraph into validators to call and skipped neurons with their reasons. */
export const selectValidators = (
  neurons: ReadonlyArray<Neuron>,
  policy: SelectionPolicy
): Selection => {
  const [skipped, eligible] = Arr.partitionMap(neurons, (neuron) => {
    const reasons = skipReasons(neuron, policy)
    return reasons.length === 0
      ? Either.right(neuron)
      : Either.left({ uid: neuron.uid, hotkey: neuron.hotkey, reason: reasons.join("; ") })
  })
  return { eligible, skipped }
}
