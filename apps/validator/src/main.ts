import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { CliConsole } from "@gittensor-pat/cli-console"
import { Effect, Layer } from "effect"
import { validatorCli } from "./Cli.js"
import { reportFailure, teardown } from "./cli/exitCode.js"
import type { ServeSettings } from "./cli/settings.js"
import { drainThroughRepeatedSignals } from "./cli/signals.js"
import * as Log from "./ops/Log.js"
import { ValidatorLive } from "./Validator.js"

// The logger is built before the validator, so released after it: the drain's lines are written.
const serve = (settings: ServeSettings) =>
  Layer.launch(ValidatorLive(settings)).pipe(Effect.provide(Log.layer({ format: settings.logFormat, level: settings.logLevel })))

drainThroughRepeatedSignals()
validatorCli(serve)(process.argv).pipe(
  reportFailure,
  CliConsole.withPresentation("pnpm validator"),
  Effect.provide(NodeContext.layer),
  (program) => NodeRuntime.runMain(program, { disableErrorReporting: true, disablePrettyLogger: true, teardown })
)
