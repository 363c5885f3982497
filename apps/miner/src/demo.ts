import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { maskPat } from "@gittensor-pat/core"
import { FileSystem } from "@effect/platform"
import { Clock, ConfigProvider, Console, Effect } from "effect"
import { demoAccount, demoPat, startDemoSubnet } from "./demoSubnet.js"
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
      "gittensor-pat demo: a miner hands its GitHub PAT to a validator, checks it, and keeps it held, all on loopback.",
      `  fake GitHub     ${subnet.github.url}`,
      `  validator       ${subnet.validator.url} (dev hotkey ${subnet.validator.hotkey}, uid 0)`,
      `  PAT store       ${subnet.storeFile}`,
      "  miner           dev miner 1 (uid 1 of examples/metagraph.json)"
    ].join("\n")
  )
  yield* step(
    "1. token: what can this token do? Nothing is sent to any validator",
    "Read from GitHub's own answer. This token has public_repo, a scope that can push to your repositories: the report warns, because every validator receives the token.",
    ["token", "--github-api-url", subnet.github.url],
    true
  )
  yield* step(
    "2. post: the miner checks its PAT with GitHub, then broadcasts it",
    "The same token report comes first. The validator asks GitHub who owns the token and runs a test query before storing it.",
    ["post", ...args],
    true
  )
  yield* step("3. check: does the validator hold a working PAT?", "GitHub answers normally.", ["check", ...args])
  const githubAnswers = (status: number, message: string) =>
    Effect.sync(() => {
      for (const endpoint of ["user", "graphql"] as const) {
        subnet.github.script(demoPat, endpoint, { status, json: { message } })
      }
    })
  yield* githubAnswers(503, "Service Unavailable")
  yield* step(
    "4. check during a GitHub outage (every answer is 503)",
    "A temporary GitHub problem is never reported as an invalid PAT: the answer is inconclusive.",
    ["check", ...args]
  )
  yield* step(
    "5. ensure during the outage",
    "ensure posts only where the PAT is missing or invalid. Inconclusive means the validator may well hold a working token: it waits, and nothing is sent.",
    ["ensure", ...args],
    true
  )
  const fs = yield* FileSystem.FileSystem
  yield* Effect.sync(() => {
    subnet.github.reset()
    subnet.github.allow(demoPat, demoAccount)
  })
  yield* subnet.validator.restart(fs.remove(subnet.storeFile))
  yield* step(
    "6. GitHub is back, but the validator lost its store (restarted with its store file deleted, as on a fresh disk)",
    "ensure finds no PAT there and posts it again.",
    ["ensure", ...args],
    true
  )
  yield* step("7. ensure again", "The validator holds a working PAT: it is kept, nothing is sent.", ["ensure", ...args], true)
  yield* githubAnswers(401, "Bad credentials")
  yield* step(
    "8. check after the token was revoked (GitHub answers 401)",
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
