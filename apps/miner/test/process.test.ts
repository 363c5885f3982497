import { type ChildProcess, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { NodeContext } from "@effect/platform-node"
import { FakeGitHub } from "@gittensor-pat/fake-github"
import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { demoPat } from "../src/demoSubnet.js"
import { gitHubKnowing, silentServer, subnet, writeSnapshot } from "./fixture.js"
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

/** A running `node scripts/launch.mjs miner <args>` (what `pnpm miner` runs, without pnpm between). */
interface Started {
  readonly child: ChildProcess
  /** Resolves when stderr has shown `text`. */
  readonly seen: (text: string) => Effect.Effect<void>
  readonly exited: Effect.Effect<MinerRun>
}

const startMiner = (args: ReadonlyArray<string>, env: Record<string, string>): Effect.Effect<Started> =>
  Effect.sync(() => {
    const child = spawn(process.execPath, ["scripts/launch.mjs", "miner", ...args], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
      env: { PATH: process.env.PATH ?? "", ...env }
    })
    let stdout = ""
    let stderr = ""
    child.stdout?.on("data", (chunk) => {
      stdout += chunk
    })
    child.stderr?.on("data", (chunk) => {
      stderr += chunk
      child.emit("stderr-grew")
    })
    const exit = new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? -1)))
    return {
      child,
      seen: (text) =>
        Effect.async<void>((resume) => {
          const look = () => {
            if (!stderr.includes(text)) return
            child.removeListener("stderr-grew", look)
            resume(Effect.void)
          }
          child.on("stderr-grew", look)
          look()
          return Effect.sync(() => child.removeListener("stderr-grew", look))
        }),
      exited: Effect.promise(() => exit.then((exitCode) => ({ exitCode, stdout, stderr })))
    }
  })

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
        const statuses = [...demo.stdout.matchAll(/^0\s+\S+\s+(\w+)(?:\s+(\w+: \w+|kept))?/gm)].map((m) => m.slice(1).join(" ").trim())
        assert.deepStrictEqual(statuses, [
          "accepted", // post
          "valid", // check
          "inconclusive", // check during the outage
          "inconclusive waiting: inconclusive", // ensure during the outage: nothing sent
          "no_pat posted: accepted", // ensure after the validator lost its store
          "valid kept", // ensure again
          "invalid_pat" // check after revocation
        ])
        assert.match(demo.stdout, /^writes\s+yes: public_repo$/m)
        assert.include(demo.stderr, "Warning: this token's scope public_repo grants write or admin rights")
        assert.notInclude(demo.stdout + demo.stderr, demoPat)
        assert.include(demo.stdout, "the validator, the fake GitHub and the temp folder are gone")
      }),
    slow
  )

  it.scoped(
    "`ensure --watch`: SIGTERM lets the round in progress finish, then exit 0; a second SIGTERM stops at once, exit 1",
    () =>
      Effect.gen(function* () {
        const github = yield* gitHubKnowing(token, { id: 4242, login: "octocat" })
        const net = yield* subnet([{ githubUrl: github.url }])
        // The only validator never answers: each round takes the --timeout twice.
        const silent = yield* silentServer
        yield* writeSnapshot(net.metagraph, net.neurons.map((n) => (n.uid === 0 ? { ...n, axon: { ip: "127.0.0.1", port: silent } } : n)))
        const args = ["ensure", ...net.args, "--github-api-url", github.url, "--watch", "10s", "--timeout", "3"]
        const env = { GITTENSOR_MINER_PAT: token }

        const graceful = yield* startMiner(args, env)
        yield* graceful.seen("GitHub accepts this PAT (login octocat).")
        const signalledAt = Date.now()
        graceful.child.kill("SIGTERM")
        const finished = yield* graceful.exited
        assert.strictEqual(finished.exitCode, 0, finished.stderr)
        assert.include(finished.stderr, "SIGTERM: stopping after round 1 finishes; send the signal again to stop at once.")
        assert.match(finished.stderr, / round 1: 0\/1 validators hold a valid PAT; 1 unreachable \(uid 0\) — no answer, even when asked again; it may be down; stopping\n/)
        assert.isAtLeast(Date.now() - signalledAt, 3000, "the round's calls ran to their timeout")
        assert.notInclude(finished.stdout + finished.stderr, token)

        const hurried = yield* startMiner(args, env)
        yield* hurried.seen("GitHub accepts this PAT (login octocat).")
        hurried.child.kill("SIGTERM")
        yield* hurried.seen("stopping after round 1 finishes")
        const secondAt = Date.now()
        hurried.child.kill("SIGTERM")
        const stopped = yield* hurried.exited
        assert.strictEqual(stopped.exitCode, 1, stopped.stderr)
        assert.isBelow(Date.now() - secondAt, 2500, "at once, not after the round")
        assert.include(stopped.stderr, "SIGTERM: stopping now.")
        assert.include(stopped.stderr, "Stopped at once by a second signal")
        assert.notInclude(stopped.stderr, " round 1: ")
      }),
    slow
  )
})
