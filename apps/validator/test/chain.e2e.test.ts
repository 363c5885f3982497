import { spawn } from "node:child_process"
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { NodeContext, NodeFileSystem } from "@effect/platform-node"
import { type Keypair, writeHotkey } from "@gittensor-pat/axon"
import { FakeGitHub } from "@gittensor-pat/fake-github"
import { refusingEndpoint } from "@gittensor-pat/subtensor-adapter/testing"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Duration, Effect, ExecutionStrategy, Exit, Layer, Logger, Option, Ref, Schedule, Scope } from "effect"
import { validatorCli } from "../src/Cli.js"
import { exitCodeOf } from "../src/cli/exitCode.js"
import { MetagraphSettings, type ServeSettings } from "../src/cli/settings.js"
import { ValidatorLive } from "../src/Validator.js"
import { fakeChain } from "./support/chain.js"
import { exited, freePort } from "./support/process.js"
import { body, post, signedHeaders, tempDir, testKey, type World } from "./support/world.js"

const ROOT = fileURLToPath(new URL("../../../", import.meta.url))

interface Health {
  readonly metagraph: {
    readonly source: string
    readonly block: number
    readonly neurons: number
    readonly last_reload_error: string | null
  }
}

const healthOnce = (url: string) =>
  Effect.tryPromise(async () => ((await (await fetch(`${url}/healthz`)).json()) as Health).metagraph)

const health = (url: string) => Effect.orDie(healthOnce(url))

/** Polls /healthz until it answers and `holds`, for at most 20 s. */
const healthUntil = (url: string, holds: (metagraph: Health["metagraph"]) => boolean) =>
  healthOnce(url).pipe(
    Effect.filterOrFail(holds),
    Effect.retry(Schedule.spaced("100 millis")),
    Effect.timeout("20 seconds"),
    Effect.orElse(() => Effect.flatMap(health(url), (last) => Effect.die(new Error(`/healthz never got there: ${JSON.stringify(last)}`))))
  )

/** A validator's wallet, store and GitHub in a temp folder: the `serve` flags for them, the chain's left to the test. */
const place = Effect.gen(function* () {
  const dir = yield* tempDir
  const validatorKey = yield* testKey("chain-validator")
  const wallet = { path: join(dir, "wallets"), name: "v", hotkey: "h" }
  yield* writeHotkey(wallet, validatorKey).pipe(Effect.provide(NodeFileSystem.layer))
  const github = yield* FakeGitHub.scoped
  const port = yield* freePort
  const args = [
    "--host", "127.0.0.1", "--port", String(port), "--pats-file", join(dir, "miner_pats.json"),
    "--github-api-url", github.url, "--wallet.path", wallet.path, "--wallet.name", wallet.name,
    "--wallet.hotkey", wallet.hotkey, "--rate-limit", "0", "--log-level", "none"
  ]
  const world = { validator: { url: `http://127.0.0.1:${port}`, host: "127.0.0.1", port, hotkey: validatorKey.address } } as World
  const checkAs = (key: Keypair) =>
    Effect.map(post(world, "/PatCheckSynapse", signedHeaders(world, key, "PatCheckSynapse"), body("PatCheckSynapse")), (a) => a.status)
  return { dir, validatorKey, args, url: world.validator.url, checkAs }
})

/** What `validator serve <args>` would run with. */
const settingsOf = (args: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const seen = yield* Ref.make(Option.none<ServeSettings>())
    yield* validatorCli((settings) => Ref.set(seen, Option.some(settings)))(["node", "main.ts", "serve", ...args])
    return Option.getOrThrow(yield* Ref.get(seen))
  }).pipe(Effect.provide(NodeContext.layer))

/**
 * `validator serve <args>` in this process, the chain read again every 300 ms (the flag
 * allows no less than a block), until the scope closes. Yields its log lines.
 */
const serveFast = (args: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const settings = yield* settingsOf(args)
    const metagraph = MetagraphSettings.$match(settings.metagraph, {
      File: (file) => file,
      Chain: (chain) => MetagraphSettings.Chain({ ...chain, refresh: Duration.millis(300) })
    })
    const logs: Array<string> = []
    const capture = Logger.replace(
      Logger.defaultLogger,
      Logger.map(Logger.jsonLogger, (line) => {
        logs.push(line)
      })
    )
    yield* Layer.build(ValidatorLive({ ...settings, metagraph })).pipe(Effect.provide(capture))
    return logs
  })

/** How `validator serve <args>` ends when it cannot start: its exit code and message. */
const failedStart = (args: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const exit = yield* Effect.exit(
      validatorCli((settings) => Layer.launch(ValidatorLive(settings)))(["node", "validator", "serve", ...args]).pipe(
        Effect.provide(NodeContext.layer)
      )
    )
    const message = Exit.isFailure(exit) ? Option.map(Cause.failureOption(exit.cause), (e) => (e as Error).message) : Option.none()
    return { code: exitCodeOf(exit), message: Option.getOrElse(message, () => "") }
  })

describe("a validator on a chain-read metagraph (docs/metagraph.md, Reading the chain instead)", () => {
  it.scopedLive(
    "serves who the chain lists, follows its refreshes, and keeps the last good read when one fails",
    () =>
      Effect.gen(function* () {
        const { validatorKey, args, url, checkAs } = yield* place
        const [miner, late, stranger] = yield* Effect.forEach(["miner", "late", "stranger"], (label) => testKey(`chain-${label}`))
        const nodeScope = yield* Scope.fork(yield* Effect.scope, ExecutionStrategy.sequential)
        const chain = yield* Scope.extend(fakeChain([validatorKey, miner!]), nodeScope)
        const logs = yield* serveFast([...args, "--subtensor.network", "finney", "--subtensor.chain_endpoint", chain.node.url])
        const source = `Subnet 74 on finney at ${chain.node.url}`

        assert.deepInclude(yield* health(url), { source, block: 5_000_000, neurons: 2, last_reload_error: null })
        assert.strictEqual(yield* checkAs(miner!), 200)
        assert.strictEqual(yield* checkAs(late!), 403)

        chain.set({ keys: [validatorKey, miner!, late!], block: 5_000_010 })
        yield* healthUntil(url, (m) => m.block === 5_000_010)
        assert.strictEqual(yield* checkAs(late!), 200, "registered since: served without a restart")

        // Each failed refresh: the last good read stays in service and /healthz names the error.
        const failures: ReadonlyArray<readonly [() => void, string]> = [
          [() => chain.set({ mode: "garbage", block: 5_000_020 }), "The node's answer to NeuronInfoRuntimeApi_get_neurons_lite cannot be decoded"],
          [
            () => chain.set({ mode: "ok", keys: [miner!, late!, stranger!], block: 5_000_030 }),
            `${source}: does not list this validator's hotkey ${validatorKey.address} (netuid 74, block 5000030); register it on subnet 74`
          ]
        ]
        for (const [fail, words] of failures) {
          fail()
          const failed = yield* healthUntil(url, (m) => m.last_reload_error?.includes(words) === true)
          assert.deepInclude(failed, { source, block: 5_000_010, neurons: 3 })
          assert.strictEqual(yield* checkAs(late!), 200, words)
          assert.strictEqual(yield* checkAs(stranger!), 403, words)
        }

        chain.set({ keys: [validatorKey, miner!, late!, stranger!], block: 5_000_040 })
        yield* healthUntil(url, (m) => m.block === 5_000_040 && m.last_reload_error === null)
        assert.strictEqual(yield* checkAs(stranger!), 200)

        yield* Scope.close(nodeScope, Exit.void)
        const down = yield* healthUntil(url, (m) => m.last_reload_error?.includes(`Cannot read the chain at ${chain.node.url}`) === true)
        assert.deepInclude(down, { source, block: 5_000_040, neurons: 4 })
        assert.strictEqual(yield* checkAs(stranger!), 200, "the node is down: the last good read still serves")

        assert.isTrue(logs.some((line) => line.includes("still serving the last good metagraph")))
        assert.isFalse(logs.some((line) => line.includes("the chain is read on the main thread")), "reads run on their own thread")
      }),
    { timeout: 120_000 }
  )

  it.scopedLive(
    "with --metagraph FILE: the file serves while the chain cannot, and never replaces a newer chain read",
    () =>
      Effect.gen(function* () {
        const { dir, validatorKey, args, url, checkAs } = yield* place
        const [miner, late] = yield* Effect.forEach(["miner", "late"], (label) => testKey(`chain-${label}`))
        const file = join(dir, "metagraph.json")
        const listed = [validatorKey, miner!].map((key, uid) => ({ uid, hotkey: key.address, stake: 1, validator_trust: 0, axon: { ip: "127.0.0.1", port: 0 } }))
        writeFileSync(file, JSON.stringify({ netuid: 74, block: 4_000_000, neurons: listed }))
        const chain = yield* fakeChain([validatorKey, miner!, late!])
        chain.set({ mode: "garbage" })
        const logs = yield* serveFast([...args, "--subtensor.chain_endpoint", chain.node.url, "--metagraph", file])

        const onFile = yield* health(url)
        assert.deepInclude(onFile, { source: `Metagraph snapshot ${file}`, block: 4_000_000, neurons: 2 })
        assert.include(onFile.last_reload_error, "cannot be decoded")
        assert.isTrue(logs.some((line) => line.includes(`serving the fallback Metagraph snapshot ${file} (block 4000000)`)))
        assert.strictEqual(yield* checkAs(miner!), 200)
        assert.strictEqual(yield* checkAs(late!), 403)

        chain.set({ mode: "ok" })
        yield* healthUntil(url, (m) => m.source === `Subnet 74 on ${chain.node.url}` && m.last_reload_error === null)
        assert.strictEqual(yield* checkAs(late!), 200)

        chain.set({ mode: "garbage" })
        const kept = yield* healthUntil(url, (m) => m.last_reload_error !== null)
        assert.deepInclude(kept, { source: `Subnet 74 on ${chain.node.url}`, block: 5_000_000 })
        assert.include(kept.last_reload_error, `the fallback Metagraph snapshot ${file} is not used: it holds block 4000000, not newer`)
      }),
    { timeout: 120_000 }
  )

  it.scopedLive(
    "a chain read that cannot be served at start stops `validator serve` with exit 1 and says what to do",
    () =>
      Effect.gen(function* () {
        const { dir, validatorKey, args } = yield* place
        const miner = yield* testKey("chain-miner")
        const stranger = yield* fakeChain([miner])
        const empty = yield* fakeChain([])
        const finney = yield* fakeChain([validatorKey, miner])
        const refused = yield* refusingEndpoint
        const cases: ReadonlyArray<readonly [ReadonlyArray<string>, ReadonlyArray<string>]> = [
          [["--subtensor.chain_endpoint", refused], [`Cannot read the chain at ${refused}`, "--subtensor.chain_endpoint"]],
          [
            ["--subtensor.chain_endpoint", stranger.node.url],
            [`Subnet 74 on ${stranger.node.url}: does not list this validator's hotkey ${validatorKey.address}`, "btcli subnet register --netuid 74", "--wallet.hotkey"]
          ],
          [["--subtensor.chain_endpoint", empty.node.url], [`Subnet 74 on ${empty.node.url}: lists no neurons`]],
          [["--subtensor.network", "test", "--subtensor.chain_endpoint", finney.node.url], [`The node at ${finney.node.url} is not on test`]],
          [
            ["--subtensor.chain_endpoint", refused, "--metagraph", join(dir, "missing.json")],
            [`Cannot read the chain at ${refused}`, `The fallback failed too: Metagraph snapshot ${join(dir, "missing.json")}: not found`]
          ]
        ]
        for (const [chainArgs, words] of cases) {
          const { code, message } = yield* failedStart([...args, ...chainArgs])
          assert.strictEqual(code, 1, chainArgs.join(" "))
          for (const word of words) assert.include(message, word)
        }
      }),
    { timeout: 180_000 }
  )

  it.scopedLive(
    "as launched (the bundle): the chain is read on the bundled reading thread, and SIGTERM stops it",
    () =>
      Effect.gen(function* () {
        const { validatorKey, args, url } = yield* place
        const chain = yield* fakeChain([validatorKey])
        const child = spawn(
          process.execPath,
          ["scripts/launch.mjs", "validator", "serve", ...args.slice(0, -2), "--subtensor.network", "finney", "--subtensor.chain_endpoint", chain.node.url],
          { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { PATH: process.env.PATH ?? "" } }
        )
        let output = ""
        child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()))
        child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()))
        yield* Effect.addFinalizer(() => Effect.sync(() => child.exitCode === null && child.kill("SIGKILL")))
        const served = yield* healthOnce(url).pipe(
          Effect.retry(Schedule.spaced("200 millis").pipe(Schedule.upTo("150 seconds"))),
          Effect.raceFirst(Effect.flatMap(exited(child), (code) => Effect.fail(`exited with ${code}`))),
          Effect.orElse(() => Effect.die(new Error(`the validator never served:\n${output}`)))
        )
        assert.deepInclude(served, { source: `Subnet 74 on finney at ${chain.node.url}`, neurons: 1, last_reload_error: null })
        // Log lines are written in batches: /healthz may answer before the start's lines are out.
        yield* Effect.retry(
          Effect.suspend(() => (output.includes(`"message":"serving"`) ? Effect.void : Effect.fail("not yet"))),
          Schedule.spaced("50 millis").pipe(Schedule.upTo("10 seconds"))
        ).pipe(Effect.orElse(() => Effect.die(new Error(`no "serving" line:\n${output}`))))
        assert.notInclude(output, "the chain is read on the main thread")
        assert.include(output, `"metagraph":"subnet 74 on finney at ${chain.node.url}, read every 5m"`)
        child.kill("SIGTERM")
        assert.strictEqual(yield* exited(child), 0, output)
      }),
    { timeout: 200_000 }
  )
})

