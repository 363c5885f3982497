import type { FileSystem } from "@effect/platform"
import type { CommandExecutor } from "@effect/platform/CommandExecutor"
import type { PlatformError } from "@effect/platform/Error"
import { type FakeBehaviour, remoteFakeGitHub } from "@gittensor-pat/fake-github"
import { Duration, Effect, type Scope } from "effect"
import { type NodeChild, spawnNode, waitForHttp } from "./child.js"
import { BenchError } from "./errors.js"
import { minerAccount, minerToken } from "./miners.js"
import { freePort } from "./ports.js"

/** The fake GitHub process, scripted in terms of the bench's miners. */
export interface BenchGitHub {
  readonly url: string
  /** The fake's process, for its CPU time. */
  readonly child: NodeChild
  /** Lets token variants `0..variants-1` of each miner through as the miner's account. */
  readonly allowMiners: (miners: ReadonlyArray<number>, variants?: number) => Effect.Effect<void, BenchError>
  /** Scripts both endpoints of each miner's token variant 0 (e.g. `"hang"`, a 503). */
  readonly scriptMiners: (miners: ReadonlyArray<number>, behaviour: FakeBehaviour) => Effect.Effect<void, BenchError>
  /** Delays every answer by `ms`. */
  readonly setLatency: (ms: number) => Effect.Effect<void, BenchError>
  /** Forgets every token, script and latency. */
  readonly reset: Effect.Effect<void, BenchError>
}

const control = (what: string, run: () => Promise<void>) =>
  Effect.tryPromise({ try: run, catch: (cause) => new BenchError({ message: `fake GitHub ${what}: ${String(cause)}` }) })

/** Starts the fake GitHub CLI in its own process (so it does not share a core with the bench). */
export const startBenchGitHub = (
  logFile: string
): Effect.Effect<BenchGitHub, BenchError | PlatformError, Scope.Scope | CommandExecutor | FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const port = yield* freePort
    const child = yield* spawnNode({
      program: ["packages/fake-github/src/cli.ts"],
      args: ["--port", String(port)],
      logFile
    })
    const url = `http://127.0.0.1:${port}`
    yield* waitForHttp(`${url}/user`, Duration.seconds(20), () => true)
    const remote = remoteFakeGitHub(url)
    return {
      url,
      child,
      allowMiners: (miners, variants = 1) =>
        Effect.forEach(
          miners.flatMap((miner) => Array.from({ length: variants }, (_, variant) => [miner, variant] as const)),
          ([miner, variant]) => control("allow", () => remote.allow(minerToken(miner, variant), minerAccount(miner))),
          { concurrency: 16, discard: true }
        ),
      scriptMiners: (miners, behaviour) =>
        Effect.forEach(
          miners.flatMap((miner) => (["user", "graphql"] as const).map((endpoint) => [miner, endpoint] as const)),
          ([miner, endpoint]) => control("script", () => remote.script(minerToken(miner), endpoint, behaviour)),
          { concurrency: 16, discard: true }
        ),
      setLatency: (ms) => control("latency", () => remote.setLatency(ms)),
      reset: control("reset", () => remote.reset())
    }
  })
