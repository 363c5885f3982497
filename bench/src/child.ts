import { Command, FileSystem } from "@effect/platform"
import type { CommandExecutor } from "@effect/platform/CommandExecutor"
import type { PlatformError } from "@effect/platform/Error"
import { Duration, Effect, Schedule, type Scope } from "effect"
import { BenchError } from "./errors.js"
import { fileURLToPath } from "node:url"

/** The repository root: every child runs from here so that `tsx` and the workspace resolve. */
export const repoRoot = fileURLToPath(new URL("../../", import.meta.url))

/** How to start one program as its own Node process. */
export interface NodeChildOptions {
  /**
   * What `node` runs, relative to `cwd`: a `.ts` entry (run under tsx), or a script with
   * its leading arguments (e.g. `["scripts/launch.mjs", "validator"]`).
   */
  readonly program: ReadonlyArray<string>
  /** The checkout the child runs from; this repository unless told (bench:compare runs a ref's). */
  readonly cwd?: string
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
  /** CPU time (user + system) the child has used so far, in milliseconds. */
  readonly cpuMs: Effect.Effect<number, PlatformError>
  /** Sends a signal to the child and waits until it has exited. */
  readonly stop: (signal: "SIGTERM" | "SIGKILL" | "SIGINT") => Effect.Effect<void, PlatformError>
  /** Waits for the child to exit by itself. */
  readonly exitCode: Effect.Effect<number, PlatformError>
}

const vmHwm = /^VmHWM:\s+(\d+)\s+kB$/m

// `/proc/<pid>/stat` counts in clock ticks of 10 ms (USER_HZ is 100 on Linux).
const cpuMsOfStat = (stat: string): number => {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) * 10
}

/** Starts `node [flags] <program> [args]`; the scope's end sends it SIGTERM and waits for its exit. */
export const spawnNode = (
  options: NodeChildOptions
): Effect.Effect<NodeChild, PlatformError, Scope.Scope | CommandExecutor | FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const program = options.program[0]?.endsWith(".ts") ? ["--import", "tsx", ...options.program] : options.program
    // The shell hands the child's output straight to the log file and then becomes the
    // child (`exec`), so the pid is node's and no pipe through this process costs CPU.
    const command = Command.make(
      "/bin/sh",
      "-c",
      'exec "$0" "$@" >>"$BENCH_LOG_FILE" 2>&1',
      process.execPath,
      ...(options.nodeFlags ?? []),
      ...program,
      ...options.args
    ).pipe(
      Command.workingDirectory(options.cwd ?? repoRoot),
      Command.env({ ...options.env, BENCH_LOG_FILE: options.logFile }),
      Command.stdout("inherit"),
      Command.stderr("inherit")
    )
    yield* fs.writeFileString(options.logFile, "")
    const proc = yield* Command.start(command)
    const status = `/proc/${proc.pid}/status`
    return {
      pid: proc.pid,
      peakRssKiB: Effect.map(fs.readFileString(status), (text) => Number(vmHwm.exec(text)?.[1] ?? 0)),
      cpuMs: Effect.map(fs.readFileString(`/proc/${proc.pid}/stat`), cpuMsOfStat),
      resetPeak: fs.writeFileString(`/proc/${proc.pid}/clear_refs`, "5"),
      stop: (signal) => proc.kill(signal),
      exitCode: Effect.map(proc.exitCode, Number)
    }
  })

/**
 * Waits until `children` together use at most `budgetMs` of CPU over a `windowMs` window,
 * i.e. until what an earlier point left them doing (a backlog of requests whose callers
 * gave up) is done, for up to `withinMs`. Returns how long it waited and whether they settled.
 */
export const waitUntilIdle = (
  children: ReadonlyArray<NodeChild>,
  { windowMs = 250, budgetMs = 10, withinMs = 20_000 } = {}
): Effect.Effect<{ readonly waitedMs: number; readonly settled: boolean }, PlatformError> => {
  const cpuMs = Effect.map(
    Effect.forEach(children, (child) => child.cpuMs),
    (times) => times.reduce((sum, ms) => sum + ms, 0)
  )
  const usedOverWindow = Effect.gen(function* () {
    const before = yield* cpuMs
    yield* Effect.sleep(Duration.millis(windowMs))
    return (yield* cpuMs) - before
  })
  return usedOverWindow.pipe(
    Effect.repeat({ until: (used) => used <= budgetMs }),
    Effect.timeoutOption(Duration.millis(withinMs)),
    Effect.timed,
    Effect.map(([waited, outcome]) => ({ waitedMs: Math.round(Duration.toMillis(waited)), settled: outcome._tag === "Some" }))
  )
}

/**
 * The last `lines` lines of a child's log, to quote in an error: the log sits in the run's
 * temp folder, which is gone once the run has ended.
 */
export const logTail = (logFile: string, lines = 20): Effect.Effect<string, never, FileSystem.FileSystem> =>
  FileSystem.FileSystem.pipe(
    Effect.flatMap((fs) => fs.readFileString(logFile)),
    Effect.map((text) => text.trimEnd().split("\n").slice(-lines).join("\n")),
    Effect.orElseSucceed(() => `(${logFile} could not be read)`)
  )

/** Polls `url` until it answers with a status `ready` accepts (200 unless told), for up to `within`. */
export const waitForHttp = (
  url: string,
  within: Duration.DurationInput,
  ready: (status: number) => boolean = (status) => status === 200
): Effect.Effect<void, BenchError> =>
  Effect.tryPromise({
    try: async (signal) => (await fetch(url, { signal })).status,
    catch: (cause) => new BenchError({ message: `${url} is not answering: ${String(cause)}` })
  }).pipe(
    Effect.filterOrFail(
      ready,
      (status) => new BenchError({ message: `${url} answered ${status}` })
    ),
    Effect.retry(Schedule.spaced(Duration.millis(100))),
    Effect.timeoutFail({ duration: within, onTimeout: () => new BenchError({ message: `${url} did not come up` }) }),
    Effect.asVoid
  )
