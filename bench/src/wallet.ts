import { keypairFromSeed, writeHotkey } from "@gittensor-pat/axon"
import { Effect } from "effect"
import type { WalletRef } from "./validatorProcess.js"

/** Writes the validator's hotkey as a Bittensor keyfile under `path` (docs/wallet.md). */
export const writeValidatorWallet = Effect.fn("writeValidatorWallet")(function* (path: string, seed: Uint8Array) {
  const keypair = yield* Effect.orDie(keypairFromSeed(seed))
  const wallet: WalletRef = { path, name: "bench", hotkey: "validator", address: keypair.address }
  yield* Effect.orDie(writeHotkey(wallet, keypair))
  return wallet
})
