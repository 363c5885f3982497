// CPU per check inside the pipeline: `checkPat` in-process over `GitHubHttp.layerNode` and
// `JsonFilePatStore.layerNode` (a temp file), against a fake GitHub in a child process so
// that its CPU is not counted. Not a test: the figures depend on the machine.
//
//   flock -x /tmp/cpu.lock pnpm exec tsx packages/http-adapter/bench/checkCpu.ts [--checks 5000] [--concurrency 256] [--rounds 3]
import { checkPat, Deadline, Hotkey } from "@gittensor-pat/core"
import { neuron, StaticMetagraph } from "@gittensor-pat/core/testing"
import { Duration, Effect, Layer } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import { once } from "node:events"
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"
import { setTimeout as sleep } from "node:timers/promises"
import { parseArgs } from "node:util"
import { JsonFilePatStore } from "../../storage-adapter/src/index.js"
import { GitHubHttp } from "../src/index.js"

const { values } = parseArgs({
  options: {
    checks: { type: "string", default: "5000" },
    concurrency: { type: "string", default: "256" },
    rounds: { type: "string", default: "3" },
    miners: { type: "string", default: "1280" }
  }
})
const checks = Number(values.checks)
const concurrency = Number(values.concurrency)
const rounds = Number(values.rounds)
const miners = Number(values.miners)

const hotkeyOf = (uid: number) => `5BenchMiner${uid}`
const tokenOf = (uid: number) => `ghp_bench${uid}`

/** The fake GitHub as its own process; resolves with its URL once it listens. */
const startFake = async (): Promise<{ readonly url: string; readonly child: ChildProcess }> => {
  const cli = fileURLToPath(new URL("../../fake-github/src/cli.ts", import.meta.url))
  const allow = Array.from({ length: miners }, (_, uid) => ["--allow", `${tokenOf(uid)}:${1000 + uid}:login${uid}`]).flat()
  const child = spawn(process.execPath, ["--import", "tsx", cli, "--latency", "0", ...allow], {
    stdio: ["ignore", "pipe", "inherit"]
  })
  const [url] = (await once(createInterface({ input: child.stdout! }), "line")) as [string]
  return { url, child }
}

const storeText = JSON.stringify(
  Array.from({ length: miners }, (_, uid) => ({
    uid,
    hotkey: hotkeyOf(uid),
    pat: tokenOf(uid),
    github_id: String(1000 + uid),
    stored_at: "2026-11-26T18:00:00+00:00"
  })),
  null,
  2
)

const oneRound = (count: number) =>
  Effect.gen(function* () {
    const outcomes = new Map<string, number>()
    const cpu = process.cpuUsage()
    const start = performance.now()
    yield* Effect.forEach(
      Array.from({ length: count }, (_, i) => i % miners),
      (uid) =>
        Effect.flatMap(Deadline.after(Duration.seconds(11)), (deadline) =>
          Effect.map(checkPat(Hotkey.make(hotkeyOf(uid)), deadline), (outcome) => {
            outcomes.set(outcome._tag, (outcomes.get(outcome._tag) ?? 0) + 1)
          })
        ),
      { concurrency, discard: true }
    )
    const wallMs = performance.now() - start
    const used = process.cpuUsage(cpu)
    return { cpuUsPerCheck: (used.user + used.system) / count, checksPerS: (count / wallMs) * 1000, outcomes }
  })

const main = async () => {
  const directory = await mkdtemp(join(tmpdir(), "check-cpu-"))
  const path = join(directory, "miner_pats.json")
  await writeFile(path, storeText, { mode: 0o600 })
  // As a store that was written a while ago: the store trusts its stat only once the file's
  // mtime and ctime are a second old (and no utimes can move ctime back).
  await sleep(1_100)
  const fake = await startFake()
  try {
    const layers = Layer.mergeAll(
      GitHubHttp.layerNode({ baseUrl: fake.url }),
      JsonFilePatStore.layerNode({ path }),
      StaticMetagraph.layer(Array.from({ length: miners }, (_, uid) => neuron(uid, hotkeyOf(uid))))
    )
    await Effect.runPromise(
      Effect.gen(function* () {
        yield* oneRound(Math.min(checks, 2000))
        for (let round = 1; round <= rounds; round++) {
          const result = yield* oneRound(checks)
          console.log(
            `round ${round}: ${checks} checks, C = ${concurrency}: ${result.cpuUsPerCheck.toFixed(0)} µs CPU per check, ${result.checksPerS.toFixed(0)} checks/s, outcomes ${JSON.stringify(Object.fromEntries(result.outcomes))}`
          )
        }
      }).pipe(Effect.provide(layers))
    )
  } finally {
    fake.child.kill("SIGTERM")
    await rm(directory, { recursive: true, force: true })
  }
}

await main()
