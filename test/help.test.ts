import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { assert, describe, it } from "@effect/vitest"

// `--help` as a person reads it from a pipe or a file, or with NO_COLOR set: plain text,
// usage written as the command is typed. Each program runs as its own process, through
// the launcher `pnpm validator` and `pnpm miner` run (without pnpm in between).

const root = fileURLToPath(new URL("..", import.meta.url))
const run = promisify(execFile)

// A person's shell, with NO_COLOR set: none of the package manager's variables the test runner may carry.
const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(npm_|PNPM_)/i.test(name))),
  NO_COLOR: "1"
}

interface Ran {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

const launch = (args: ReadonlyArray<string>): Promise<Ran> =>
  run(process.execPath, ["scripts/launch.mjs", ...args], { cwd: root, env, timeout: 120_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { readonly code?: unknown; readonly stdout?: string; readonly stderr?: string }) => ({
      code: typeof error.code === "number" ? error.code : -1,
      stdout: error.stdout ?? "",
      stderr: error.stderr ?? ""
    })
  )

/** Whether `text` holds an ANSI sequence: ESC starts every one, and C1's CSI is one on its own. */
const hasEscapes = (text: string): boolean => text.includes("\u001b") || text.includes("\u009b")

/** The line under USAGE. */
const usageLine = (help: string): string | undefined => {
  const lines = help.split("\n")
  return lines.slice(lines.indexOf("USAGE") + 1).find((line) => line.trim() !== "")
}

// Each child starts the launcher (and the first builds the bundle): tens of seconds on a loaded machine.
const slow = 240_000

describe("--help under NO_COLOR, as real processes", () => {
  it(
    "is plain text whose usage line starts with the command as typed",
    async () => {
      const cases: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
        [["validator", "--help"], "pnpm validator"],
        [["validator", "serve", "--help"], "pnpm validator serve [--port integer]"],
        [["miner", "--help"], "pnpm miner"],
        [["miner", "post", "--help"], "pnpm miner post [--wallet.name text]"],
        [["miner", "check", "--help"], "pnpm miner check [--wallet.name text]"],
        [["miner", "ensure", "--help"], "pnpm miner ensure [--wallet.name text]"],
        [["miner", "token", "--help"], "pnpm miner token [--pat redacted]"]
      ]
      // The first of each program builds its bundle; the rest reuse it.
      for (const [args, usage] of cases) {
        const help = await launch(args)
        const what = args.join(" ")
        assert.strictEqual(help.code, 0, `${what}: ${help.stderr}`)
        assert.isFalse(hasEscapes(help.stdout + help.stderr), what)
        assert.isTrue(usageLine(help.stdout)?.startsWith(usage), `${what}: ${usageLine(help.stdout)}`)
        assert.notInclude(help.stdout, "$ ", what)
      }
    },
    slow
  )

  it(
    "names the docs of the formats it mentions, and a usage error is plain too",
    async () => {
      const serve = await launch(["validator", "serve", "--help"])
      for (const doc of ["docs/metagraph.md", "docs/store.md", "docs/wallet.md", "docs/operations.md"]) assert.include(serve.stdout, doc)
      const post = await launch(["miner", "post", "--help"])
      for (const doc of ["docs/metagraph.md", "docs/wallet.md", "docs/miner.md"]) assert.include(post.stdout, doc)

      const bad = await launch(["validator", "serve", "--port", "x"])
      assert.strictEqual(bad.code, 2)
      assert.include(bad.stderr, "'x' is not a integer")
      assert.isFalse(hasEscapes(bad.stdout + bad.stderr))
    },
    slow
  )
})
