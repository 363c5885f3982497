import { Options } from "@effect/cli"
import type { LogLevel, Option } from "effect"

/** The `serve` flags as typed, before environment variables and development defaults. */
export interface ServeFlags {
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
}

const LOG_LEVELS = ["All", "Trace", "Debug", "Info", "Warning", "Error", "Fatal", "None"] as const

const described = (description: string) => <A>(self: Options.Options<A>) =>
  Options.withDescription(self, description)

/** `serve`'s flags (CONTRACT §9), each explained in `--help`. */
export const serveFlags = {
  port: Options.integer("port").pipe(
    described("TCP port of the axon (default 8091; env GITTENSOR_AXON_PORT)."),
    Options.optional
  ),
  host: Options.text("host").pipe(
    described("Address to listen on (default 0.0.0.0; 127.0.0.1 in development mode)."),
    Options.optional
  ),
  walletName: Options.text("wallet.name").pipe(
    described("Bittensor wallet (coldkey) name whose hotkey signs as this validator (default: default)."),
    Options.optional
  ),
  walletHotkey: Options.text("wallet.hotkey").pipe(
    described("Hotkey name inside the wallet (default: default). The file read is <wallet.path>/<wallet.name>/hotkeys/<wallet.hotkey>."),
    Options.optional
  ),
  walletPath: Options.text("wallet.path").pipe(
    described("Folder of Bittensor wallets (default ~/.bittensor/wallets)."),
    Options.optional
  ),
  metagraph: Options.text("metagraph").pipe(
    described(
      "Metagraph snapshot JSON (CONTRACT §8; reloaded when it changes; env GITTENSOR_METAGRAPH_FILE). Without it the server runs in development mode on examples/metagraph.json."
    ),
    Options.optional
  ),
  githubApiUrl: Options.text("github-api-url").pipe(
    described("GitHub API base URL (default https://api.github.com; env GITTENSOR_GITHUB_API_URL)."),
    Options.optional
  ),
  patsFile: Options.text("pats-file").pipe(
    described("The PAT store shared with the Python validator (default data/miner_pats.json; env GITTENSOR_MINER_PATS_FILE)."),
    Options.optional
  ),
  maxConcurrency: Options.integer("max-concurrency").pipe(
    described("Pipelines run at once; beyond it requests wait, highest stake first, or get 503 if they cannot start in time."),
    Options.withDefault(2048)
  ),
  rateLimit: Options.integer("rate-limit").pipe(
    described("Requests per minute per hotkey; over it a request gets 429 (0 = off)."),
    Options.withDefault(30)
  ),
  logLevel: Options.choice("log-level", ["all", "trace", "debug", "info", "warning", "error", "fatal", "none"]).pipe(
    described("Lowest level of the JSON log lines written to stdout."),
    Options.withDefault("info" as const),
    Options.map((level) => LOG_LEVELS.find((l) => l.toLowerCase() === level) ?? "Info")
  )
}
