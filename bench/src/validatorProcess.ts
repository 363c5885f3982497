import { FileSystem } from "@effect/platform"
import type { CommandExecutor } from "@effect/platform/CommandExecutor"
import type { PlatformError } from "@effect/platform/Error"
import { Array as Arr, Duration, Effect, Schema, type Scope } from "effect"
import { logTail, type NodeChild, repoRoot, spawnNode, waitForHttp } from "./child.js"
import { BenchError } from "./errors.js"
import type { FixtureFiles } from "./fixture.js"
import { freePort } from "./ports.js"

/** Where the validator's hotkey file is (`<path>/<name>/hotkeys/<hotkey>`) and its address. */
export interface WalletRef {
  readonly path: string
  readonly name: string
  readonly hotkey: string
  readonly address: string
}

/** How to run one validator process for a bench. */
export interface ValidatorSetup {
  readonly files: FixtureFiles
  readonly wallet: WalletRef
  readonly githubUrl: string
  readonly logFile: string
  readonly maxConcurrency?: number
  /** Pinned when a restarted validator must come back where the load generator points. */
  readonly port?: number
  readonly nodeFlags?: ReadonlyArray<string>
  readonly logLevel?: string
  /**
   * Run the TypeScript sources under tsx instead of `pnpm validator`'s bundle, so that a
   * CPU profile names source files (same node flags either way).
   */
  readonly fromSources?: boolean
  /**
   * The repository checkout whose validator runs, launched as that checkout's own
   * `validator` script says (bench:compare runs a ref's beside this one); this one unless told.
   */
  readonly checkout?: string
}

/** A validator process serving on loopback. */
export interface RunningValidator {
  readonly child: NodeChild
  readonly target: { readonly host: string; readonly port: number; readonly hotkey: string }
}

/**
 * `node`'s environment and flags, then the program: how `checkout`'s root package.json
 * `validator` script starts it (an older checkout may run its sources under tsx, or carry
 * other flags).
 */
export const launchCommand = Effect.fn("launchCommand")(function* (checkout: string) {
  const fs = yield* FileSystem.FileSystem
  const manifest = yield* Schema.decodeUnknown(
    Schema.parseJson(Schema.Struct({ scripts: Schema.Struct({ validator: Schema.String }) }))
  )(yield* fs.readFileString(`${checkout}/package.json`))
  // A script may hand its shell's place to node (`exec node …`), so signals reach node, and
  // set node's environment first (`exec env NAME=value … node …`).
  const words = manifest.scripts.validator.trim().split(/\s+/)
  const command = words[0] === "exec" ? words.slice(1) : words
  const afterEnv = command[0] === "env" ? command.slice(1) : command
  const [assignments, [node, ...rest]] = Arr.span(afterEnv, (word) => /^\w+=/.test(word))
  const flags = rest.filter((word) => word.startsWith("--"))
  const program = rest.filter((word) => !word.startsWith("--"))
  // A value may hold "=" itself: the name ends at the first.
  const env = Object.fromEntries(assignments.map((word) => [word.slice(0, word.indexOf("=")), word.slice(word.indexOf("=") + 1)]))
  return node === "node" && program.length > 0
    ? { flags, program, env }
    : { flags: [], program: ["apps/validator/src/main.ts"], env: {} }
}, Effect.orDie)

/**
 * Runs `checkout`'s validator once with `--help`, as its `validator` script would: its
 * launcher builds the bundle a `serve` then starts from, and a checkout that cannot start
 * fails here, before any point is measured.
 */
export const buildValidator = (
  checkout: string,
  logFile: string
): Effect.Effect<void, BenchError | PlatformError, CommandExecutor | FileSystem.FileSystem> =>
  Effect.scoped(
    Effect.gen(function* () {
      const launch = yield* launchCommand(checkout)
      const child = yield* spawnNode({
        program: launch.program,
        args: ["--help"],
        logFile,
        cwd: checkout,
        nodeFlags: launch.flags,
        env: launch.env
      })
      const code = yield* child.exitCode
      if (code !== 0) {
        return yield* new BenchError({ message: `the validator of ${checkout} did not start (exit ${code}):\n${yield* logTail(logFile)}` })
      }
    })
  )

/**
 * Starts `validator serve` exactly as `pnpm validator serve` does in the setup's checkout
 * (same node flags, same launcher), but as a direct child so that its pid, RSS and CPU profile are the
 * validator's own; rate limit off. Waits for `/healthz`.
 */
export const startValidator = (
  setup: ValidatorSetup
): Effect.Effect<RunningValidator, BenchError | PlatformError, Scope.Scope | CommandExecutor | FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const port = setup.port ?? (yield* freePort)
    const checkout = setup.checkout ?? repoRoot
    const launch = yield* launchCommand(checkout)
    const child = yield* spawnNode({
      cwd: checkout,
      program: setup.fromSources === true ? ["apps/validator/src/main.ts"] : launch.program,
      args: [
        "serve",
        ...["--host", "127.0.0.1", "--port", String(port)],
        ...["--metagraph", setup.files.metagraphFile, "--pats-file", setup.files.patsFile],
        ...["--github-api-url", setup.githubUrl, "--rate-limit", "0"],
        ...["--max-concurrency", String(setup.maxConcurrency ?? 2048), "--log-level", setup.logLevel ?? "info"],
        ...["--wallet.path", setup.wallet.path, "--wallet.name", setup.wallet.name, "--wallet.hotkey", setup.wallet.hotkey]
      ],
      logFile: setup.logFile,
      nodeFlags: [...launch.flags, ...(setup.nodeFlags ?? [])],
      env: launch.env
    })
    yield* waitForHttp(`http://127.0.0.1:${port}/healthz`, Duration.seconds(60)).pipe(
      Effect.catchTag("BenchError", (error) =>
        Effect.flatMap(logTail(setup.logFile), (tail) => new BenchError({ message: `${error.message}; its log ends:\n${tail}` }))
      )
    )
    return { child, target: { host: "127.0.0.1", port, hotkey: setup.wallet.address } }
  })
