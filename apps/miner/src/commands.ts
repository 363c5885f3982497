import { Command, HelpDoc } from "@effect/cli"
import { check } from "./check.js"
import { minerOptions } from "./options.js"
import { post } from "./post.js"

/** `post`: broadcast the PAT to the subnet's validators. */
export const postCommand = Command.make("post", minerOptions, post).pipe(
  Command.withDescription(
    "Check the PAT with GitHub, then send it to every eligible validator (PatBroadcastSynapse) and report who accepted it. Exit 0 when at least one validator accepted it, 1 otherwise, 2 on bad usage."
  )
)

/** `check`: ask validators whether they hold a working PAT for this hotkey. */
export const checkCommand = Command.make("check", minerOptions, check).pipe(
  Command.withDescription(
    "Ask every eligible validator whether it holds a working PAT for this hotkey (PatCheckSynapse): valid, no_pat, invalid_pat, inconclusive (GitHub was unavailable to it; retry later) or no_response. Exit 0 when at least one holds a valid PAT, 1 otherwise, 2 on bad usage."
  )
)

/** The `miner` command with its two subcommands. */
export const minerCommand = Command.make("miner").pipe(
  Command.withDescription("Hand your GitHub PAT to Gittensor validators and check that they hold a working one."),
  Command.withSubcommands([postCommand, checkCommand])
)

const examples = HelpDoc.blocks([
  HelpDoc.h1("EXAMPLES"),
  HelpDoc.p("Post the PAT from the environment to the validators of subnet 74, read from finney:"),
  HelpDoc.p("  GITTENSOR_MINER_PAT=ghp_… pnpm miner post --wallet.name miner --wallet.hotkey default"),
  HelpDoc.p("Check, reading the metagraph from your own node, with a snapshot file as the fallback:"),
  HelpDoc.p("  pnpm miner check --subtensor.chain_endpoint ws://127.0.0.1:9944 --metagraph metagraph.json"),
  HelpDoc.p("Post, asked for the PAT without echo, broadcasting even if GitHub is unreachable from here:"),
  HelpDoc.p("  pnpm miner post --metagraph metagraph.json --yes"),
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
