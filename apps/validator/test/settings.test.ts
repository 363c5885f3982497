import { CliConfig, Command, HelpDoc, ValidationError } from "@effect/cli"
import { NodeContext } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Duration, Effect, Either, Exit, Option, Ref } from "effect"
import { serveCommand, validatorCli } from "../src/Cli.js"
import type { ChainTarget } from "@gittensor-pat/subtensor-adapter/networks"
import { exitCodeOf } from "../src/cli/exitCode.js"
import type { ServeFlags } from "../src/cli/flags.js"
import { DEV_WALLET, defaultLogFormat, MetagraphSettings, resolveSettings, type ServeSettings, type UsageError } from "../src/cli/settings.js"
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

// `serve` typed with no flag at all, as the CLI hands it over.
const noFlags: ServeFlags = {
  port: Option.none(),
  host: Option.none(),
  walletName: Option.none(),
  walletHotkey: Option.none(),
  walletPath: Option.none(),
  metagraph: Option.none(),
  githubApiUrl: Option.none(),
  patsFile: Option.none(),
  maxConcurrency: 2048,
  rateLimit: 30,
  logLevel: "Info",
  logFormat: Option.none(),
  network: Option.none(),
  chainEndpoint: Option.none(),
  netuid: 74,
  metagraphRefresh: Option.none()
}

describe("serve settings (docs/validator.md, Flags)", () => {
  it.effect("no flags on a fresh clone: development mode on loopback with the dev wallet and the example metagraph", () =>
    Effect.gen(function* () {
      const s = yield* settingsOf([])
      assert.isTrue(s.development)
      assert.strictEqual(s.host, "127.0.0.1")
      assert.strictEqual(s.port, 8091)
      assert.deepStrictEqual(s.wallet, DEV_WALLET)
      assert.isTrue(s.devWallet)
      assert.deepStrictEqual(s.metagraph, MetagraphSettings.File({ path: EXAMPLE_METAGRAPH }))
      assert.isTrue(EXAMPLE_METAGRAPH.endsWith("examples/metagraph.json"))
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
      assert.deepStrictEqual(s.metagraph, MetagraphSettings.File({ path: "/tmp/m.json" }))
    }))

  it.effect("every flag is read", () =>
    Effect.gen(function* () {
      const s = yield* settingsOf([
        "--port", "9001", "--host", "10.0.0.1", "--wallet.name", "w", "--wallet.hotkey", "h",
        "--wallet.path", "/keys", "--metagraph", "m.json", "--github-api-url", "http://127.0.0.1:1",
        "--pats-file", "p.json", "--max-concurrency", "16", "--rate-limit", "0", "--log-level", "warning",
        "--log-format", "pretty"
      ])
      assert.deepStrictEqual(s, {
        development: false,
        host: "10.0.0.1",
        port: 9001,
        wallet: { path: "/keys", name: "w", hotkey: "h" },
        devWallet: false,
        metagraph: MetagraphSettings.File({ path: "m.json" }),
        githubApiUrl: "http://127.0.0.1:1",
        patsFile: "p.json",
        maxConcurrency: 16,
        rateLimit: 0,
        logLevel: "Warning",
        logFormat: "pretty"
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
      assert.deepStrictEqual(s.metagraph, MetagraphSettings.File({ path: "env-m.json" }))
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
      assert.deepStrictEqual(
        [s.port, s.metagraph, s.githubApiUrl, s.patsFile],
        [1, MetagraphSettings.File({ path: "f.json" }), "http://flag.invalid", "f-p.json"]
      )
    }))

  it.effect("an empty GITTENSOR_MINER_PATS_FILE means the default store", () =>
    Effect.gen(function* () {
      assert.strictEqual((yield* settingsOf([], { GITTENSOR_MINER_PATS_FILE: "" })).patsFile, "data/miner_pats.json")
    }))

  it.effect("the log format: JSON lines unless stdout is a terminal, whatever --log-format says wins", () =>
    Effect.gen(function* () {
      assert.strictEqual(defaultLogFormat(false), "json")
      assert.strictEqual(defaultLogFormat(true), "pretty")
      assert.strictEqual((yield* settingsOf([])).logFormat, defaultLogFormat(process.stdout.isTTY === true))
      assert.strictEqual((yield* settingsOf(["--log-format", "json"])).logFormat, "json")
      assert.strictEqual((yield* settingsOf(["--log-format", "pretty"])).logFormat, "pretty")
      assert.strictEqual((yield* resolveSettings({ ...noFlags, logFormat: Option.some("json" as const) }, true)).logFormat, "json")
      assert.strictEqual((yield* resolveSettings(noFlags, true)).logFormat, "pretty")
      assert.strictEqual((yield* resolveSettings(noFlags, false)).logFormat, "json")
      assert.strictEqual((yield* resolveSettings({ ...noFlags, logFormat: Option.some("pretty" as const) }, false)).logFormat, "pretty")
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
    [["--no-such-flag"], {}],
    [["--log-format", "xml"], {}]
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
      "--github-api-url", "--pats-file", "--max-concurrency", "--rate-limit", "--log-level",
      "--subtensor.network", "--subtensor.chain_endpoint", "--netuid", "--metagraph-refresh",
      "--log-format"
    ]) {
      assert.include(help, flag)
    }
    for (const env_ of ["GITTENSOR_AXON_PORT", "GITTENSOR_METAGRAPH_FILE", "GITTENSOR_GITHUB_API_URL", "GITTENSOR_MINER_PATS_FILE"]) {
      assert.include(help, env_)
    }
    assert.include(help, "development mode")
  })
})

describe("serve settings: the metagraph from the chain (docs/metagraph.md, Reading the chain instead)", () => {
  const finney: ChainTarget = { endpoint: "wss://entrypoint-finney.opentensor.ai:443", network: Option.some("finney") }

  it.effect("a network means the chain: subnet 74, read every 5 minutes, production defaults, no fallback", () =>
    Effect.gen(function* () {
      const s = yield* settingsOf(["--subtensor.network", "finney"])
      assert.isFalse(s.development)
      assert.strictEqual(s.host, "0.0.0.0")
      assert.isFalse(s.devWallet)
      assert.deepStrictEqual(
        s.metagraph,
        MetagraphSettings.Chain({ target: finney, netuid: 74, refresh: Duration.minutes(5), fallback: Option.none() })
      )
    }))

  it.effect("an endpoint, a netuid, a refresh; --metagraph (or its variable) beside them is the fallback", () =>
    Effect.gen(function* () {
      const chain = ["--subtensor.chain_endpoint", "ws://10.0.0.5:9944", "--netuid", "2", "--metagraph-refresh", "1h30m"]
      const expected = (fallback: Option.Option<string>) =>
        MetagraphSettings.Chain({
          target: { endpoint: "ws://10.0.0.5:9944", network: Option.none() },
          netuid: 2,
          refresh: Duration.minutes(90),
          fallback
        })
      assert.deepStrictEqual((yield* settingsOf(chain)).metagraph, expected(Option.none()))
      assert.deepStrictEqual((yield* settingsOf([...chain, "--metagraph", "m.json"])).metagraph, expected(Option.some("m.json")))
      assert.deepStrictEqual(
        (yield* settingsOf(chain, { GITTENSOR_METAGRAPH_FILE: "env-m.json" })).metagraph,
        expected(Option.some("env-m.json"))
      )
      const named = yield* settingsOf(["--subtensor.network", "test", "--subtensor.chain_endpoint", "wss://n.example:443"])
      const target: ChainTarget = { endpoint: "wss://n.example:443", network: Option.some("test") }
      assert.deepInclude(named.metagraph, { target })
    }))

  it.effect("neither a file nor the chain is still development mode, whatever --netuid says", () =>
    Effect.gen(function* () {
      const s = yield* settingsOf(["--netuid", "5"])
      assert.isTrue(s.development)
      assert.deepStrictEqual(s.metagraph, MetagraphSettings.File({ path: EXAMPLE_METAGRAPH }))
    }))

  for (const [args, words] of [
    [["--subtensor.network", "mainnet"], "Expected one of the following cases: finney, test, local"],
    [["--subtensor.chain_endpoint", "http://127.0.0.1:9944"], "ws://HOST:PORT or wss://HOST:PORT"],
    [["--subtensor.network", "local", "--netuid", "70000"], "--netuid must be a subnet number from 0 to 65535 (got 70000)"],
    [["--subtensor.network", "local", "--metagraph-refresh", "soon"], "--metagraph-refresh needs a duration such as 90s, 30m, 1h or 1h30m (got 'soon')"],
    [["--subtensor.network", "local", "--metagraph-refresh", "5s"], "--metagraph-refresh must be at least 12s (got '5s')"],
    [["--metagraph", "m.json", "--metagraph-refresh", "5m"], "--metagraph-refresh applies to a metagraph read from the chain"]
  ] as const) {
    it.effect(`bad usage is refused with exit 2 and says why: ${args.join(" ")}`, () =>
      Effect.gen(function* () {
        const { result, settings } = yield* parse(args)
        assert.isTrue(Option.isNone(settings))
        const error = Either.getLeft(result).pipe(Option.getOrThrow)
        assert.strictEqual(exitCodeOf(Exit.fail(error)), 2)
        assert.include(ValidationError.isValidationError(error) ? HelpDoc.toAnsiText(error.error) : (error as UsageError).message, words)
      }))
  }
})

