import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Effect, type Scope } from "effect"
import { writeResult } from "./results.js"

/**
 * Runs one bench as a program: builds its figures inside a scope (children and temp
 * folders are cleaned up at its end), prints `report(figures)` and writes the JSON result.
 */
export const benchMain = <A, E>(
  name: string,
  program: Effect.Effect<A, E, Scope.Scope | NodeContext.NodeContext>,
  report: (figures: A) => string
): void =>
  NodeRuntime.runMain(
    Effect.gen(function* () {
      const figures = yield* Effect.scoped(program)
      console.log(report(figures))
      const file = yield* writeResult(name, figures)
      console.log(`\nresult: ${file}`)
    }).pipe(Effect.provide(NodeContext.layer))
  )
