import { Command, HelpDoc } from "@effect/cli"
import { Option } from "effect"
import { check } from "./check.js"
import { ensure } from "./ensure.js"
import { ensureWatch } from "./ensureWatch.js"
import { ensureOptions, minerOptions, tokenOptions } from "./options.js"
import { post } from "./post.js"
import { stopOnSignal } from "./StopSignals.js"
import { token } from "./token.js"

/** `post`: broadcast the PAT to the subnet's validators. */
export const postCommand = Command.make("post", minerOptions, (options) => stopOnSignal(post(options))).pipe(
  Command.withDescription(
    "Check the PAT with GitHub and report what the token can do (scopes, expiry, rate limit), then send it to every eligible validator (PatBroadcastSynapse) and report who accepted it. Exit 0 when at least one validator accepted it, 1 otherwise, 2 on bad usage."
  )
)

/** `check`: ask validators whether they hold a working PAT for this hotkey. */
export const checkCommand = Command.make("check", minerOptions, (options) => stopOnSignal(check(options))).pipe(
  Command.withDescription(
    "Ask every eligible validator whether it holds a working PAT for this hotkey (PatCheckSynapse): valid, no_pat, invalid_pat, inconclusive (GitHub was unavailable to it; retry later) or no_response. Exit 0 when at least one holds a valid PAT, 1 otherwise, 2 on bad usage."
  )
)

/** `ensure`: post only where the PAT is missing or invalid; with `--watch`, keep doing so. */
export const ensureCommand = Command.make("ensure", ensureOptions, (options) =>
  Option.match(options.watch, {
    onNone: () => stopOnSignal(ensure(options)),
    onSome: (period) => ensureWatch(options, period)
  })
).pipe(
  Command.withDescription(
    HelpDoc.blocks([
      HelpDoc.p(
        "Check every eligible validator, then post the PAT only where the answer was no_pat or invalid_pat. A validator that holds a valid PAT is left alone (kept); one whose GitHub was unavailable (inconclusive) gets nothing (waiting: posting would only rotate a working token during an outage); one that did not answer is asked once more, a second later, then counted unreachable. The PAT is checked with GitHub here first and the token report printed, as for post."
      ),
      HelpDoc.p(
        "Each validator's row says what it had (FOUND) and what was done (ACTION: kept, posted: accepted, posted: rejected with the reason, waiting: inconclusive, unreachable). Exit 0 when every validator that answered holds a valid PAT at the end, 1 otherwise, 2 on bad usage."
      ),
      HelpDoc.p(
        "With --watch DURATION it runs a round every DURATION (±10 %), reading the hotkey and metagraph afresh each time, one summary line per round on stderr (and one JSON document per round on stdout with --json). While GitHub is unreachable from here it retries sooner (DURATION/8, doubling up to DURATION) and calls no validator. SIGINT/SIGTERM end it after the current round (exit 0); a second signal ends it at once (exit 1)."
      )
    ])
  )
)

/** `token`: what GitHub says the token can do; sends nothing to validators. */
export const tokenCommand = Command.make("token", tokenOptions, (options) => stopOnSignal(token(options))).pipe(
  Command.withDescription(
    "Report what GitHub's answer says about the PAT, without sending it to any validator: login, kind (classic, fine-grained or unknown), a classic token's scopes and whether any grants write or admin rights (with how to make a read-only token), the expiry date (a warning under 14 days) and GitHub's rate limit for it. Exit 0 when GitHub accepts the token, 1 when it refuses it or cannot be reached, 2 on bad usage."
  )
)

/** The `miner` command with its subcommands. */
export const minerCommand = Command.make("miner").pipe(
  Command.withDescription(
    "Hand your GitHub PAT to Gittensor validators, keep it held where it is missing, and see what the token can do before anyone receives it."
  ),
  Command.withSubcommands([postCommand, checkCommand, ensureCommand, tokenCommand])
)

const examples = HelpDoc.blocks([
  HelpDoc.h1("EXAMPLES"),
  HelpDoc.p("See what GitHub says the token can do, before sending it anywhere:"),
  HelpDoc.p("  GITTENSOR_MINER_PAT=ghp_… pnpm miner token"),
  HelpDoc.p("Post the PAT from the environment to the validators of subnet 74, read from finney:"),
  HelpDoc.p("  GITTENSOR_MINER_PAT=ghp_… pnpm miner post --wallet.name miner --wallet.hotkey default"),
  HelpDoc.p("Check, reading the metagraph from your own node, with a snapshot file as the fallback:"),
  HelpDoc.p("  pnpm miner check --subtensor.chain_endpoint ws://127.0.0.1:9944 --metagraph metagraph.json"),
  HelpDoc.p("Post, asked for the PAT without echo, broadcasting even if GitHub is unreachable from here:"),
  HelpDoc.p("  pnpm miner post --metagraph metagraph.json --yes"),
  HelpDoc.p("Post only where the PAT is missing or invalid, refusing a token that could write to GitHub:"),
  HelpDoc.p("  GITTENSOR_MINER_PAT=ghp_… pnpm miner ensure --metagraph metagraph.json --strict"),
  HelpDoc.p("Keep it so every 30 minutes until stopped, one JSON line per round for a log:"),
  HelpDoc.p("  GITTENSOR_MINER_PAT=ghp_… pnpm miner ensure --metagraph metagraph.json --watch 30m --json >> ensure.jsonl"),
  HelpDoc.p("Check which validators hold a working PAT, as JSON for a script:"),
  HelpDoc.p("  pnpm miner check --metagraph metagraph.json --json | jq '.results[] | select(.category != \"valid\")'"),
  HelpDoc.p("Check against a local validator with every neuron eligible:"),
  HelpDoc.p("  pnpm miner check --metagraph examples/metagraph.json --min-vtrust 0 --min-stake 0 --timeout 5")
])

/** Parses argv and runs the chosen command; fails with a `ValidationError` on bad usage. */
export const cli = Command.run(minerCommand, {
  name: "gittensor-pat miner",
  version: "0.1.0",
  footer: examples
})
