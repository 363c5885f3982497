import { FileSystem } from "@effect/platform"
import type { Keypair } from "@gittensor-pat/axon"
import { Effect } from "effect"
import { minerAccount, minerStake, minerToken } from "./miners.js"

/**
 * The temp metagraph (docs/metagraph.md, "The snapshot file"): every bench miner registered on its own uid, and the
 * validator after them (a validator refuses a snapshot that does not list its own hotkey).
 */
export const metagraphJson = (miners: ReadonlyArray<Keypair>, validatorHotkey: string): string =>
  JSON.stringify({
    netuid: 74,
    block: 1,
    neurons: [
      ...miners.map((keypair, uid) => ({
        uid,
        hotkey: keypair.address,
        stake: minerStake(uid),
        validator_trust: 0,
        axon: { ip: "0.0.0.0", port: 0 }
      })),
      { uid: miners.length, hotkey: validatorHotkey, stake: 0, validator_trust: 1, axon: { ip: "127.0.0.1", port: 0 } }
    ]
  })

/** A store (docs/store.md, "Format") already holding token variant 0 of each of `miners`, so checks find a PAT. */
export const seededStoreJson = (miners: ReadonlyArray<Keypair>, seeded: ReadonlyArray<number>): string =>
  JSON.stringify(
    seeded.map((uid) => ({
      uid,
      hotkey: miners[uid]!.address,
      pat: minerToken(uid),
      github_id: String(minerAccount(uid).id),
      stored_at: "2026-01-01T00:00:00+00:00"
    })),
    null,
    2
  )

/** Files of one bench world in a temp folder. */
export interface FixtureFiles {
  readonly metagraphFile: string
  readonly patsFile: string
}

/** Writes the metagraph and the store (seeded for `seeded` miners) into `dir`, store mode 0600. */
export const writeFixture = Effect.fn("writeFixture")(function* (
  dir: string,
  miners: ReadonlyArray<Keypair>,
  seeded: ReadonlyArray<number>,
  validatorHotkey: string
) {
  const fs = yield* FileSystem.FileSystem
  const files: FixtureFiles = { metagraphFile: `${dir}/metagraph.json`, patsFile: `${dir}/miner_pats.json` }
  yield* fs.writeFileString(files.metagraphFile, metagraphJson(miners, validatorHotkey))
  yield* fs.writeFileString(files.patsFile, seededStoreJson(miners, seeded), { mode: 0o600 })
  return files
})
