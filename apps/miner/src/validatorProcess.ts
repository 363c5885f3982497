import type { AddressInfo } from "node:net"
import * as Net from "node:net"
import { fileURLToPath } from "node:url"
import { Command, FileSystem, HttpClient } from "@effect/platform"
import type { CommandExecutor, Process } from "@effect/platform/CommandExecutor"
import type { PlatformError } from "@effect/platform/Error"
import type { HotkeyLocation } from "@gittensor-pat/axon"
import { Data, Duration, Effect, Ref, Schedule, Scope, Stream } from "effect"

// From this file and from a launcher bundle alike (both sit three folders down).
const repoRoot = fileURLToPath(new URL("../../../", import.meta.url))

/** What `validator serve` is told, as its flags name it (docs/validator.md, "Flags"). */
export interface ValidatorFlags {
  readonly metagraph: string
  readonly patsFile: string
  readonly githubApiUrl: string
  readonly wallet: HotkeyLocation
  /** Any further flags, e.g. `["--rate-limit", "0"]`. */
  readonly extra?: ReadonlyArray<string>
}

/** A validator process that did not serve, or did not stop cleanly; `log` is the end of its output. */
export class ValidatorProcessError extends Data.TaggedError("ValidatorProcessError")<{
  readonly problem: string
  readonly log: string
}> {
  override get message(): string {
    return `The validator ${this.problem}. The end of its output:\n${this.log}`
  }
}

/** A `validator serve` of this repository, in a process of its own, serving on loopback. */
export interface ValidatorProcess {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  readonly port: number
  /**
   * Does what an operator does to restart it: SIGTERM (it drains and exits), `meanwhile`,
   * then the same command again, and waits until it serves.
   */
  readonly restart: <E, R>(
    meanwhile: Effect.Effect<void, E, R>
  ) => Effect.Effect<void, E | ValidatorProcessError | PlatformError, R | Requirements>
}

type Requirements = CommandExecutor | FileSystem.FileSystem | HttpClient.HttpClient

/** A loopback port that was free a moment ago, for the child to listen on. */
export const freePort: Effect.Effect<number> = Effect.async<number>((resume) => {
  const probe = Net.createServer().listen(0, "127.0.0.1", () => {
    const { port } = probe.address() as AddressInfo
    probe.close(() => resume(Effect.succeed(port)))
  })
})

const logTail = (logFile: string) =>
  Effect.flatMap(FileSystem.FileSystem, (fs) => fs.readFileString(logFile)).pipe(
    Effect.map((text) => text.trimEnd().split("\n").slice(-30).join("\n")),
    Effect.orElseSucceed(() => "(no output)")
  )

const failed = (problem: string, logFile: string) =>
  Effect.flatMap(logTail(logFile), (log) => new ValidatorProcessError({ problem, log }))

// The first start may build the launcher's bundle (seconds on a busy machine).
const startTimeout = Duration.seconds(90)

/** Waits for `/healthz` to answer 200, unless the child ends first. */
const serving = (url: string, child: Process, logFile: string) =>
  Effect.gen(function* () {
    const client = HttpClient.filterStatusOk(yield* HttpClient.HttpClient)
    const healthy = client.get(`${url}/healthz`).pipe(
      Effect.as(true),
      Effect.orElseSucceed(() => false),
      Effect.repeat({ schedule: Schedule.spaced(Duration.millis(50)), until: (ok) => ok })
    )
    const ended = Effect.flatMap(Effect.either(child.exitCode), () => failed("exited before it served", logFile))
    return yield* Effect.raceFirst(healthy, ended).pipe(
      Effect.timeout(startTimeout),
      Effect.catchTag("TimeoutException", () =>
        failed(`did not answer ${url}/healthz within ${Duration.format(startTimeout)}`, logFile)
      )
    )
  })

const launch = (flags: ValidatorFlags, port: number, logFile: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const command = Command.make(
      process.execPath,
      "scripts/launch.mjs",
      "validator",
      "serve",
      ...["--host", "127.0.0.1", "--port", String(port)],
      ...["--metagraph", flags.metagraph, "--pats-file", flags.patsFile, "--github-api-url", flags.githubApiUrl],
      ...["--wallet.path", flags.wallet.path, "--wallet.name", flags.wallet.name, "--wallet.hotkey", flags.wallet.hotkey],
      ...(flags.extra ?? [])
    ).pipe(
      Command.workingDirectory(repoRoot),
      // Should this process die outright (SIGKILL, a closed pipe), the child stops by itself
      // instead of serving on with nobody to stop it (scripts/launcherWatch.mjs).
      Command.env({ GITTENSOR_PAT_STOP_WITH_PARENT: "1" })
    )
    // The child gets a process group of its own: a terminal's Ctrl-C reaches only the
    // caller, whose scope then sends the child SIGTERM and waits for it to drain and exit.
    const started = yield* Command.start(command)
    yield* Stream.merge(started.stdout, started.stderr).pipe(
      Stream.run(fs.sink(logFile, { flag: "a" })),
      Effect.ignore,
      Effect.forkScoped
    )
    yield* serving(`http://127.0.0.1:${port}`, started, logFile)
    return started
  })

const stop = (running: Process, logFile: string) =>
  Effect.flatMap(running.kill("SIGTERM"), () =>
    Effect.flatMap(Effect.either(running.exitCode), (code) =>
      code._tag === "Right" && code.right === 0 ? Effect.void : failed("did not stop cleanly on SIGTERM", logFile)
    )
  )

/**
 * Starts `node scripts/launch.mjs validator serve` with `flags`, as a user runs it (on
 * `port`, or on a free one), its stdout and stderr appended to `logFile`, and waits until
 * `/healthz` answers 200. The scope's end sends it SIGTERM and waits for it to exit.
 */
export const startValidatorProcess = (
  flags: ValidatorFlags,
  options: { readonly logFile: string; readonly port?: number }
): Effect.Effect<ValidatorProcess, ValidatorProcessError | PlatformError, Scope.Scope | Requirements> =>
  Effect.gen(function* () {
    const scope = yield* Effect.scope
    const port = options.port ?? (yield* freePort)
    const current = yield* Ref.make(yield* launch(flags, port, options.logFile))
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      restart: (meanwhile) =>
        Effect.gen(function* () {
          yield* stop(yield* Ref.get(current), options.logFile)
          yield* meanwhile
          yield* Ref.set(current, yield* Scope.extend(launch(flags, port, options.logFile), scope))
        })
    }
  })
