import { FileSystem } from "@effect/platform"
import { keypairFromSeed } from "@gittensor-pat/axon"
import { Effect } from "effect"
import type { WalletRef } from "./validatorProcess.js"

/**
 * Writes the validator's hotkey as a Bittensor keyfile (CONTRACT §9:
 * `<path>/<name>/hotkeys/<hotkey>`, JSON with `secretSeed` and `ss58Address`, mode 0600).
 */
export const writeValidatorWallet = Effect.fn("writeValidatorWallet")(function* (path: string, seed: Uint8Array) {
  const fs = yield* FileSystem.FileSystem
  const keypair = yield* Effect.orDie(keypairFromSeed(seed))
  const wallet: WalletRef = { path, name: "bench", hotkey: "validator", address: keypair.address }
  yield* fs.makeDirectory(`${path}/${wallet.name}/hotkeys`, { recursive: true })
  yield* fs.writeFileString(
    `${path}/${wallet.name}/hotkeys/${wallet.hotkey}`,
    JSON.stringify({ secretSeed: `0x${Buffer.from(seed).toString("hex")}`, ss58Address: keypair.address }),
    { mode: 0o600 }
  )
  return wallet
})
