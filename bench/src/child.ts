import { Command, FileSystem } from "@effect/platform"
import type { CommandExecutor } from "@effect/platform/CommandExecutor"
import type { PlatformError } from "@effect/platform/Error"
import { Duration, Effect, Schedule, Stream, type Scope } from "effect"
import { BenchError } from "./errors.js"
import { fileURLToPath } from "node:url"

/** The repository root: every child runs from here so that `tsx` and the workspace resolve. */
export const repoRoot = fileURLToPath(new URL("../../", import.meta.url))

/** How to start one TypeScript entry point as its own Node process. */
export interface NodeChildOptions {
  /** Path of the `.ts` entry, relative to the repository root. */
  readonly entry: string
  readonly args: ReadonlyArray<string>
  /** Where the child's stdout and stderr go (its logs are kept for a look after the run). */
  readonly logFile: string
  /** Extra `node` flags, e.g. `--cpu-prof`. */
  readonly nodeFlags?: ReadonlyArray<string>
  readonly env?: Record<string, string>
}

/** A running child process that the bench measures and controls. */
export interface NodeChild {
  readonly pid: number
  /** The child's peak resident set size (`VmHWM`) in KiB. */
  readonly peakRssKiB: Effect.Effect<number, PlatformError>
  /** Starts a fresh peak (`VmHWM` := current RSS), so one process can be measured per point. */
  readonly resetPeak: Effect.Effect<void, PlatformError>
  /** Sends a signal to the child and waits until it has exited. */
  readonly stop: (signal: "SIGTERM" | "SIGKILL" | "SIGINT") => Effect.Effect<void, PlatformError>
  /** Waits for the child to exit by itself. */
  readonly exitCode: Effect.Effect<number, PlatformError>
}

const vmHwm = /^VmHWM:\s+(\d+)\s+kB$/m

/** Starts `node --import tsx <entry>`; the scope's end sends it SIGTERM and waits for its exit. */
export const spawnNode = (
  options: NodeChildOptions
): Effect.Effect<NodeChild, PlatformError, Scope.Scope | CommandExecutor | FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const command = Command.make(
      process.execPath,
      ...(options.nodeFlags ?? []),
      "--import",
      "tsx",
      options.entry,
      ...options.args
    ).pipe(Command.workingDirectory(repoRoot), Command.env(options.env ?? {}))
    yield* fs.writeFileString(options.logFile, "")
    const proc = yield* Command.start(command)
    yield* Effect.forkScoped(Stream.run(proc.stdout, fs.sink(options.logFile, { flag: "a" })))
    yield* Effect.forkScoped(Stream.run(proc.stderr, fs.sink(options.logFile, { flag: "a" })))
    const status = `/proc/${proc.pid}/status`
    return {
      pid: proc.pid,
      peakRssKiB: Effect.map(fs.readFileString(status), (text) => Number(vmHwm.exec(text)?.[1] ?? 0)),
      resetPeak: fs.writeFileString(`/proc/${proc.pid}/clear_refs`, "5"),
      stop: (signal) => proc.kill(signal),
      exitCode: Effect.map(proc.exitCode, Number)
    }
  })

/** Polls `url` until it answers 200, for up to `within`. */
export const waitForHttp = (url: string, within: Duration.DurationInput): Effect.Effect<void, BenchError> =>
  Effect.tryPromise({
    try: async (signal) => (await fetch(url, { signal })).status,
    catch: (cause) => new BenchError({ message: `${url} is not answering: ${String(cause)}` })
  }).pipe(
    Effect.filterOrFail(
      (status) => status === 200,
      (status) => new BenchError({ message: `${url} answered ${status}` })
    ),
    Effect.retry(Schedule.spaced(Duration.millis(100))),
    Effect.timeoutFail({ duration: within, onTimeout: () => new BenchError({ message: `${url} did not come up` }) }),
    Effect.asVoid
  )
