import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Effect, Logger } from "effect"
import { validatorCli } from "./cli.js"
import { reportFailure, teardown } from "./exitCode.js"
import { serve } from "./serve.js"
import { drainThroughRepeatedSignals } from "./signals.js"

drainThroughRepeatedSignals()
validatorCli(serve)(process.argv).pipe(
  reportFailure,
  Effect.provide(Logger.json),
  Effect.provide(NodeContext.layer),
  (program) => NodeRuntime.runMain(program, { disableErrorReporting: true, disablePrettyLogger: true, teardown })
)
