import { FileSystem } from "@effect/platform"
import { devValidatorKey, hotkeyFile, type Keypair, readHotkey, type WalletError, writeHotkey } from "@gittensor-pat/axon"
import { Effect } from "effect"
import type { ServeSettings } from "./settings.js"

/**
 * The validator's hotkey. In development mode the dev wallet is written once (the publicly
 * known `devValidatorKey`, mode 0600, under `data/dev-wallet/`) so that a fresh clone runs
 * with no setup and `examples/metagraph.json` lists it as uid 0.
 */
export const loadHotkey = (settings: ServeSettings): Effect.Effect<Keypair, WalletError, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    if (settings.devWallet) {
      const fs = yield* FileSystem.FileSystem
      const exists = yield* Effect.orElseSucceed(fs.exists(hotkeyFile(settings.wallet)), () => false)
      if (!exists) yield* writeHotkey(settings.wallet, yield* devValidatorKey)
    }
    return yield* readHotkey(settings.wallet)
  })
