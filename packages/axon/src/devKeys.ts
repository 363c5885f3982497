import { createHash } from "node:crypto"
import { Effect } from "effect"
import { type Keypair, keypairFromSeed } from "./Keypair.js"

// INSECURE BY DESIGN: these seeds are SHA-256 of fixed, published strings, so anyone can
// rebuild the keys. They exist so that development mode and the demo run on a fresh clone
// with no wallet; never register them on a real subnet.
const devKey = (label: string): Effect.Effect<Keypair> =>
  keypairFromSeed(createHash("sha256").update(`gittensor-pat insecure development key: ${label}`).digest()).pipe(
    Effect.orDie
  )

/** The development validator's hotkey: publicly known, for dev mode and tests only. */
export const devValidatorKey: Effect.Effect<Keypair> = devKey("validator")

/** The `n`th development miner's hotkey: publicly known, for the demo and tests only. */
export const devMinerKey = (n: number): Effect.Effect<Keypair> => devKey(`miner ${n}`)
