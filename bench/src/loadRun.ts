import type { FileSystem } from "@effect/platform"
import type { CommandExecutor } from "@effect/platform/CommandExecutor"
import type { PlatformError } from "@effect/platform/Error"
import { Duration, Effect, Schema, type Scope } from "effect"
import { spawnNode, waitForHttp } from "./child.js"
import { BenchError } from "./errors.js"
import { type LoadGroup, LoadReport, type LoadSpec } from "./loadgen/spec.js"
import { freePort } from "./ports.js"

/** The load generator process: give it a spec, get back what happened. */
export interface LoadGenerator {
  /** Runs `spec` (bounded by its counts, durations and timeouts) and returns the report. */
  readonly run: (spec: LoadSpec) => Effect.Effect<LoadReport, BenchError>
}

/** Starts the load generator in its own process for the life of the scope. */
export const startLoadGenerator = (
  logFile: string
): Effect.Effect<LoadGenerator, BenchError | PlatformError, Scope.Scope | CommandExecutor | FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const port = yield* freePort
    yield* spawnNode({ program: ["bench/src/loadgen/main.ts"], args: ["--port", String(port)], logFile })
    const url = `http://127.0.0.1:${port}`
    yield* waitForHttp(`${url}/ready`, Duration.seconds(60))
    return {
      run: (spec) =>
        Effect.tryPromise({
          try: async (signal) => {
            const response = await fetch(`${url}/run`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify(spec),
              signal
            })
            const text = await response.text()
            if (!response.ok) throw new Error(`load generator answered ${response.status}: ${text}`)
            return text
          },
          catch: (cause) => new BenchError({ message: `load generator: ${String(cause)} (see ${logFile})` })
        }).pipe(
          Effect.flatMap(Schema.decodeUnknown(Schema.parseJson(LoadReport))),
          Effect.mapError((error) => (error instanceof BenchError ? error : new BenchError({ message: error.message })))
        )
    }
  })

/** What a run must say about a load group; the rest has defaults (see `loadGroup`). */
export type LoadGroupInput = Pick<LoadGroup, "synapse" | "miners" | "concurrency" | "durationMs"> & Partial<LoadGroup>

/** A load group with the usual defaults: 12 s timeout, no request cap, start at once, no pause, one token. */
export const loadGroup = (group: LoadGroupInput): LoadGroup => ({
  maxRequests: 1_000_000,
  timeoutSeconds: 12,
  startAfterMs: 0,
  intervalMs: 0,
  tokenVariants: 1,
  stopOnFailure: false,
  ...group
})
