import { Options } from "@effect/cli"
import { Config, type Option, type Redacted } from "effect"
import { type ChainOptions, chainOptions } from "./chainOptions.js"

/** GitHub's public API, where miners' tokens are checked unless told otherwise. */
export const defaultGitHubApiUrl = "https://api.github.com"

/** The flags `post` and `check` share (docs/miner.md, "Flags"); flags win over environment variables. */
export const minerOptions = {
  walletName: Options.text("wallet.name").pipe(
    Options.withDefault("default"),
    Options.withDescription("Bittensor wallet (coldkey) name.")
  ),
  walletHotkey: Options.text("wallet.hotkey").pipe(
    Options.withDefault("default"),
    Options.withDescription("Hotkey name inside the wallet: the miner's registered hotkey.")
  ),
  walletPath: Options.text("wallet.path").pipe(
    Options.withDefault("~/.bittensor/wallets"),
    Options.withDescription("Folder that holds the wallets; the hotkey file is <path>/<name>/hotkeys/<hotkey> (format: docs/wallet.md).")
  ),
  metagraph: Options.file("metagraph").pipe(
    Options.optional,
    Options.withDescription(
      "Metagraph snapshot (format: docs/metagraph.md; JSON with netuid, block and neurons) to pick validators from instead of reading the chain; with --subtensor.network or --subtensor.chain_endpoint, the fallback when the chain read fails."
    )
  ),
  ...chainOptions,
  pat: Options.redacted("pat").pipe(
    Options.withFallbackConfig(Config.redacted("GITTENSOR_MINER_PAT")),
    Options.optional,
    Options.withDescription(
      "GitHub personal access token (or env GITTENSOR_MINER_PAT). `post`, `ensure` and `token` ask for it, hidden, when neither is set and stdin is a terminal; it is never printed."
    )
  ),
  minVtrust: Options.float("min-vtrust").pipe(
    Options.withDefault(0.25),
    Options.withDescription("Call only neurons whose validator_trust is above this.")
  ),
  minStake: Options.float("min-stake").pipe(
    Options.withDefault(15000),
    Options.withDescription("Call only neurons with at least this stake.")
  ),
  githubApiUrl: Options.text("github-api-url").pipe(
    Options.withFallbackConfig(Config.string("GITTENSOR_GITHUB_API_URL")),
    Options.withDefault(defaultGitHubApiUrl),
    Options.withDescription(
      "GitHub API used for the local PAT check (or env GITTENSOR_GITHUB_API_URL)."
    )
  ),
  timeout: Options.float("timeout").pipe(
    Options.optional,
    Options.withDescription(
      "Seconds to wait for each validator (default 30 for post, 15 for check; ensure: 15 for its checks, 30 for its posts)."
    )
  ),
  yes: Options.boolean("yes").pipe(
    Options.withAlias("y"),
    Options.withDescription("Broadcast without asking when GitHub is unreachable for the local check.")
  ),
  json: Options.boolean("json").pipe(
    Options.withDescription(
      "Print JSON on stdout instead of the table (layout: docs/miner.md): exactly one document (with ensure --watch, one per round, each on one line)."
    )
  )
}

/** The parsed flags of `post`, `check` and `ensure`. */
export interface MinerOptions extends ChainOptions {
  readonly walletName: string
  readonly walletHotkey: string
  readonly walletPath: string
  readonly metagraph: Option.Option<string>
  readonly pat: Option.Option<Redacted.Redacted>
  readonly minVtrust: number
  readonly minStake: number
  readonly githubApiUrl: string
  readonly timeout: Option.Option<number>
  readonly yes: boolean
  readonly json: boolean
}

// ── ensure and token ────────────────────────────────────────────────────────
// Kept together, below the shared flags, so that changes to those merge cleanly.

/** `ensure`: the flags of `post`, then `--watch` and `--strict`. */
export const ensureOptions = {
  ...minerOptions,
  watch: Options.text("watch").pipe(
    Options.withPseudoName("DURATION"),
    Options.optional,
    Options.withDescription(
      "Repeat every DURATION (e.g. 90s, 30m, 1h; at least 10s), ±10 % jitter, until SIGINT/SIGTERM: the first ends it after the current round, a second at once. Backs off from DURATION/8 while GitHub is unreachable from here."
    )
  ),
  strict: Options.boolean("strict").pipe(
    Options.withDescription(
      "Send the token only once GitHub has shown it cannot write: refuse one whose scopes grant write or admin rights, or whose scopes GitHub could not be asked for (exit 1)."
    )
  )
}

/** The parsed flags of `ensure`. */
export interface EnsureOptions extends MinerOptions {
  readonly watch: Option.Option<string>
  readonly strict: boolean
}

/** `token`: which token, which GitHub, which output. */
export const tokenOptions = {
  pat: minerOptions.pat,
  githubApiUrl: minerOptions.githubApiUrl,
  json: minerOptions.json
}

/** The parsed flags of `token`. */
export type TokenOptions = Pick<MinerOptions, "pat" | "githubApiUrl" | "json">
