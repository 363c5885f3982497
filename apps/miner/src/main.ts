import { Effect, Exit } from "effect"
import { layerNode, runCli } from "./run.js"
import { runMain } from "./runtime.js"

runCli(process.argv).pipe(
  Effect.provide(layerNode),
  runMain({
    teardown: (exit, onExit) => onExit(Exit.isSuccess(exit) && typeof exit.value === "number" ? exit.value : 1)
  })
)
