import { format } from "node:util"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { UndiciHttpClient } from "@gittensor-pat/http-adapter"
import { ConfigProvider, type Console, Effect, Layer } from "effect"
import { Interaction, unattended } from "../src/Interaction.js"
import * as Progress from "../src/Progress.js"
import { runCli } from "../src/run.js"
import * as StopSignals from "../src/StopSignals.js"

/** What one in-process run of the CLI printed, and how it exited. */
export interface MinerRun {
  readonly exitCode: number
  readonly stdout: string
  readonly stderr: string
}

/**
 * Runs the miner CLI in this process as `miner <args>`, with `env` as its only
 * environment, nobody at the keyboard unless `interaction` says otherwise, and stdout /
 * stderr captured separately.
 */
export const runMiner = (
  args: ReadonlyArray<string>,
  options: {
    readonly env?: Record<string, string>
    readonly interaction?: Layer.Layer<Interaction>
    readonly progress?: Layer.Layer<Progress.Progress>
    /** Where stop signals come from (none arrive by default). */
    readonly signals?: Layer.Layer<StopSignals.StopSignals>
    /** Sees each stderr line as it is written, e.g. to send a signal at the right moment. */
    readonly onStderr?: (line: string) => void
  } = {}
) =>
  Effect.gen(function* () {
    const stdout: Array<string> = []
    const stderr: Array<string> = []
    const base = yield* Effect.console
    const toOut = (...args: ReadonlyArray<unknown>) => void stdout.push(format(...args))
    const toErr = (...args: ReadonlyArray<unknown>) => {
      const line = format(...args)
      stderr.push(line)
      options.onStderr?.(line)
    }
    const captured: Console.Console = {
      ...base,
      log: (...args) => Effect.sync(() => toOut(...args)),
      info: (...args) => Effect.sync(() => toOut(...args)),
      error: (...args) => Effect.sync(() => toErr(...args)),
      warn: (...args) => Effect.sync(() => toErr(...args)),
      unsafe: { ...base.unsafe, log: toOut, info: toOut, error: toErr, warn: toErr }
    }
    const layer = Layer.mergeAll(
      options.progress ?? Progress.layerLines,
      options.interaction ?? Layer.succeed(Interaction, unattended),
      options.signals ?? StopSignals.layerNever,
      UndiciHttpClient.layer(),
      NodeContext.layer
    )
    const exitCode = yield* runCli(["node", "miner", ...args]).pipe(
      Effect.provide(layer),
      Effect.withConsole(captured),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(options.env ?? {}))))
    )
    return { exitCode, stdout: stdout.join("\n"), stderr: stderr.join("\n") } satisfies MinerRun
  })

/**
 * The token report `miner token --json` prints for `pat` against the GitHub at `githubUrl`
 * (without the `error` it adds when GitHub refuses the token or cannot be reached): what
 * the `token` key of `post --json` and `ensure --json` must equal.
 */
export const tokenCommandDocument = (pat: string, githubUrl: string) =>
  Effect.map(runMiner(["token", "--pat", pat, "--github-api-url", githubUrl, "--json"]), (run) => {
    const { error: _, ...report } = JSON.parse(run.stdout)
    return report
  })
