import type { FileSystem } from "@effect/platform"
import type { CommandExecutor } from "@effect/platform/CommandExecutor"
import type { PlatformError } from "@effect/platform/Error"
import { Duration, Effect, type Scope } from "effect"
import { type NodeChild, spawnNode, waitForHttp } from "./child.js"
import type { BenchError } from "./errors.js"
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
  /** Run a bundle built in this folder rather than the sources under tsx (fast restarts). */
  readonly bundleInto?: string
}

/** A validator process serving on loopback. */
export interface RunningValidator {
  readonly child: NodeChild
  readonly target: { readonly host: string; readonly port: number; readonly hotkey: string }
}

/**
 * Starts `validator serve` (the same entry as `pnpm validator serve`, but as a direct
 * `node` child so that its pid, RSS and CPU profile are the validator's own) with the rate
 * limit off, and waits for `/healthz`.
 */
export const startValidator = (
  setup: ValidatorSetup
): Effect.Effect<RunningValidator, BenchError | PlatformError, Scope.Scope | CommandExecutor | FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const port = setup.port ?? (yield* freePort)
    const child = yield* spawnNode({
      entry: "apps/validator/src/main.ts",
      args: [
        "serve",
        ...["--host", "127.0.0.1", "--port", String(port)],
        ...["--metagraph", setup.files.metagraphFile, "--pats-file", setup.files.patsFile],
        ...["--github-api-url", setup.githubUrl, "--rate-limit", "0"],
        ...["--max-concurrency", String(setup.maxConcurrency ?? 2048), "--log-level", setup.logLevel ?? "info"],
        ...["--wallet.path", setup.wallet.path, "--wallet.name", setup.wallet.name, "--wallet.hotkey", setup.wallet.hotkey]
      ],
      logFile: setup.logFile,
      nodeFlags: setup.nodeFlags ?? [],
      ...(setup.bundleInto === undefined ? {} : { bundleInto: setup.bundleInto })
    })
    yield* waitForHttp(`http://127.0.0.1:${port}/healthz`, Duration.seconds(60))
    return { child, target: { host: "127.0.0.1", port, hotkey: setup.wallet.address } }
  })
