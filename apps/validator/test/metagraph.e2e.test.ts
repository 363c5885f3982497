import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { NodeContext, NodeFileSystem } from "@effect/platform-node"
import { type Keypair, MetagraphSnapshot, writeHotkey } from "@gittensor-pat/axon"
import { GitHubHttp } from "@gittensor-pat/http-adapter"
import { FakeGitHub } from "@gittensor-pat/fake-github"
import { JsonFilePatStore } from "@gittensor-pat/storage-adapter"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Layer, Logger, Option, Schedule } from "effect"
import { validatorCli } from "../src/Cli.js"
import { exitCodeOf } from "../src/cli/exitCode.js"
import { ValidatorLive } from "../src/Validator.js"
import { body, post, signedHeaders, startValidator, tempDir, testKey, type World } from "./support/world.js"

interface Health {
  readonly status: string
  readonly metagraph: { readonly block: number; readonly neurons: number; readonly last_reload_error: string | null }
}

const healthOf = (url: string) =>
  Effect.promise(async () => {
    const response = await fetch(`${url}/healthz`)
    return { code: response.status, body: (await response.json()) as Health }
  })

const writeSnapshot = (path: string, block: number, keys: ReadonlyArray<Keypair>) =>
  writeFileSync(
    path,
    JSON.stringify({
      netuid: 74,
      block,
      neurons: keys.map((key, uid) => ({
        uid,
        hotkey: key.address,
        stake: uid === 0 ? 100_000 : 0,
        validator_trust: uid === 0 ? 1 : 0,
        axon: { ip: "127.0.0.1", port: 0 }
      }))
    })
  )

/**
 * A validator on a snapshot file (polled every 50 ms) that lists it and `early`: the file's
 * path, the keys, and a signed check as any key.
 */
const onSnapshot = (block: number) =>
  Effect.gen(function* () {
    const dir = yield* tempDir
    const validatorKey = yield* testKey("snapshot-validator")
    const early = yield* testKey("snapshot-early")
    const late = yield* testKey("snapshot-late")
    const path = join(dir, "metagraph.json")
    writeSnapshot(path, block, [validatorKey, early])
    const github = yield* FakeGitHub.scoped
    const ports = yield* Layer.build(
      Layer.mergeAll(
        GitHubHttp.layerNode({ baseUrl: github.url }),
        JsonFilePatStore.layerNode({ path: join(dir, "miner_pats.json") }),
        MetagraphSnapshot.layer({ path, ownHotkey: validatorKey.address, pollInterval: "50 millis" }).pipe(
          Layer.provide(NodeFileSystem.layer)
        )
      )
    )
    const validator = yield* startValidator({ keypair: validatorKey, rateLimit: 0 }).pipe(
      Effect.provide(ports),
      Effect.provide(Logger.replace(Logger.defaultLogger, Logger.none))
    )
    const world = { validator } as World
    const checkAs = (key: Keypair) => post(world, "/PatCheckSynapse", signedHeaders(world, key, "PatCheckSynapse"), body("PatCheckSynapse"))
    return { path, validator, validatorKey, early, late, checkAs }
  })

describe("metagraph snapshot file", () => {
  it.scopedLive("a miner registered by a newer snapshot file is served without a restart; /healthz shows the block", () =>
    Effect.gen(function* () {
      const { path, validator, validatorKey, early, late, checkAs } = yield* onSnapshot(100)
      assert.strictEqual((yield* checkAs(early)).status, 200)
      assert.strictEqual((yield* checkAs(late)).status, 403)

      writeSnapshot(path, 101, [validatorKey, early, late])
      const served = yield* checkAs(late).pipe(
        Effect.filterOrFail((answer) => answer.status === 200),
        Effect.retry(Schedule.spaced("50 millis")),
        Effect.timeout("10 seconds")
      )
      assert.strictEqual(served.status, 200)
      assert.deepInclude(served.json as object, { has_pat: false, rejection_reason: "No PAT stored for this miner" })
      const health = (yield* Effect.promise(() => fetch(`${validator.url}/healthz`).then((r) => r.json()))) as {
        readonly metagraph: { readonly block: number; readonly neurons: number }
      }
      assert.deepInclude(health.metagraph, { block: 101, neurons: 3 })
    }))
})

describe("a snapshot the validator cannot serve (docs/metagraph.md, How the validator uses a snapshot file)", () => {
  it.scopedLive("an empty export, or one without this validator's hotkey, is a reload error: the last good one keeps serving", () =>
    Effect.gen(function* () {
      const { path, validator, validatorKey, early: miner, late: other, checkAs } = yield* onSnapshot(300)
      assert.strictEqual((yield* checkAs(miner)).status, 200)

      const refused: ReadonlyArray<readonly [write: () => void, detail: string]> = [
        [() => writeFileSync(path, JSON.stringify({ netuid: 74, block: 301, neurons: [] })), "lists no neurons"],
        [() => writeSnapshot(path, 302, [other, miner]), `does not list this validator's hotkey ${validatorKey.address}`]
      ]
      for (const [write, detail] of refused) {
        write()
        const health = yield* healthOf(validator.url).pipe(
          Effect.filterOrFail(({ body }) => body.metagraph.last_reload_error?.includes(detail) === true),
          Effect.retry(Schedule.spaced("50 millis")),
          Effect.timeout("10 seconds")
        )
        assert.strictEqual(health.code, 200)
        assert.deepInclude(health.body.metagraph, { block: 300, neurons: 2 })
        assert.include(health.body.metagraph.last_reload_error, path)
        assert.strictEqual((yield* checkAs(miner)).status, 200, detail)
        assert.strictEqual((yield* checkAs(other)).status, 403, detail)
      }

      writeSnapshot(path, 303, [validatorKey, miner, other])
      const recovered = yield* healthOf(validator.url).pipe(
        Effect.filterOrFail(({ body }) => body.metagraph.block === 303),
        Effect.retry(Schedule.spaced("50 millis")),
        Effect.timeout("10 seconds")
      )
      assert.isNull(recovered.body.metagraph.last_reload_error)
      assert.strictEqual((yield* checkAs(other)).status, 200)
    }))

  it.scopedLive("at start, such a file stops `validator serve` with exit 1 and a message that says what to do", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const validatorKey = yield* testKey("snapshot-validator")
      const miner = yield* testKey("snapshot-early")
      const wallet = { path: join(dir, "wallets"), name: "v", hotkey: "h" }
      yield* writeHotkey(wallet, validatorKey).pipe(Effect.provide(NodeFileSystem.layer))
      const path = join(dir, "metagraph.json")
      const cases: ReadonlyArray<readonly [write: () => void, detail: string]> = [
        [() => writeFileSync(path, JSON.stringify({ netuid: 74, block: 1, neurons: [] })), "lists no neurons"],
        [() => writeSnapshot(path, 1, [miner]), `does not list this validator's hotkey ${validatorKey.address}`]
      ]
      for (const [write, detail] of cases) {
        write()
        const argv = [
          "node", "validator", "serve", "--host", "127.0.0.1", "--port", "0", "--metagraph", path,
          "--pats-file", join(dir, "miner_pats.json"), "--wallet.path", wallet.path,
          "--wallet.name", wallet.name, "--wallet.hotkey", wallet.hotkey, "--log-level", "none"
        ]
        const exit = yield* Effect.exit(validatorCli((settings) => Layer.launch(ValidatorLive(settings)))(argv).pipe(Effect.provide(NodeContext.layer)))
        assert.strictEqual(exitCodeOf(exit), 1)
        const message = Exit.isFailure(exit) ? Option.map(Cause.failureOption(exit.cause), (e) => (e as Error).message) : Option.none()
        assert.isTrue(Option.isSome(message))
        assert.include(Option.getOrThrow(message), `Metagraph snapshot ${path}: ${detail}`)
      }
    }))
})
