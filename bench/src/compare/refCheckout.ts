import { Command, FileSystem } from "@effect/platform"
import type { CommandExecutor } from "@effect/platform/CommandExecutor"
import type { PlatformError } from "@effect/platform/Error"
import { Effect, type Scope, Stream } from "effect"
import { repoRoot } from "../child.js"
import { BenchError } from "../errors.js"

/** A git ref checked out, installed, in a temp worktree that lasts as long as the scope. */
export interface RefCheckout {
  /** The ref as given (`HEAD~3`, a branch, a sha). */
  readonly ref: string
  /** The commit it named when the run started. */
  readonly commit: string
  /** The worktree's root: run its programs from here. */
  readonly dir: string
}

const text = (stream: Stream.Stream<Uint8Array, PlatformError>) => Stream.mkString(Stream.decodeText(stream))

/** Runs a tool to its end in `cwd`; its stdout, or a BenchError quoting the end of what it said. */
const runTool = (
  cwd: string,
  command: string,
  ...args: ReadonlyArray<string>
): Effect.Effect<string, BenchError | PlatformError, CommandExecutor> =>
  Effect.scoped(
    Effect.gen(function* () {
      const child = yield* Command.start(Command.make(command, ...args).pipe(Command.workingDirectory(cwd)))
      const [out, err, code] = yield* Effect.all([text(child.stdout), text(child.stderr), child.exitCode], {
        concurrency: "unbounded"
      })
      if (code !== 0) {
        const said = `${out}\n${err}`.trim().split("\n").slice(-15).join("\n")
        return yield* new BenchError({ message: `\`${command} ${args.join(" ")}\` failed (exit ${code}) in ${cwd}:\n${said}` })
      }
      return out.trim()
    })
  )

/** The commit `ref` names in this repository, or a BenchError that says what to give instead. */
const resolveCommit = (ref: string) =>
  runTool(repoRoot, "git", "rev-parse", "--verify", "--end-of-options", `${ref}^{commit}`).pipe(
    Effect.catchTag("BenchError", () =>
      new BenchError({
        message: `"${ref}" names no commit of this repository: give a branch, a tag, a sha or e.g. HEAD~1`
      })
    )
  )

/**
 * Checks `ref` out detached in a temp folder and installs its dependencies from the lockfile
 * (offline where pnpm's store has them). When the scope ends, even on an interrupt (Ctrl-C),
 * the worktree is removed from git and from the disk.
 */
export const checkoutRef = (
  ref: string
): Effect.Effect<RefCheckout, BenchError | PlatformError, Scope.Scope | CommandExecutor | FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const commit = yield* resolveCommit(ref)
    // The folder itself is removed last (scopes release in reverse), whatever git managed.
    const parent = yield* fs.makeTempDirectoryScoped({ prefix: "gittensor-bench-ref-" })
    const dir = `${parent}/checkout`
    yield* Effect.acquireRelease(runTool(repoRoot, "git", "worktree", "add", "--detach", dir, commit), () =>
      runTool(repoRoot, "git", "worktree", "remove", "--force", dir).pipe(
        // A half-made worktree: drop its files, then let git forget worktrees whose folder is gone.
        Effect.orElse(() => Effect.zipRight(fs.remove(dir, { recursive: true }), runTool(repoRoot, "git", "worktree", "prune"))),
        Effect.catchAll((error) => Effect.logWarning(`the temp worktree ${dir} may be left behind: ${error.message}`))
      )
    )
    yield* runTool(dir, "pnpm", "install", "--frozen-lockfile", "--prefer-offline")
    return { ref, commit, dir }
  })
