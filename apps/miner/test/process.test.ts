import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { NodeContext } from "@effect/platform-node"
import { FakeGitHub } from "@gittensor-pat/http-adapter/testing"
import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { demoPat } from "../src/demoSubnet.js"
import { subnet } from "./fixture.js"
import type { MinerRun } from "./harness.js"

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url))

/** Runs `pnpm <args>` from the repository root, as a person would type it. */
const pnpm = (args: ReadonlyArray<string>) =>
  Effect.async<MinerRun>((resume) => {
    const child = spawn("pnpm", [...args], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk) => {
      stdout += chunk
    })
    child.stderr.on("data", (chunk) => {
      stderr += chunk
    })
    child.on("close", (code) => resume(Effect.succeed({ exitCode: code ?? -1, stdout, stderr })))
    return Effect.sync(() => child.kill("SIGKILL"))
  })

const token = "ghp_processToken00000000000000000000000001"

// Each child pays tsx's start-up; on a loaded 2-core machine that is tens of seconds.
const slow = 150_000

layer(NodeContext.layer, { excludeTestServices: true })("the miner CLI as a real process", (it) => {
  it.scoped(
    "`pnpm miner post --pat …` prints the report and never the token; bad usage exits 2; `pnpm demo` shows every step",
    () =>
      Effect.gen(function* () {
        const github = yield* FakeGitHub.scoped
        github.allow(token, { id: 4242, login: "octocat" })
        const net = yield* subnet([{ githubUrl: github.url }])
        const [post, usage, demo] = yield* Effect.all(
          [
            pnpm(["miner", "post", ...net.args, "--pat", token, "--github-api-url", github.url]),
            pnpm(["miner", "check", ...net.args, "--timeout", "soon"]),
            pnpm(["demo"])
          ],
          { concurrency: "unbounded" }
        )
        assert.strictEqual(post.exitCode, 0, post.stderr)
        assert.match(post.stdout, /^0\s+\S+\s+accepted/m)
        assert.strictEqual(post.stdout.split("\n").filter((l) => l !== "").at(-1), "1/1 validators accepted the PAT")
        assert.notInclude(post.stdout + post.stderr, token)

        assert.strictEqual(usage.exitCode, 2)
        assert.include(usage.stderr, "'soon' is not a float")
        assert.strictEqual(usage.stdout, "")

        assert.strictEqual(demo.exitCode, 0, demo.stderr)
        const statuses = [...demo.stdout.matchAll(/^0\s+\S+\s+(\w+)/gm)].map((m) => m[1])
        assert.deepStrictEqual(statuses, ["accepted", "valid", "inconclusive", "invalid_pat"])
        assert.notInclude(demo.stdout + demo.stderr, demoPat)
        assert.include(demo.stdout, "the validator, the fake GitHub and the temp folder are gone")
      }),
    slow
  )
})
