import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { assert, describe, it } from "@effect/vitest"
import * as esbuild from "esbuild"
import { Effect, Either, Random } from "effect"
import { spawn } from "node:child_process"
import { existsSync, readdirSync } from "node:fs"
import * as NodePath from "node:path"
import { JsonFilePatStore } from "../src/index.js"
import { decodeFile } from "../src/wire.js"

// CI runs 20 kills; `STORE_CRASH_KILLS=50 pnpm exec vitest run packages/storage-adapter/test/crash.test.ts` runs more.
const kills = Number(process.env.STORE_CRASH_KILLS || 20)

type KillPlan = { readonly after: "spawn" | "ready"; readonly ms: number }

interface Run {
  readonly acked: ReadonlyArray<number>
  readonly signal: NodeJS.Signals | null
  readonly stderr: string
  /** Temp files of earlier (dead) writers still present when this writer said it was ready. */
  readonly strayTemps: ReadonlyArray<string>
  readonly tempsAfterKill: number
}

// A child killed early may not have created the folder yet.
const tempsIn = (directory: string): Array<string> =>
  existsSync(directory) ? readdirSync(directory).filter((name) => name.endsWith(".tmp")) : []

/** Bundled once, so that each of the many starts takes a fraction of a second. */
const bundleChild = (directory: string) =>
  Effect.promise(async () => {
    const outfile = NodePath.join(directory, "crashingSaver.mjs")
    await esbuild.build({
      entryPoints: [NodePath.join(import.meta.dirname, "fixtures", "crashingSaver.ts")],
      bundle: true,
      platform: "node",
      format: "esm",
      outfile,
      logLevel: "warning"
    })
    return outfile
  })

/** Starts the saving child and SIGKILLs it by `plan`; collects every save it acknowledged. */
const runUntilKilled = (script: string, path: string, first: number, plan: KillPlan) =>
  Effect.async<Run>((resume) => {
    const child = spawn(process.execPath, [script, path, String(first)], { stdio: ["ignore", "pipe", "pipe"] })
    const acked: Array<number> = []
    let strayTemps: Array<string> = []
    let stderr = ""
    let partial = ""
    const kill = () => child.kill("SIGKILL")
    if (plan.after === "spawn") setTimeout(kill, plan.ms)
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      const lines = (partial + chunk).split("\n")
      partial = lines.pop() ?? ""
      for (const line of lines) {
        if (line.startsWith("ack ")) acked.push(Number(line.slice(4)))
        if (line !== "ready") continue
        strayTemps = tempsIn(NodePath.dirname(path)).filter((name) => !name.includes(`.${child.pid}-`))
        if (plan.after === "ready") setTimeout(kill, plan.ms)
      }
    })
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk
    })
    child.on("close", (_code, signal) =>
      resume(
        Effect.succeed({ acked, signal, stderr, strayTemps, tempsAfterKill: tempsIn(NodePath.dirname(path)).length })
      )
    )
    return Effect.sync(kill)
  })

/** Asserts the file parses and holds, on every uid, the last acknowledged save or a later one. */
const assertNothingLost = (path: string, lastAcked: ReadonlyMap<number, number>, run: number) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    if (!(yield* fs.exists(path))) return assert.strictEqual(lastAcked.size, 0, `run ${run}: the file vanished`)
    const decoded = decodeFile(yield* fs.readFileString(path))
    assert.isTrue(Either.isRight(decoded), `run ${run}: the file no longer parses`)
    const seqOnUid = new Map(Either.getOrThrow(decoded).map((s) => [s.entry.uid as number, Number(s.entry.githubId)]))
    for (const [uid, seq] of lastAcked) {
      assert.isAtLeast(seqOnUid.get(uid) ?? -1, seq, `run ${run}: acknowledged save ${seq} on uid ${uid} was lost`)
    }
  })

describe("the store under SIGKILL", () => {
  it.scopedLive(
    `a writer killed at ${kills} random moments loses no acknowledged save and leaves no temp file behind`,
    () =>
      Effect.gen(function* () {
        const fs = yield* FileSystem.FileSystem
        const directory = yield* fs.makeTempDirectoryScoped({ prefix: "pat-store-crash-" })
        const script = yield* bundleChild(directory)
        const path = NodePath.join(directory, "store", "miner_pats.json")
        const lastAcked = new Map<number, number>()
        let acks = 0
        let killsLeavingTemps = 0
        for (let run = 0; run < kills; run++) {
          const plan: KillPlan = (yield* Random.nextIntBetween(0, 10)) < 3
            ? { after: "spawn", ms: yield* Random.nextIntBetween(0, 1000) }
            : { after: "ready", ms: yield* Random.nextIntBetween(0, 150) }
          const result = yield* runUntilKilled(script, path, run * 1_000_000, plan)
          assert.strictEqual(result.signal, "SIGKILL", `run ${run} ended by itself: ${result.stderr}`)
          assert.deepStrictEqual(result.strayTemps, [], `run ${run} started with a dead writer's temp files`)
          for (const seq of result.acked) lastAcked.set(seq % 64, seq)
          acks += result.acked.length
          if (result.tempsAfterKill > 0) killsLeavingTemps++
          yield* assertNothingLost(path, lastAcked, run)
        }
        assert.isAbove(acks, kills, "the children barely saved anything between kills")
        yield* Effect.scoped(JsonFilePatStore.make({ path }))
        assert.deepStrictEqual(tempsIn(NodePath.dirname(path)), [])
        console.info(`${kills} kills, ${acks} acknowledged saves, ${killsLeavingTemps} kills left a temp file`)
      }).pipe(Effect.provide(NodeFileSystem.layer)),
    kills * 5_000 + 30_000
  )
})
