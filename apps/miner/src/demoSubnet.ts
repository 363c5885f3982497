import { join } from "node:path"
import { FileSystem } from "@effect/platform"
import { devMinerKey, devValidatorKey, MetagraphSnapshot, writeHotkey } from "@gittensor-pat/axon"
import { GitHubHttp } from "@gittensor-pat/http-adapter"
import { type FakeAccount, FakeGitHub } from "@gittensor-pat/fake-github"
import { JsonFilePatStore } from "@gittensor-pat/storage-adapter"
import { EXAMPLE_METAGRAPH, startValidator } from "@gittensor-pat/validator"
import { Effect, Layer, Logger, LogLevel } from "effect"

/** The demo miner's GitHub token: fake, known only to the fake GitHub. */
export const demoPat = "ghp_demoToken000000000000000000000000dem0"

/**
 * Whom the fake GitHub says the demo token belongs to, and what it says of the token: a
 * classic token with `public_repo`, a scope that can push, so the demo shows the warning.
 */
export const demoAccount: FakeAccount = { id: 583231, login: "demo-miner", scopes: ["public_repo"] }

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
 * `demoPat`, the dev
 * validator (uid 0 of `examples/metagraph.json`) with a PAT store in a temp folder, and
 * the wallet of dev miner 1 (uid 1). The validator listens on a free port; the miner's
 * copy of the example metagraph points uid 0 at it.
 */
export const startDemoSubnet = Effect.gen(function* () {
  const fs = yield* FileSystem.FileSystem
  const root = yield* fs.makeTempDirectoryScoped({ prefix: "gittensor-pat-demo-" })
  const metagraph = join(root, "metagraph.json")
  const storeFile = join(root, "miner_pats.json")
  const example = yield* fs.readFileString(EXAMPLE_METAGRAPH)
  yield* fs.writeFileString(metagraph, example)
  const github = yield* FakeGitHub.scoped
  github.allow(demoPat, demoAccount)
  const wallet = { path: join(root, "wallets"), name: "miner", hotkey: "default" }
  yield* writeHotkey(wallet, yield* devMinerKey(1))
  const keypair = yield* devValidatorKey
  // The validator's own log lines would drown the miner's tables; warnings still show.
  const validator = yield* Layer.build(
    Layer.mergeAll(
      GitHubHttp.layerNode({ baseUrl: github.url }),
      JsonFilePatStore.layerNode({ path: storeFile }),
      MetagraphSnapshot.layer({ path: metagraph }).pipe(Layer.provide(Layer.succeed(FileSystem.FileSystem, fs)))
    )
  ).pipe(
    Effect.flatMap((ports) => startValidator({ keypair }).pipe(Effect.provide(ports))),
    Logger.withMinimumLogLevel(LogLevel.Warning)
  )
  yield* fs.writeFileString(metagraph, withValidatorPort(example, validator.port))
  return {
    github,
    validator,
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
