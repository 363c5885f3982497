import { FileSystem, Path } from "@effect/platform"
import { Effect } from "effect"
import { fileURLToPath } from "node:url"
import * as os from "node:os"

/** Where results land; git-ignored, one `<run>.json` (latest) plus a timestamped copy. */
export const resultsDir = fileURLToPath(new URL("../results", import.meta.url))

/** The machine a figure came from, recorded beside every result. */
export const machine = () => ({
  cores: os.cpus().length,
  cpu: os.cpus()[0]?.model ?? "unknown",
  memoryMiB: Math.round(os.totalmem() / 1024 / 1024),
  node: process.version,
  platform: `${os.platform()} ${os.release()}`
})

/** Writes a run's result as JSON and returns the path of the latest copy. */
export const writeResult = Effect.fn("writeResult")(function* (run: string, result: unknown) {
  const fs = yield* FileSystem.FileSystem
  const path = yield* Path.Path
  yield* fs.makeDirectory(resultsDir, { recursive: true })
  const document = JSON.stringify({ run, at: new Date().toISOString(), machine: machine(), result }, null, 2)
  const stamp = new Date().toISOString().replace(/[:.]/g, "-")
  const latest = path.join(resultsDir, `${run}.json`)
  yield* fs.writeFileString(path.join(resultsDir, `${run}-${stamp}.json`), document)
  yield* fs.writeFileString(latest, document)
  return latest
})
