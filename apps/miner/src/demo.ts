import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { maskPat } from "@gittensor-pat/core"
import { Clock, ConfigProvider, Console, Effect } from "effect"
import { demoPat, startDemoSubnet } from "./demoSubnet.js"
import { layerNode, runCli } from "./run.js"

const rule = "─".repeat(78)

/** Runs the miner CLI as `pnpm miner <args>` would, the PAT (when given) in its environment. */
const step = (title: string, explanation: string, args: ReadonlyArray<string>, withPat = false) =>
  Effect.gen(function* () {
    const env = withPat ? `GITTENSOR_MINER_PAT=${maskPat(demoPat)} ` : ""
    yield* Console.log(`\n${rule}\n${title}\n${explanation}\n\n$ ${env}pnpm miner ${args.join(" ")}\n`)
    const code = yield* runCli(["node", "miner", ...args]).pipe(
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(withPat ? [["GITTENSOR_MINER_PAT", demoPat]] : [])))
    )
    yield* Console.log(`\n(exit code ${code})`)
  })

const scenario = Effect.gen(function* () {
  const subnet = yield* startDemoSubnet
  const args = subnet.minerArgs
  yield* Console.log(
    [
      "gittensor-pat demo: a miner hands its GitHub PAT to a validator and checks it, all on loopback.",
      `  fake GitHub     ${subnet.github.url}`,
      `  validator       ${subnet.validator.url} (dev hotkey ${subnet.validator.hotkey}, uid 0)`,
      `  PAT store       ${subnet.storeFile}`,
      "  miner           dev miner 1 (uid 1 of examples/metagraph.json)"
    ].join("\n")
  )
  yield* step(
    "1. post: the miner checks its PAT with GitHub, then broadcasts it",
    "The validator asks GitHub who owns the token and runs a test query before storing it.",
    ["post", ...args],
    true
  )
  yield* step("2. check: does the validator hold a working PAT?", "GitHub answers normally.", ["check", ...args])
  const githubAnswers = (status: number, message: string) =>
    Effect.sync(() => {
      for (const endpoint of ["user", "graphql"] as const) {
        subnet.github.script(demoPat, endpoint, { status, json: { message } })
      }
    })
  yield* githubAnswers(503, "Service Unavailable")
  yield* step(
    "3. check during a GitHub outage (every answer is 503)",
    "A temporary GitHub problem is never reported as an invalid PAT: the answer is inconclusive.",
    ["check", ...args]
  )
  yield* githubAnswers(401, "Bad credentials")
  yield* step(
    "4. check after the token was revoked (GitHub answers 401)",
    "Now GitHub has refused the token conclusively: the PAT is invalid and must be replaced.",
    ["check", ...args]
  )
})

const demo = Effect.gen(function* () {
  const started = yield* Clock.currentTimeMillis
  yield* Effect.scoped(scenario)
  const seconds = ((yield* Clock.currentTimeMillis) - started) / 1000
  yield* Console.log(`\n${rule}\nDone in ${seconds.toFixed(1)} s; the validator, the fake GitHub and the temp folder are gone.`)
})

demo.pipe(Effect.provide(layerNode), NodeRuntime.runMain)
