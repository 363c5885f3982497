import { CliConfig, Command, HelpDoc } from "@effect/cli"
import { NodeContext } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Either, Option, Ref } from "effect"
import { serveCommand, validatorCli } from "../src/Cli.js"
import { DEV_WALLET, type ServeSettings } from "../src/cli/settings.js"
import { EXAMPLE_METAGRAPH } from "../src/examples.js"

// Runs `validator serve <args>` with `env` as the only environment and returns what serve got.
const parse = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  Effect.gen(function* () {
    const seen = yield* Ref.make(Option.none<ServeSettings>())
    const run = validatorCli((settings) => Ref.set(seen, Option.some(settings)))
    const result = yield* Effect.either(run(["node", "main.ts", "serve", ...args]))
    return { result, settings: yield* Ref.get(seen) }
  }).pipe(
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))),
    Effect.provide(NodeContext.layer)
  )

const settingsOf = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  Effect.map(parse(args, env), ({ settings }) => Option.getOrThrow(settings))

describe("serve settings (CONTRACT §9)", () => {
  it.effect("no flags on a fresh clone: development mode on loopback with the dev wallet and the example metagraph", () =>
    Effect.gen(function* () {
      const s = yield* settingsOf([])
      assert.isTrue(s.development)
      assert.strictEqual(s.host, "127.0.0.1")
      assert.strictEqual(s.port, 8091)
      assert.deepStrictEqual(s.wallet, DEV_WALLET)
      assert.isTrue(s.devWallet)
      assert.strictEqual(s.metagraphPath, EXAMPLE_METAGRAPH)
      assert.isTrue(s.metagraphPath.endsWith("examples/metagraph.json"))
      assert.strictEqual(s.patsFile, "data/miner_pats.json")
      assert.strictEqual(s.githubApiUrl, "https://api.github.com")
      assert.strictEqual(s.maxConcurrency, 2048)
      assert.strictEqual(s.rateLimit, 30)
      assert.strictEqual(s.logLevel, "Info")
    }))

  it.effect("a metagraph means production: 0.0.0.0 and the ~/.bittensor default wallet", () =>
    Effect.gen(function* () {
      const s = yield* settingsOf(["--metagraph", "/tmp/m.json"])
      assert.isFalse(s.development)
      assert.strictEqual(s.host, "0.0.0.0")
      assert.deepStrictEqual(s.wallet, { path: "~/.bittensor/wallets", name: "default", hotkey: "default" })
      assert.strictEqual(s.metagraphPath, "/tmp/m.json")
    }))

  it.effect("every flag is read", () =>
    Effect.gen(function* () {
      const s = yield* settingsOf([
        "--port", "9001", "--host", "10.0.0.1", "--wallet.name", "w", "--wallet.hotkey", "h",
        "--wallet.path", "/keys", "--metagraph", "m.json", "--github-api-url", "http://127.0.0.1:1",
        "--pats-file", "p.json", "--max-concurrency", "16", "--rate-limit", "0", "--log-level", "warning"
      ])
      assert.deepStrictEqual(s, {
        development: false,
        host: "10.0.0.1",
        port: 9001,
        wallet: { path: "/keys", name: "w", hotkey: "h" },
        devWallet: false,
        metagraphPath: "m.json",
        githubApiUrl: "http://127.0.0.1:1",
        patsFile: "p.json",
        maxConcurrency: 16,
        rateLimit: 0,
        logLevel: "Warning"
      })
    }))

  const env = {
    GITTENSOR_AXON_PORT: "7000",
    GITTENSOR_METAGRAPH_FILE: "env-m.json",
    GITTENSOR_GITHUB_API_URL: "http://env.invalid",
    GITTENSOR_MINER_PATS_FILE: "env-p.json"
  }

  it.effect("environment variables stand in for absent flags", () =>
    Effect.gen(function* () {
      const s = yield* settingsOf([], env)
      assert.strictEqual(s.port, 7000)
      assert.strictEqual(s.metagraphPath, "env-m.json")
      assert.isFalse(s.development)
      assert.strictEqual(s.githubApiUrl, "http://env.invalid")
      assert.strictEqual(s.patsFile, "env-p.json")
    }))

  it.effect("flags win over environment variables", () =>
    Effect.gen(function* () {
      const s = yield* settingsOf(
        ["--port", "1", "--metagraph", "f.json", "--github-api-url", "http://flag.invalid", "--pats-file", "f-p.json"],
        env
      )
      assert.deepStrictEqual([s.port, s.metagraphPath, s.githubApiUrl, s.patsFile], [1, "f.json", "http://flag.invalid", "f-p.json"])
    }))

  it.effect("an empty GITTENSOR_MINER_PATS_FILE means the default store", () =>
    Effect.gen(function* () {
      assert.strictEqual((yield* settingsOf([], { GITTENSOR_MINER_PATS_FILE: "" })).patsFile, "data/miner_pats.json")
    }))

  it.effect("wallet flags in development mode replace the dev wallet", () =>
    Effect.gen(function* () {
      const s = yield* settingsOf(["--wallet.name", "mine"])
      assert.isTrue(s.development)
      assert.deepStrictEqual(s.wallet, { path: "~/.bittensor/wallets", name: "mine", hotkey: "default" })
      assert.isFalse(s.devWallet)
    }))

  for (const [args, env_] of [
    [["--max-concurrency", "0"], {}],
    [["--rate-limit", "-1"], {}],
    [["--port", "70000"], {}],
    [["--github-api-url", "ftp://x"], {}],
    [["--port", "abc"], {}],
    [[], { GITTENSOR_AXON_PORT: "eighty" }],
    [["--no-such-flag"], {}]
  ] as const) {
    it.effect(`bad usage is refused: ${[...args].join(" ")} ${JSON.stringify(env_)}`, () =>
      Effect.gen(function* () {
        const { result, settings } = yield* parse(args, env_)
        assert.isTrue(Either.isLeft(result))
        assert.isTrue(Option.isNone(settings))
      }))
  }

  it("--help explains each flag", () => {
    const help = HelpDoc.toAnsiText(Command.getHelp(serveCommand(() => Effect.void), CliConfig.defaultConfig))
    for (const flag of [
      "--port", "--host", "--wallet.name", "--wallet.hotkey", "--wallet.path", "--metagraph",
      "--github-api-url", "--pats-file", "--max-concurrency", "--rate-limit", "--log-level"
    ]) {
      assert.include(help, flag)
    }
    for (const env_ of ["GITTENSOR_AXON_PORT", "GITTENSOR_METAGRAPH_FILE", "GITTENSOR_GITHUB_API_URL", "GITTENSOR_MINER_PATS_FILE"]) {
      assert.include(help, env_)
    }
    assert.include(help, "development mode")
  })
})
