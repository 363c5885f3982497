import { Command } from "@effect/cli"
import { Effect } from "effect"
import { serveFlags } from "./cli/flags.js"
import { resolveSettings, type ServeSettings } from "./cli/settings.js"

/** The `serve` subcommand: merges flags and environment, then hands the settings to `serve`. */
export const serveCommand = <E, R>(serve: (settings: ServeSettings) => Effect.Effect<void, E, R>) =>
  Command.make("serve", serveFlags, (flags) => Effect.flatMap(resolveSettings(flags), serve)).pipe(
    Command.withDescription(
      "Serve PatBroadcastSynapse and PatCheckSynapse on a Bittensor-compatible axon. With no flags it runs in development mode (127.0.0.1:8091, a generated dev hotkey under data/dev-wallet/, examples/metagraph.json, store data/miner_pats.json)."
    )
  )

/** The `validator` program: `validator serve [flags]`. `argv` is `process.argv` as is. */
export const validatorCli = <E, R>(serve: (settings: ServeSettings) => Effect.Effect<void, E, R>) =>
  Command.run(
    Command.make("validator").pipe(
      Command.withDescription("gittensor-pat validator: holds miners' GitHub PATs and answers their checks."),
      Command.withSubcommands([serveCommand(serve)])
    ),
    { name: "gittensor-pat validator", version: "0.1.0" }
  )
