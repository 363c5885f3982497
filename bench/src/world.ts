import { FileSystem } from "@effect/platform"
import type { Keypair } from "@gittensor-pat/axon"
import { Effect } from "effect"
import { createHash } from "node:crypto"
import { type BenchGitHub, startBenchGitHub } from "./fakeGitHub.js"
import { type FixtureFiles, writeFixture } from "./fixture.js"
import { type LoadGenerator, type LoadGroupInput, loadGroup, startLoadGenerator } from "./loadRun.js"
import { allMinerKeypairs, minerRange, minerCount } from "./miners.js"
import { type RunningValidator, startValidator, type ValidatorSetup, type WalletRef } from "./validatorProcess.js"
import { writeValidatorWallet } from "./wallet.js"

/** Everything a run needs around the validator: a temp folder, miners, files, a fake GitHub. */
export interface World {
  readonly dir: string
  readonly keypairs: ReadonlyArray<Keypair>
  readonly files: FixtureFiles
  readonly wallet: WalletRef
  readonly github: BenchGitHub
  readonly load: LoadGenerator
}

/** The validator's own 32-byte mini secret, fixed so that runs are comparable. */
export const validatorSeed = createHash("sha256").update("gittensor-pat-bench-validator").digest()

/**
 * Builds a world in a fresh temp folder (removed when the scope ends): every bench miner
 * registered, the store seeded with every miner's token (so checks find one), and the
 * fake GitHub running with every miner's token variant 0 allowed, and the load generator.
 */
export const makeWorld = Effect.fn("makeWorld")(function* () {
  const fs = yield* FileSystem.FileSystem
  const dir = yield* fs.makeTempDirectoryScoped({ prefix: "gittensor-bench-" })
  const keypairs = yield* allMinerKeypairs
  const everyMiner = minerRange(0, minerCount)
  const wallet = yield* writeValidatorWallet(`${dir}/wallets`, validatorSeed)
  const files = yield* writeFixture(dir, keypairs, everyMiner, wallet.address)
  const github = yield* startBenchGitHub(`${dir}/fake-github.log`)
  yield* github.allowMiners(everyMiner)
  const load = yield* startLoadGenerator(`${dir}/load-generator.log`)
  const world: World = { dir, keypairs, files, wallet, github, load }
  return world
})

/** Starts a validator on the world's files, wallet and fake GitHub; `overrides` win. */
export const startValidatorIn = (world: World, overrides: Partial<ValidatorSetup> = {}) =>
  startValidator({
    files: world.files,
    wallet: world.wallet,
    githubUrl: world.github.url,
    logFile: `${world.dir}/validator.log`,
    ...overrides
  })

/** Runs groups of checks against `validator` through the world's load generator. */
export const runChecks = (
  world: World,
  validator: RunningValidator,
  groups: ReadonlyArray<Omit<LoadGroupInput, "synapse">>
) =>
  world.load.run({
    target: validator.target,
    groups: groups.map((group) => loadGroup({ synapse: "PatCheckSynapse", ...group }))
  })

/** A second of checks from 16 miners, not reported: the JIT and the connection pools warm up. */
export const warmUp = (world: World, validator: RunningValidator) =>
  runChecks(world, validator, [{ miners: minerRange(0, 16), concurrency: 16, durationMs: 1000 }])
