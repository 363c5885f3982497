import { assert, describe, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"

// A run reads its options before it starts anything, so a bad command line costs nothing.
const run = (...args: ReadonlyArray<string>) =>
  spawnSync(process.execPath, ["--import", "tsx", "src/runs/soak.ts", ...args], {
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    encoding: "utf8",
    env: { ...process.env, npm_lifecycle_event: "soak" },
    timeout: 60_000
  })

describe("a bench run's command line", () => {
  it("--help prints how to call it and exits 0", () => {
    const { status, stdout, stderr } = run("--help")
    assert.strictEqual(status, 0)
    assert.strictEqual(stdout, "usage: pnpm bench:soak [--quick] [--runs N] [--duration MS]   (what each run measures: bench/README.md)\n")
    assert.strictEqual(stderr, "")
  }, 60_000)

  for (const [args, said] of [
    [["--bogus"], "Unknown option '--bogus'"],
    [["--runs", "0"], '--runs takes a whole number of at least 1 (got "0")']
  ] as const) {
    it(`${args.join(" ")}: says what is wrong with the usage, no stack trace, exits 2`, () => {
      const { status, stdout, stderr } = run(...args)
      assert.strictEqual(status, 2)
      assert.strictEqual(stdout, "")
      assert.include(stderr, said)
      assert.include(stderr, "usage: pnpm bench:soak")
      assert.notMatch(stderr, /^\s+at /m)
    }, 60_000)
  }
})
