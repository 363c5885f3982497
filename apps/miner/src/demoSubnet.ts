import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { FileSystem } from "@effect/platform"
import { devMinerKey, devValidatorKey, writeHotkey } from "@gittensor-pat/axon"
import { type FakeAccount, FakeGitHub } from "@gittensor-pat/fake-github"
import { Effect } from "effect"
import { freePort, startValidatorProcess } from "./validatorProcess.js"

/** The demo miner's GitHub token: fake, known only to the fake GitHub. */
export const demoPat = "ghp_demoToken000000000000000000000000dem0"

/**
 * Whom the fake GitHub says the demo token belongs to, and what it says of the token: a
 * classic token with `public_repo`, a scope that can push, so the demo shows the warning.
 */
export const demoAccount: FakeAccount = { id: 583231, login: "demo-miner", scopes: ["public_repo"] }

// Read from this file and from the demo's launcher bundle alike (both sit three folders down).
const exampleMetagraph = fileURLToPath(new URL("../../../examples/metagraph.json", import.meta.url))

/** The example metagraph with the dev validator's axon moved to `port`. */
const withValidatorPort = (text: string, port: number): string => {
  const snapshot = JSON.parse(text) as { neurons: Array<{ axon: { port: number } }> }
  const validator = snapshot.neurons[0]
  if (validator !== undefined) {
    validator.axon.port = port
  }
  return JSON.stringify(snapshot, null, 2)
}

/**
 * A whole subnet on loopback, gone when the scope closes: a fake GitHub that knows
 * `demoPat`; the dev validator (uid 0 of `examples/metagraph.json`) run as its own
 * process, as an operator runs it (`validator serve` with its wallet, a copy of the
 * example metagraph and a PAT store in a temp folder; its output goes to a log file
 * there); and the wallet of dev miner 1 (uid 1). The metagraph copy, which the miner
 * reads too, points uid 0 at the validator's port.
 */
export const startDemoSubnet = Effect.gen(function* () {
  const fs = yield* FileSystem.FileSystem
  const root = yield* fs.makeTempDirectoryScoped({ prefix: "gittensor-pat-demo-" })
  const metagraph = join(root, "metagraph.json")
  const storeFile = join(root, "miner_pats.json")
  const github = yield* FakeGitHub.scoped
  github.allow(demoPat, demoAccount)
  const wallet = { path: join(root, "wallets"), name: "miner", hotkey: "default" }
  yield* writeHotkey(wallet, yield* devMinerKey(1))
  const validatorWallet = { ...wallet, name: "validator" }
  const validatorKey = yield* devValidatorKey
  yield* writeHotkey(validatorWallet, validatorKey)
  // The validator's port is picked first, so the metagraph it and the miner read is final.
  const port = yield* freePort
  yield* fs.writeFileString(metagraph, withValidatorPort(yield* fs.readFileString(exampleMetagraph), port))
  const validator = yield* startValidatorProcess(
    { metagraph, patsFile: storeFile, githubApiUrl: github.url, wallet: validatorWallet },
    { port, logFile: join(root, "validator.log") }
  )
  return {
    github,
    validator: { ...validator, hotkey: validatorKey.address },
    storeFile,
    minerArgs: [
      "--wallet.path",
      wallet.path,
      "--wallet.name",
      wallet.name,
      "--wallet.hotkey",
      wallet.hotkey,
      "--metagraph",
      metagraph,
      "--github-api-url",
      github.url
    ]
  }
})
