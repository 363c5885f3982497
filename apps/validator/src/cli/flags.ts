import { Options } from "@effect/cli"
import { type ChainFlags, chainFlags } from "@gittensor-pat/subtensor-adapter/flags"
import type { LogLevel, Option } from "effect"

/** The `serve` flags as typed, before environment variables and development defaults. */
export interface ServeFlags extends ChainFlags {
  readonly port: Option.Option<number>
  readonly host: Option.Option<string>
  readonly walletName: Option.Option<string>
  readonly walletHotkey: Option.Option<string>
  readonly walletPath: Option.Option<string>
  readonly metagraph: Option.Option<string>
  readonly githubApiUrl: Option.Option<string>
  readonly patsFile: Option.Option<string>
  readonly maxConcurrency: number
  readonly rateLimit: number
  readonly logLevel: LogLevel.Literal
  readonly metagraphRefresh: Option.Option<string>
  readonly logFormat: Option.Option<"json" | "pretty">
}

const LOG_LEVELS = ["All", "Trace", "Debug", "Info", "Warning", "Error", "Fatal", "None"] as const

// Flags whose default depends on the environment or the mode are optional here; the
// defaults are applied in settings.ts.
const optional = <A>(option: Options.Options<A>, description: string) =>
  option.pipe(Options.withDescription(description), Options.optional)

/** `serve`'s flags (docs/validator.md, "Flags"), each explained in `--help`. */
export const serveFlags = {
  port: optional(Options.integer("port"), "TCP port of the axon (default 8091; env GITTENSOR_AXON_PORT)."),
  host: optional(Options.text("host"), "Address to listen on (default 0.0.0.0; 127.0.0.1 in development mode)."),
  walletName: optional(Options.text("wallet.name"), "Bittensor wallet (coldkey) name whose hotkey signs as this validator (default: default)."),
  walletHotkey: optional(Options.text("wallet.hotkey"), "Hotkey name inside the wallet (default: default). The file read is <wallet.path>/<wallet.name>/hotkeys/<wallet.hotkey> (format: docs/wallet.md)."),
  walletPath: optional(Options.text("wallet.path"), "Folder of Bittensor wallets (default ~/.bittensor/wallets)."),
  metagraph: optional(Options.text("metagraph"), "Metagraph snapshot file (format: docs/metagraph.md; JSON with netuid, block and neurons; reloaded when it changes; env GITTENSOR_METAGRAPH_FILE). With --subtensor.network or --subtensor.chain_endpoint, the fallback when a chain read fails. Without either the server runs in development mode on examples/metagraph.json."),
  githubApiUrl: optional(Options.text("github-api-url"), "GitHub API base URL (default https://api.github.com; env GITTENSOR_GITHUB_API_URL)."),
  patsFile: optional(Options.text("pats-file"), "The PAT store shared with the Python validator (format: docs/store.md; default data/miner_pats.json; env GITTENSOR_MINER_PATS_FILE)."),
  maxConcurrency: Options.integer("max-concurrency").pipe(
    Options.withDescription("Pipelines run at once; beyond it requests wait, highest stake first, or get 503 if they cannot start in time."),
    Options.withDefault(2048)
  ),
  rateLimit: Options.integer("rate-limit").pipe(
    Options.withDescription("Requests per minute per hotkey; over it a request gets 429 (0 = off)."),
    Options.withDefault(30)
  ),
  logLevel: Options.choice("log-level", ["all", "trace", "debug", "info", "warning", "error", "fatal", "none"]).pipe(
    Options.withDescription("Lowest level of the log records written to stdout (each request's line is Info)."),
    Options.withDefault("info" as const),
    Options.map((level) => LOG_LEVELS.find((l) => l.toLowerCase() === level) ?? "Info")
  ),
  // The metagraph from the chain (docs/metagraph.md, "Reading the chain instead").
  ...chainFlags(
    "read at start and every --metagraph-refresh; with neither this nor --subtensor.chain_endpoint, the metagraph is --metagraph's file, or development mode's"
  ),
  metagraphRefresh: optional(
    Options.text("metagraph-refresh"),
    "How often the metagraph is read again from the chain, such as 90s, 5m or 1h (default 5m, at least 12s: a block)."
  ),
  logFormat: optional(
    Options.choice("log-format", ["json", "pretty"]),
    "How log records are written to stdout: json (one JSON object per line) or pretty (one readable line per record); their fields: docs/operations.md. Default: pretty when stdout is a terminal, json otherwise."
  )
}
