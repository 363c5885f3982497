import { FileSystem } from "@effect/platform"
import { Effect, Schema } from "effect"
import { spawnNode } from "./child.js"
import { BenchError } from "./errors.js"
import { type LoadGroup, LoadReport, type LoadSpec } from "./loadgen/spec.js"

let runs = 0

/**
 * Runs the load generator in its own process with `spec` and returns its report. The
 * child is bounded by the spec (count, duration and per-request timeout); `within` is a
 * last-resort bound on the whole process.
 */
export const runLoad = Effect.fn("runLoad")(function* (dir: string, spec: LoadSpec) {
  const fs = yield* FileSystem.FileSystem
  const run = ++runs
  const specFile = `${dir}/load-${run}.spec.json`
  const reportFile = `${dir}/load-${run}.report.json`
  yield* fs.writeFileString(specFile, JSON.stringify(spec))
  const code = yield* Effect.scoped(
    Effect.flatMap(
      spawnNode({ entry: "bench/src/loadgen/main.ts", args: [specFile, reportFile], logFile: `${dir}/load-${run}.log` }),
      (child) => child.exitCode
    )
  )
  if (code !== 0) {
    const log = yield* fs.readFileString(`${dir}/load-${run}.log`)
    return yield* new BenchError({ message: `load generator exited ${code}: ${log.slice(-2000)}` })
  }
  return yield* Schema.decodeUnknown(Schema.parseJson(LoadReport))(yield* fs.readFileString(reportFile))
})

/** A load group with the usual defaults: 12 s timeout, no request cap, start at once, one token. */
export const loadGroup = (
  group: Pick<LoadGroup, "synapse" | "miners" | "concurrency" | "durationMs"> & Partial<LoadGroup>
): LoadGroup => ({
  maxRequests: 1_000_000,
  timeoutSeconds: 12,
  startAfterMs: 0,
  tokenVariants: 1,
  stopOnFailure: false,
  ...group
})
