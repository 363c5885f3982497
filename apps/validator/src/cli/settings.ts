import { Config, Data, Effect, type LogLevel, Option } from "effect"
import { EXAMPLE_METAGRAPH } from "../examples.js"
import type { ServeFlags } from "./flags.js"

/** Where the validator's hotkey file lives: `<path>/<name>/hotkeys/<hotkey>`. */
export interface WalletLocation {
  readonly path: string
  readonly name: string
  readonly hotkey: string
}

/**
 * Everything `serve` needs, flags and environment merged. `development` is true when no
 * metagraph was given: the server then runs on loopback with a generated dev hotkey and
 * the example metagraph.
 */
export interface ServeSettings {
  readonly development: boolean
  readonly host: string
  readonly port: number
  readonly wallet: WalletLocation
  /** The wallet is the generated development one: written on first use if missing. */
  readonly devWallet: boolean
  readonly metagraphPath: string
  readonly githubApiUrl: string
  readonly patsFile: string
  readonly maxConcurrency: number
  readonly rateLimit: number
  readonly logLevel: LogLevel.Literal
}

/** A flag or environment value that cannot be used (exit code 2). */
export class UsageError extends Data.TaggedError("UsageError")<{ readonly detail: string }> {
  override get message(): string {
    return this.detail
  }
}

/** The development wallet: the deterministic, publicly known dev validator key. Never use it for real. */
export const DEV_WALLET: WalletLocation = { path: "data/dev-wallet", name: "validator", hotkey: "default" }

const REAL_WALLET: WalletLocation = { path: "~/.bittensor/wallets", name: "default", hotkey: "default" }

// An empty variable counts as unset (CONTRACT §7 says so for the store; the rest follow suit).
const env = (name: string): Config.Config<Option.Option<string>> =>
  Config.option(Config.string(name)).pipe(Config.map(Option.filter((value) => value.trim() !== "")))

const envPort: Effect.Effect<Option.Option<number>, UsageError> = Effect.flatMap(
  Effect.orDie(env("GITTENSOR_AXON_PORT")),
  Option.match({
    onNone: () => Effect.succeedNone,
    onSome: (raw) =>
      /^\d+$/.test(raw.trim())
        ? Effect.succeedSome(Number(raw))
        : Effect.fail(new UsageError({ detail: `GITTENSOR_AXON_PORT must be a port number, got ${JSON.stringify(raw)}` }))
  })
)

const check = (ok: boolean, detail: string): Effect.Effect<void, UsageError> =>
  ok ? Effect.void : Effect.fail(new UsageError({ detail }))

/** Merges flags (which win), environment variables and defaults (CONTRACT §9). */
export const resolveSettings = (flags: ServeFlags): Effect.Effect<ServeSettings, UsageError> =>
  Effect.gen(function* () {
    const envValues = yield* Effect.orDie(
      Config.all({
        metagraph: env("GITTENSOR_METAGRAPH_FILE"),
        githubApiUrl: env("GITTENSOR_GITHUB_API_URL"),
        patsFile: env("GITTENSOR_MINER_PATS_FILE")
      })
    )
    const port = Option.isSome(flags.port) ? flags.port.value : Option.getOrElse(yield* envPort, () => 8091)
    const metagraph = Option.orElse(flags.metagraph, () => envValues.metagraph)
    const development = Option.isNone(metagraph)
    const walletGiven =
      Option.isSome(flags.walletName) || Option.isSome(flags.walletHotkey) || Option.isSome(flags.walletPath)
    const devWallet = development && !walletGiven
    const walletDefaults = devWallet ? DEV_WALLET : REAL_WALLET
    const settings: ServeSettings = {
      development,
      host: Option.getOrElse(flags.host, () => (development ? "127.0.0.1" : "0.0.0.0")),
      port,
      wallet: {
        path: Option.getOrElse(flags.walletPath, () => walletDefaults.path),
        name: Option.getOrElse(flags.walletName, () => walletDefaults.name),
        hotkey: Option.getOrElse(flags.walletHotkey, () => walletDefaults.hotkey)
      },
      devWallet,
      metagraphPath: Option.getOrElse(metagraph, () => EXAMPLE_METAGRAPH),
      githubApiUrl: Option.getOrElse(
        Option.orElse(flags.githubApiUrl, () => envValues.githubApiUrl),
        () => "https://api.github.com"
      ),
      patsFile: Option.getOrElse(
        Option.orElse(flags.patsFile, () => envValues.patsFile),
        () => "data/miner_pats.json"
      ),
      maxConcurrency: flags.maxConcurrency,
      rateLimit: flags.rateLimit,
      logLevel: flags.logLevel
    }
    yield* check(
      Number.isInteger(settings.port) && settings.port >= 0 && settings.port <= 65_535,
      `--port must be between 0 and 65535, got ${settings.port}`
    )
    yield* check(settings.maxConcurrency >= 1, `--max-concurrency must be at least 1, got ${settings.maxConcurrency}`)
    yield* check(settings.rateLimit >= 0, `--rate-limit must be 0 (off) or more, got ${settings.rateLimit}`)
    yield* check(
      /^https?:\/\/[^\s/]+/.test(settings.githubApiUrl),
      `--github-api-url must be an http(s) URL, got ${JSON.stringify(settings.githubApiUrl)}`
    )
    return settings
  })
