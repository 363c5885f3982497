import { stripVTControlCharacters } from "node:util"
import { HelpDoc, ValidationError } from "@effect/cli"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { CliConsole } from "@gittensor-pat/cli-console"
import { UndiciHttpClient } from "@gittensor-pat/http-adapter"
import { Console, Effect, Layer, Logger } from "effect"
import { cli } from "./commands.js"
import { exitCodeOf } from "./errors.js"
import * as Interaction from "./Interaction.js"
import * as Progress from "./Progress.js"
import { ensureFailureDocument } from "./ensure.js"
import { type FailureDocument, failureDocument } from "./output.js"
import * as StopSignals from "./StopSignals.js"
import { checkSurvey, postSurvey } from "./surveys.js"
import { tokenFailureDocument } from "./token.js"

/** The exit codes of docs/miner.md: 0 success, 1 a failure the user can act on, 2 bad usage. */
export type ExitCode = 0 | 1 | 2

/** Each command's `--json` document for a run that never started. */
const failureDocuments: Readonly<Record<string, FailureDocument>> = {
  post: failureDocument(postSurvey),
  check: failureDocument(checkSurvey),
  ensure: ensureFailureDocument,
  token: tokenFailureDocument
}

/** With `--json`, stdout gets the command's document even when the run never started (no token report then). */
const jsonFailure = (argv: ReadonlyArray<string>, message: string) => {
  const command = argv.slice(2).find((arg) => Object.hasOwn(failureDocuments, arg)) ?? "check"
  const document = failureDocuments[command] ?? failureDocuments.check
  return argv.includes("--json") && document !== undefined
    ? Console.log(JSON.stringify(document(message, [], null), null, 2))
    : Effect.void
}

/** Bad usage exits 2; @effect/cli has already printed the problem on stderr. */
const badUsage = (argv: ReadonlyArray<string>, error: ValidationError.ValidationError) =>
  jsonFailure(argv, stripVTControlCharacters(HelpDoc.toAnsiText(error.error)).trim()).pipe(Effect.as<ExitCode>(2))

/** A bug, not a user error: said on stderr (and as JSON with `--json`), exit 1. */
const unexpected = (argv: ReadonlyArray<string>, defect: unknown) => {
  const message = `unexpected failure: ${defect instanceof Error ? defect.message : String(defect)}`
  return Console.error(`Error: ${message}`).pipe(
    Effect.zipRight(jsonFailure(argv, message)),
    Effect.as<ExitCode>(1)
  )
}

// stdout carries only the report (one JSON document with --json); log lines go to stderr.
const logsToStderr = Logger.replace(Logger.defaultLogger, Logger.prettyLogger({ stderr: true }))

/** Runs the miner CLI on `argv` (`[runtime, script, ...args]`) and yields its exit code. */
export const runCli = (argv: ReadonlyArray<string>) =>
  cli(argv).pipe(
    Effect.as<ExitCode>(0),
    Effect.catchAll((error) =>
      ValidationError.isValidationError(error) ? badUsage(argv, error) : Effect.succeed<ExitCode>(exitCodeOf(error))
    ),
    Effect.catchAllDefect((defect) => unexpected(argv, defect)),
    CliConsole.withPresentation("pnpm miner"),
    Effect.provide(logsToStderr)
  )

/** What the CLI needs from Node: files, terminal, HTTP client, progress, prompts and signals. */
export const layerNode = Layer.mergeAll(
  Progress.layerNode,
  Interaction.layerNode,
  UndiciHttpClient.layer(),
  StopSignals.layerNode
).pipe(Layer.provideMerge(NodeContext.layer))
