import { spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schedule } from "effect"

// The demo starts a validator as a child process of its own; a demo that dies outright
// (SIGKILL, or a closed pipe: `pnpm demo | head`) runs no finalizer, so its validator must
// notice by itself (scripts/launcherWatch.mjs) rather than serve on with nobody to stop it.

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url))

/** Whether anything still answers on `port` (a refused connection: nothing listens there). */
const answers = (port: number) =>
  Effect.promise(() =>
    fetch(`http://127.0.0.1:${port}/healthz`).then(
      () => true,
      () => false
    )
  )

describe("a demo killed outright", () => {
  it.scopedLive(
    "its validator stops by itself: nothing answers on its port",
    () =>
      Effect.gen(function* () {
        // The killed demo cannot remove its temp folder: it makes it in one of the test's.
        const tmp = mkdtempSync(join(tmpdir(), "demo-killed-"))
        yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(tmp, { recursive: true, force: true })))
        const demo = spawn(process.execPath, ["scripts/launch.mjs", "demo"], {
          cwd: repoRoot,
          stdio: ["ignore", "pipe", "pipe"],
          env: { PATH: process.env.PATH ?? "", TMPDIR: tmp }
        })
        yield* Effect.addFinalizer(() => Effect.sync(() => demo.kill("SIGKILL")))
        let output = ""
        demo.stdout.on("data", (chunk) => (output += chunk))
        demo.stderr.on("data", (chunk) => (output += chunk))
        const port = yield* Effect.sync(() => /validator\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1]).pipe(
          Effect.filterOrFail((found) => found !== undefined),
          Effect.retry(Schedule.spaced("100 millis").pipe(Schedule.upTo("120 seconds"))),
          Effect.orElse(() => Effect.die(new Error(`the demo never named its validator:\n${output}`))),
          Effect.map(Number)
        )
        assert.isTrue(yield* answers(port), "the validator serves while the demo runs")
        assert.isNull(demo.exitCode, "the demo is still running when it is killed")
        demo.kill("SIGKILL")
        const gone = yield* answers(port).pipe(
          Effect.filterOrFail((yes) => !yes),
          Effect.retry(Schedule.spaced("200 millis").pipe(Schedule.upTo("20 seconds"))),
          Effect.as(true),
          Effect.orElseSucceed(() => false)
        )
        assert.isTrue(gone, "nothing answers on the validator's port any more")
      }),
    { timeout: 200_000 }
  )
})
