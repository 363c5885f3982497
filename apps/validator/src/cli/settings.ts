import { durationTextExample, parseDurationText } from "@gittensor-pat/core"
import { chainNamed, chainRead } from "@gittensor-pat/subtensor-adapter/flags"
import type { ChainTarget } from "@gittensor-pat/subtensor-adapter/networks"
import { Config, Data, Duration, Effect, Either, type LogLevel, Option } from "effect"
import { EXAMPLE_METAGRAPH } from "../examples.js"
import type { ServeFlags } from "./flags.js"

/** Where the validator's hotkey file lives: `<path>/<name>/hotkeys/<hotkey>`. */
export interface WalletLocation {
  readonly path: string
  readonly name: string
  readonly hotkey: string
}

/**
 * Where the metagraph comes from (docs/metagraph.md, "Reading the chain instead"): a snapshot file, or the chain, read every
 * `refresh`, with a snapshot file as the fallback when a read fails.
 */
export type MetagraphSettings = Data.TaggedEnum<{
  File: { readonly path: string }
  Chain: {
    readonly target: ChainTarget
    readonly netuid: number
    readonly refresh: Duration.Duration
    readonly fallback: Option.Option<string>
  }
}>

/** Constructors and matchers of `MetagraphSettings`. */
export const MetagraphSettings = Data.taggedEnum<MetagraphSettings>()

/** How often a chain-read metagraph is read again, unless `--metagraph-refresh` says otherwise. */
export const DEFAULT_METAGRAPH_REFRESH = Duration.minutes(5)

// Reading more often than blocks are made (12 s) would read the same block again.
const SHORTEST_METAGRAPH_REFRESH = Duration.seconds(12)

/**
 * Everything `serve` needs, flags and environment merged. `development` is true when no
 * metagraph was given (no file, no chain): the server then runs on loopback with a
 * generated dev hotkey and the example metagraph.
 */
export interface ServeSettings {
  readonly development: boolean
  readonly host: string
  readonly port: number
  readonly wallet: WalletLocation
  /** The wallet is the generated development one: written on first use if missing. */
  readonly devWallet: boolean
  readonly metagraph: MetagraphSettings
  readonly githubApiUrl: string
  readonly patsFile: string
  readonly maxConcurrency: number
  readonly rateLimit: number
  readonly logLevel: LogLevel.Literal
  readonly logFormat: "json" | "pretty"
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

// An empty variable counts as unset (docs/store.md, "Where it is", says so for the store; the rest follow suit).
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

const refreshOf = (text: string): Either.Either<Duration.Duration, string> =>
  Option.match(parseDurationText(text), {
    onNone: () => Either.left(`--metagraph-refresh needs a duration ${durationTextExample} (got '${text}').`),
    onSome: (duration) =>
      Duration.lessThan(duration, SHORTEST_METAGRAPH_REFRESH)
        ? Either.left(
            `--metagraph-refresh must be at least ${Duration.format(SHORTEST_METAGRAPH_REFRESH)} (got '${text}'): the chain makes a block every 12 s.`
          )
        : Either.right(duration)
  })

/** The metagraph the flags and `file` (flag or environment) name; the example file when none. */
const metagraphOf = (flags: ServeFlags, file: Option.Option<string>): Either.Either<MetagraphSettings, string> => {
  if (!chainNamed(flags)) {
    return Option.isSome(flags.metagraphRefresh)
      ? Either.left("--metagraph-refresh applies to a metagraph read from the chain: add --subtensor.network or --subtensor.chain_endpoint.")
      : Either.right(MetagraphSettings.File({ path: Option.getOrElse(file, () => EXAMPLE_METAGRAPH) }))
  }
  return Either.gen(function* () {
    const { target, netuid } = yield* chainRead(flags)
    const refresh = yield* Option.match(flags.metagraphRefresh, {
      onNone: () => Either.right(DEFAULT_METAGRAPH_REFRESH),
      onSome: refreshOf
    })
    return MetagraphSettings.Chain({ target, netuid, refresh, fallback: file })
  })
}

/** The log format when none is asked for: readable on a terminal, JSON lines for whatever reads a pipe or file. */
export const defaultLogFormat = (stdoutIsTerminal: boolean): "json" | "pretty" => (stdoutIsTerminal ? "pretty" : "json")

/** Merges flags (which win), environment variables and defaults (docs/validator.md, "Flags"). */
export const resolveSettings = (
  flags: ServeFlags,
  stdoutIsTerminal: boolean = process.stdout.isTTY === true
): Effect.Effect<ServeSettings, UsageError> =>
  Effect.gen(function* () {
    const envValues = yield* Effect.orDie(
      Config.all({
        metagraph: env("GITTENSOR_METAGRAPH_FILE"),
        githubApiUrl: env("GITTENSOR_GITHUB_API_URL"),
        patsFile: env("GITTENSOR_MINER_PATS_FILE")
      })
    )
    const port = Option.isSome(flags.port) ? flags.port.value : Option.getOrElse(yield* envPort, () => 8091)
    const file = Option.orElse(flags.metagraph, () => envValues.metagraph)
    const metagraph = yield* Either.mapLeft(metagraphOf(flags, file), (detail) => new UsageError({ detail }))
    const development = Option.isNone(file) && metagraph._tag === "File"
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
      metagraph,
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
      logLevel: flags.logLevel,
      logFormat: Option.getOrElse(flags.logFormat, () => defaultLogFormat(stdoutIsTerminal))
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
