import { keypairFromSeed, type Keypair } from "@gittensor-pat/axon"
import { Effect } from "effect"
import { createHash } from "node:crypto"

/**
 * The bench's miners, the same in every process: miner `i` is uid `i` in the temp
 * metagraph, with a key, a GitHub account, tokens and a stake all derived from `i`.
 */
export const minerCount = 1280

/** Miner indices `from` (inclusive) to `to` (exclusive). */
export const minerRange = (from: number, to: number): ReadonlyArray<number> =>
  Array.from({ length: to - from }, (_, k) => from + k)

/** Miner `i`'s 32-byte sr25519 mini secret. */
export const minerSeed = (index: number): Uint8Array =>
  createHash("sha256").update(`gittensor-pat-bench-miner-${index}`).digest()

/** Miner `i`'s hotkey. */
export const minerKeypair = (index: number): Effect.Effect<Keypair> =>
  Effect.orDie(keypairFromSeed(minerSeed(index)))

/** Every miner's hotkey, by index. */
export const allMinerKeypairs: Effect.Effect<ReadonlyArray<Keypair>> = Effect.forEach(
  minerRange(0, minerCount),
  minerKeypair
)

/** Token variant `variant` of miner `i`: all variants belong to the miner's one GitHub account. */
export const minerToken = (index: number, variant = 0): string =>
  `ghp_bench${String(index).padStart(5, "0")}v${String(variant).padStart(4, "0")}`

/** Miner `i`'s GitHub account. */
export const minerAccount = (index: number) => ({ id: 700_000 + index, login: `bench-miner-${index}` })

/** Miner `i`'s stake: spread pseudo-randomly over 10..100 010 so stake order is not uid order. */
export const minerStake = (index: number): number => 10 + ((index * 2_654_435_761) % 100_000)
