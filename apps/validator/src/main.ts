import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { validatorCli } from "./Cli.js"
import { reportFailure, teardown } from "./cli/exitCode.js"
import { drainThroughRepeatedSignals } from "./cli/signals.js"
import { ValidatorLive } from "./Validator.js"

drainThroughRepeatedSignals()
validatorCli((settings) => Layer.launch(ValidatorLive(settings)))(process.argv).pipe(
  reportFailure,
  Effect.provide(NodeContext.layer),
  (program) => NodeRuntime.runMain(program, { disableErrorReporting: true, disablePrettyLogger: true, teardown })
)
