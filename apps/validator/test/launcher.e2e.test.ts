import { execFileSync, spawn } from "node:child_process"
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { createServer } from "node:net"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { NodeFileSystem } from "@effect/platform-node"
import { writeHotkey } from "@gittensor-pat/axon"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schedule } from "effect"
import { exited, freePort } from "./support/process.js"
import { tempDir, testKey } from "./support/world.js"

// docs/validator.md, "Shutdown": SIGTERM or SIGINT to `pnpm validator serve`, the process the user started,
// reaches the server, which drains and exits; a launcher killed outright leaves no server
// behind either. Each case starts the documented command as a user would, on a free port
// with a temporary store, and watches the whole process tree go.

const ROOT = fileURLToPath(new URL("../../../", import.meta.url))
const PNPM_VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { packageManager: string }).packageManager
// Nothing in flight: the drain is immediate, so this bounds start-up of the exit, not the grace.
const GONE_WITHIN_MS = 15_000

/** pnpm as the test runner was started with it (CI runs it through npx), else the one on PATH. */
const pnpm = (): readonly [string, ReadonlyArray<string>] => {
  const execPath = process.env.npm_execpath
  return execPath !== undefined && /pnpm\.c?js$/.test(execPath) ? [process.execPath, [execPath]] : ["pnpm", []]
}

// A user's shell: none of the package-manager variables the test runner itself may carry.
const userEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(npm_|PNPM_)/i.test(name)))

/** Whether `port` can be listened on again. */
const released = (port: number) =>
  Effect.async<boolean>((resume) => {
    const server = createServer()
    server.once("error", () => resume(Effect.succeed(false)))
    server.listen(port, "127.0.0.1", () => server.close(() => resume(Effect.succeed(true))))
  })

/** Every process, pid to parent pid. */
const processTable = (): ReadonlyMap<number, { readonly ppid: number; readonly state: string }> =>
  new Map(
    execFileSync("ps", ["-e", "-o", "pid=,ppid=,stat="], { encoding: "utf8" })
      .trim()
      .split("\n")
      .map((line) => line.trim().split(/\s+/))
      .map(([pid, ppid, state]) => [Number(pid), { ppid: Number(ppid), state: state ?? "" }] as const)
  )

/** `root` and every process below it. */
const treeOf = (root: number): ReadonlyArray<number> => {
  const table = processTable()
  const tree = [root]
  for (let grown = true; grown; ) {
    grown = false
    for (const [pid, { ppid }] of table) {
      if (tree.includes(ppid) && !tree.includes(pid)) {
        tree.push(pid)
        grown = true
      }
    }
  }
  return tree
}

/** The environment of the process in `pids` that runs the launcher, as `NAME=value` entries. */
const serverEnvironment = (pids: ReadonlyArray<number>): ReadonlyArray<string> => {
  const server = pids.find((pid) => readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("scripts/launch.mjs"))
  return server === undefined ? [] : readFileSync(`/proc/${server}/environ`, "utf8").split("\0")
}

/** The processes of `pids` still running (a zombie has finished). */
const running = (pids: ReadonlyArray<number>): ReadonlyArray<number> => {
  const table = processTable()
  return pids.filter((pid) => table.has(pid) && !table.get(pid)!.state.startsWith("Z"))
}

interface Launch {
  /** The command and its arguments before `validator serve …`. */
  readonly command: readonly [string, ReadonlyArray<string>]
  /** What reaches it: a signal to the launcher alone, or to its process group (a terminal's Ctrl-C). */
  readonly signal: NodeJS.Signals
  readonly toGroup?: boolean
}

/**
 * Starts `validator serve` through `launch.command` on a free port with a temp store, waits
 * until it serves, signals it as `launch` says, and returns what was left and how long it
 * took to go: the tree, the port, the lock.
 */
const startAndStop = (launch: Launch) =>
  Effect.gen(function* () {
    const dir = yield* tempDir
    const validatorKey = yield* testKey("launcher-validator")
    const wallet = { path: join(dir, "wallets"), name: "v", hotkey: "h" }
    yield* writeHotkey(wallet, validatorKey).pipe(Effect.provide(NodeFileSystem.layer))
    const metagraph = join(dir, "metagraph.json")
    const neuron = { uid: 0, hotkey: validatorKey.address, stake: 1, validator_trust: 1, axon: { ip: "127.0.0.1", port: 0 } }
    writeFileSync(metagraph, JSON.stringify({ netuid: 74, block: 1, neurons: [neuron] }))
    const store = join(dir, "miner_pats.json")
    const port = yield* freePort
    const [command, prefix] = launch.command
    const args = [
      ...prefix, "validator", "serve", "--host", "127.0.0.1", "--port", String(port), "--metagraph", metagraph,
      "--pats-file", store, "--wallet.path", wallet.path, "--wallet.name", wallet.name, "--wallet.hotkey", wallet.hotkey
    ]
    // Its own process group, as a terminal gives a command it runs.
    const child = spawn(command, args, { cwd: ROOT, env: userEnv(), detached: true, stdio: ["ignore", "pipe", "pipe"] })
    let output = ""
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()))
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()))
    // The output is whole once every process writing to the pipes has closed them: the
    // server's last lines may still be in a pipe when its exit is seen.
    const outputEnded = Promise.all([child.stdout, child.stderr].map((pipe) => new Promise((resolve) => pipe?.once("close", resolve))))
    const launcher = child.pid!
    let tree: ReadonlyArray<number> = [launcher]
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        for (const pid of running(tree)) process.kill(pid, "SIGKILL")
      })
    )
    yield* Effect.tryPromise(() => fetch(`http://127.0.0.1:${port}/healthz`)).pipe(
      Effect.filterOrFail((response) => response.ok),
      Effect.retry(Schedule.spaced("200 millis").pipe(Schedule.upTo("150 seconds"))),
      Effect.orElse(() => Effect.die(new Error(`the validator never served:\n${output}`)))
    )
    tree = treeOf(launcher)
    assert.isTrue(existsSync(`${store}.lock`), "the store lock is held while serving")
    const environment = serverEnvironment(tree)

    const signalledAt = performance.now()
    process.kill(launch.toGroup === true ? -launcher : launcher, launch.signal)
    let gone = { left: tree, free: false, locked: true }
    while (performance.now() - signalledAt < GONE_WITHIN_MS) {
      gone = { left: running(tree), free: yield* released(port), locked: existsSync(`${store}.lock`) }
      if (gone.left.length === 0 && gone.free && !gone.locked) break
      yield* Effect.sleep("100 millis")
    }
    yield* exited(child)
    const ms = performance.now() - signalledAt
    yield* Effect.promise(() => outputEnded).pipe(Effect.timeout("5 seconds"), Effect.ignore)
    return { ...gone, tree, environment, output, ms }
  })

const assertGone = (result: Effect.Effect.Success<ReturnType<typeof startAndStop>>) => {
  assert.deepStrictEqual(result.left, [], `processes left running:\n${result.output}`)
  assert.isTrue(result.free, "the port is released")
  assert.isFalse(result.locked, "the store lock is removed")
  assert.isAtMost(result.ms, GONE_WITHIN_MS)
  // It drained: the server's own last words, not a kill.
  assert.include(result.output, '"message":"stopped"')
}

describe("stopping the documented launcher stops the server (docs/validator.md, Shutdown)", () => {
  it.scopedLive(
    "SIGTERM to `pnpm validator serve`: the server drains and the whole tree exits, port and lock released",
    () =>
      Effect.gen(function* () {
        const result = yield* startAndStop({ command: pnpm(), signal: "SIGTERM" })
        assertGone(result)
        assert.isAtLeast(result.tree.length, 2, "pnpm and the server")
        // The malloc settings the peak RSS was measured with (bench/README.md, "Memory") reach node.
        const malloc = ["MALLOC_MMAP_THRESHOLD_=33554432", "MALLOC_TRIM_THRESHOLD_=1048576"]
        assert.deepStrictEqual(malloc.filter((entry) => !result.environment.includes(entry)), [], "missing from the server's environment")
        // Only the program's own output (docs/validator.md): no package manager banner
        // echoing the script line (`> gittensor-pat@ validator …`).
        assert.deepStrictEqual(result.output.split("\n").filter((line) => line.startsWith("> ")), [])
      }),
    { timeout: 200_000 }
  )

  it.scopedLive(
    "Ctrl-C (SIGINT to the process group, which pnpm forwards again): the second SIGINT does not cut the drain short",
    () => Effect.map(startAndStop({ command: pnpm(), signal: "SIGINT", toGroup: true }), assertGone),
    { timeout: 200_000 }
  )

  it.scopedLive(
    "SIGKILL to pnpm: the orphaned server notices, drains and exits",
    () =>
      Effect.gen(function* () {
        const result = yield* startAndStop({ command: pnpm(), signal: "SIGKILL" })
        assertGone(result)
        assert.include(result.output, "is gone: stopping")
      }),
    { timeout: 200_000 }
  )

  it.scopedLive(
    `SIGTERM to \`npx --yes ${PNPM_VERSION} validator serve\`: npm's signal strands pnpm, the server still stops`,
    () =>
      Effect.map(
        startAndStop({ command: ["npx", ["--yes", PNPM_VERSION]], signal: "SIGTERM" }),
        assertGone
      ),
    { timeout: 200_000 }
  )
})
