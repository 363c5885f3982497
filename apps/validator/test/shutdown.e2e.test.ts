import { spawn } from "node:child_process"
import { readFileSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { NodeFileSystem } from "@effect/platform-node"
import { writeHotkey } from "@gittensor-pat/axon"
import { FakeGitHub } from "@gittensor-pat/fake-github"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schedule } from "effect"
import { exited, freePort } from "./support/process.js"
import { call, type StoredRow, tempDir, testKey, tokenFields, type World } from "./support/world.js"

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url))
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href
const MINERS = 24

const healthy = (url: string) =>
  Effect.tryPromise(() => fetch(`${url}/healthz`)).pipe(
    Effect.filterOrFail((response) => response.ok),
    Effect.retry(Schedule.spaced("200 millis").pipe(Schedule.upTo("150 seconds")))
  )

describe("graceful shutdown", () => {
  it.scopedLive(
    "SIGTERM during a burst of broadcasts: the process drains and exits 0, every acknowledged save is in the store",
    () =>
      Effect.gen(function* () {
        const dir = yield* tempDir
        const validatorKey = yield* testKey("shutdown-validator")
        const miners = yield* Effect.forEach(Array.from({ length: MINERS }, (_, i) => i), (i) => testKey(`shutdown-miner-${i}`))
        const github = yield* FakeGitHub.scoped
        github.setLatency(250)
        const tokens = miners.map((_, i) => `ghp_shutdown_burst_${String(i).padStart(4, "0")}`)
        for (const [i, token] of tokens.entries()) github.allow(token, { id: 5_000 + i, login: `m${i}` })
        const metagraphPath = join(dir, "metagraph.json")
        writeFileSync(
          metagraphPath,
          JSON.stringify({
            netuid: 74,
            block: 1,
            neurons: [validatorKey, ...miners].map((key, uid) => ({
              uid,
              hotkey: key.address,
              stake: uid === 0 ? 100_000 : 0,
              validator_trust: uid === 0 ? 1 : 0,
              axon: { ip: "127.0.0.1", port: 0 }
            }))
          })
        )
        const wallet = { path: join(dir, "wallets"), name: "v", hotkey: "h" }
        yield* writeHotkey(wallet, validatorKey).pipe(Effect.provide(NodeFileSystem.layer))
        const storePath = join(dir, "miner_pats.json")
        const port = yield* freePort
        const child = spawn(
          process.execPath,
          [
            "--import", TSX, MAIN, "serve",
            "--host", "127.0.0.1", "--port", String(port),
            "--metagraph", metagraphPath, "--pats-file", storePath, "--github-api-url", github.url,
            "--wallet.path", wallet.path, "--wallet.name", wallet.name, "--wallet.hotkey", wallet.hotkey,
            "--rate-limit", "0"
          ],
          { cwd: dir, stdio: ["ignore", "pipe", "pipe"], env: { PATH: process.env.PATH ?? "" } }
        )
        let stdout = ""
        child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
        child.stderr?.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
        yield* Effect.addFinalizer(() => Effect.sync(() => child.exitCode === null && child.kill("SIGKILL")))
        const url = `http://127.0.0.1:${port}`
        yield* healthy(url)

        const world = { validator: { url, port, host: "127.0.0.1", hotkey: validatorKey.address } } as World
        const acknowledged: Array<{ readonly miner: number; readonly at: number }> = []
        const broadcast = (i: number) =>
          call(world, "PatBroadcastSynapse", miners[i]!, tokenFields(tokens[i]!), { timeoutSeconds: 12 }).pipe(
            Effect.tap((answer) =>
              Effect.sync(() => answer.accepted === true && acknowledged.push({ miner: i, at: performance.now() }))
            ),
            Effect.either
          )
        // A stream of broadcasts; SIGTERM lands once the first saves are acknowledged, while
        // later ones are still at GitHub (each broadcast makes two 250 ms calls).
        const burst = yield* Effect.fork(
          Effect.forEach(Array.from({ length: MINERS }, (_, i) => i), (i) => Effect.delay(broadcast(i), `${i * 50} millis`), {
            concurrency: "unbounded"
          })
        )
        yield* Effect.repeat(Effect.sleep("20 millis"), { until: () => acknowledged.length >= 2 })
        const signalledAt = performance.now()
        child.kill("SIGTERM")
        const answers = yield* burst.await
        const code = yield* exited(child)

        assert.strictEqual(code, 0, stdout)
        assert.include(stdout, "shutting down")
        assert.include(stdout, '"stopped"')
        assert.isTrue(answers._tag === "Success")
        // In-flight broadcasts were finished during the drain, not dropped.
        assert.isTrue(acknowledged.some(({ at }) => at > signalledAt), "no broadcast finished after SIGTERM")
        const stored = new Map(
          (JSON.parse(readFileSync(storePath, "utf8")) as ReadonlyArray<StoredRow>).map((row) => [row.uid, row.pat])
        )
        for (const { miner } of acknowledged) {
          assert.strictEqual(stored.get(miner + 1), tokens[miner], `acknowledged save of uid ${miner + 1}`)
        }
        for (const token of tokens) assert.notInclude(stdout, token)
        // Request lines are batched: every answered request's line was still written, whole.
        const requestLines = stdout.split("\n").filter((line) => line.includes('"message":"request"'))
        for (const line of requestLines) assert.strictEqual(JSON.parse(line).message, "request")
        const answered = answers._tag === "Success" ? answers.value.filter((answer) => answer._tag === "Right").length : 0
        assert.isAtLeast(requestLines.length, answered)
      }),
    { timeout: 180_000 }
  )
})
