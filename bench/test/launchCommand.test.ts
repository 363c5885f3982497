import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { launchCommand } from "../src/validatorProcess.js"

// bench:compare runs each checkout's validator as its own root `validator` script says:
// the same node flags and environment, or its sources when the script is of another shape.

/** `launchCommand` of a checkout whose root package.json has `script` as its `validator`. */
const launchOf = (script: string) =>
  Effect.acquireUseRelease(
    Effect.sync(() => mkdtempSync(join(tmpdir(), "launch-command-"))),
    (checkout) =>
      Effect.suspend(() => {
        writeFileSync(join(checkout, "package.json"), JSON.stringify({ scripts: { validator: script } }))
        return launchCommand(checkout)
      }),
    (checkout) => Effect.sync(() => rmSync(checkout, { recursive: true, force: true }))
  ).pipe(Effect.provide(NodeFileSystem.layer))

describe("launchCommand", () => {
  it.effect("reads the environment set with `exec env`, then node's flags and the program", () =>
    Effect.gen(function* () {
      const launch = yield* launchOf(
        "exec env MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=1048576 node --max-semi-space-size=32 --heap-growing-percent=30 scripts/launch.mjs validator"
      )
      assert.deepStrictEqual(launch, {
        env: { MALLOC_MMAP_THRESHOLD_: "33554432", MALLOC_TRIM_THRESHOLD_: "1048576" },
        flags: ["--max-semi-space-size=32", "--heap-growing-percent=30"],
        program: ["scripts/launch.mjs", "validator"]
      })
    })
  )

  it.effect("a script that runs node directly has no environment of its own", () =>
    Effect.gen(function* () {
      const launch = yield* launchOf("exec node --max-semi-space-size=32 scripts/launch.mjs validator")
      assert.deepStrictEqual(launch, { env: {}, flags: ["--max-semi-space-size=32"], program: ["scripts/launch.mjs", "validator"] })
    })
  )

  it.effect("a value holding '=' keeps it: the name ends at the first", () =>
    Effect.gen(function* () {
      const launch = yield* launchOf("env NODE_DEBUG_OPTS=a=b node scripts/launch.mjs validator")
      assert.deepStrictEqual(launch.env, { NODE_DEBUG_OPTS: "a=b" })
    })
  )

  it.effect("a script of another shape (an older checkout under tsx) runs the sources, with nothing added", () =>
    Effect.gen(function* () {
      const launch = yield* launchOf("tsx apps/validator/src/main.ts")
      assert.deepStrictEqual(launch, { env: {}, flags: [], program: ["apps/validator/src/main.ts"] })
    })
  )
})
