import { NodeContext } from "@effect/platform-node"
import type { Keypair } from "@gittensor-pat/axon"
import { networkFacts } from "@gittensor-pat/subtensor-adapter"
import {
  callKey,
  encodeSubnet,
  type FakeAnswer,
  loadRecording,
  recordedBlock,
  recordedResponder,
  recordedRuntime,
  startFakeSubtensor,
  subnetAnswers,
  subnetCallKey
} from "@gittensor-pat/subtensor-adapter/testing"
import { Effect, Option } from "effect"

/** How the fake node answers the subnet's reads. */
export type ChainMode = "ok" | "garbage"

const recording = Effect.runSync(Effect.cached(Effect.provide(loadRecording, NodeContext.layer)))

/**
 * A fake finney node on 127.0.0.1 (the recorded runtime, finney's genesis hash) whose subnet
 * 74 lists `keys` (uid = position; uid 0 a validator with stake), at `block`; the test
 * changes what it answers between reads with `set`.
 */
export const fakeChain = (keys: ReadonlyArray<Keypair>, block = 5_000_000) =>
  Effect.gen(function* () {
    const recorded = yield* recording
    const runtime = recordedRuntime(recorded.metadataV15)
    const header = recorded.answers.get(callKey("chain_getHeader", [recordedBlock.hash])) as Record<string, unknown>
    const subnet = (hotkeys: ReadonlyArray<Keypair>) =>
      subnetAnswers(
        74,
        encodeSubnet(
          runtime,
          74,
          hotkeys.map((key, uid) => ({
            hotkey: key.address,
            validatorTrust: uid === 0 ? 65535 : 0,
            totalStakeRao: uid === 0 ? 100_000n * 10n ** 9n : 0n,
            ip: 0x7f000001n,
            port: 8091
          }))
        )
      )
    const state = { keys, block, mode: "ok" as ChainMode, answers: subnet(keys) }
    const respond = (method: string, params: ReadonlyArray<unknown>): FakeAnswer | undefined => {
      const key = callKey(method, params)
      if (key === callKey("chain_getBlockHash", [0])) return { result: Option.getOrThrow(networkFacts.finney.genesisHash) }
      if (key === callKey("chain_getHeader", [recordedBlock.hash])) {
        return { result: { ...header, number: `0x${state.block.toString(16)}` } }
      }
      if (state.mode === "garbage" && key === subnetCallKey("NeuronInfoRuntimeApi_get_neurons_lite", 74)) {
        return { result: "0x1234" }
      }
      return recordedResponder(recorded, state.answers)(method, params)
    }
    const node = yield* startFakeSubtensor(respond)
    return {
      node,
      /** Lists `keys` from the next read on, at `block`. */
      set: (next: { readonly keys?: ReadonlyArray<Keypair>; readonly block?: number; readonly mode?: ChainMode }) => {
        if (next.keys !== undefined) state.answers = subnet(next.keys)
        if (next.block !== undefined) state.block = next.block
        if (next.mode !== undefined) state.mode = next.mode
      }
    }
  })
