import { FileSystem } from "@effect/platform"
import { EMPTY_BODY_HASH, signRequest, verifyRequest } from "@gittensor-pat/axon"
import { Effect } from "effect"
import { benchMain } from "../benchMain.js"
import { loadGroup } from "../loadRun.js"
import { minerKeypair, minerRange } from "../miners.js"
import { benchOptions } from "../options.js"
import { readProfile } from "../profile.js"
import { repeatPoint } from "../stats.js"
import { groupFigures, markdownTable } from "../summary.js"
import { makeWorld, startValidatorIn, type World } from "../world.js"

// Issue 9 item 2 (overhead): CPU per request at L = 0, split by a CPU profile of the
// validator into decode+verify, pipeline, store and encode. The validator has no switch to
// turn verification off, so its cost is measured directly: `verifyRequest` timed in this
// process, in the same run, while the validator is idle.
const options = benchOptions()
const concurrency = 64
const categories = ["decode+verify", "pipeline", "store", "encode", "server", "gc", "effect runtime", "node i/o"] as const

const verifyMicros = Effect.gen(function* () {
  const keypair = yield* minerKeypair(0)
  const input = { nonce: 1_700_000_000_000_000_000n, axonHotkey: keypair.address, uuid: "bench", bodyHash: EMPTY_BODY_HASH }
  const signature = signRequest(keypair, input)
  const rounds = options.quick ? 20 : 200
  const started = performance.now()
  for (let round = 0; round < rounds; round++) verifyRequest({ ...input, dendriteHotkey: keypair.address, signature })
  return Math.round(((performance.now() - started) / rounds) * 1000)
})

const point = (world: World, synapse: "PatCheckSynapse" | "PatBroadcastSynapse", run: number) =>
  Effect.scoped(
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const profileDir = `${world.dir}/profile-${synapse}-${run}`
      yield* fs.makeDirectory(profileDir, { recursive: true })
      const validator = yield* startValidatorIn(world, {
        nodeFlags: ["--cpu-prof", "--cpu-prof-dir", profileDir],
        fromSources: true,
        logFile: `${world.dir}/validator-profiled.log`
      })
      const load = (durationMs: number) =>
        world.load.run({
          target: validator.target,
          groups: [loadGroup({ synapse, miners: minerRange(0, concurrency), concurrency, durationMs })]
        })
      yield* load(1000)
      const verifyUs = yield* verifyMicros
      const cpuBefore = yield* validator.child.cpuMs
      const loadStart = performance.now()
      const report = yield* load(options.durationMs)
      const loadEnd = performance.now()
      const cpuAfter = yield* validator.child.cpuMs
      yield* validator.child.stop("SIGTERM")
      const exited = performance.now()
      const profile = yield* readProfile(profileDir, {
        fromMsBeforeEnd: exited - loadStart,
        toMsBeforeEnd: exited - loadEnd
      })
      const figures = groupFigures(report, 0, [synapse === "PatCheckSynapse" ? "valid" : "accepted"])
      const perRequest = (ms: number) => Math.round((ms * 1000) / Math.max(1, figures.requests))
      const cpuUsPerRequest = perRequest(cpuAfter - cpuBefore)
      // The profiler samples wall time on the main thread (descheduled time included, on a
      // shared machine), so it gives the split; the kernel's CPU count gives the total.
      const share = (category: string) => (profile.byCategory[category] ?? 0) / Math.max(1, profile.busyMs)
      return {
        synapse,
        requests: figures.requests,
        perSecond: figures.perSecond,
        cpuUsPerRequest,
        profiledUsPerRequest: perRequest(profile.busyMs),
        ...Object.fromEntries(categories.map((category) => [category, Math.round(cpuUsPerRequest * share(category))])),
        verifyUs,
        errors: figures.errors,
        topSelf: profile.topSelf
      }
    })
  )

const program = Effect.gen(function* () {
  const world = yield* makeWorld()
  const rows = []
  for (const synapse of ["PatCheckSynapse", "PatBroadcastSynapse"] as const) {
    rows.push(yield* repeatPoint(options.runs, (run) => point(world, synapse, run)))
  }
  return { options, concurrency, rows }
})

benchMain("overhead", program, ({ rows }) =>
  markdownTable(rows, {
    synapse: "synapse",
    perSecond: "req/s",
    cpuUsPerRequest: "CPU µs/req (/proc)",
    profiledUsPerRequest: "profiled µs/req",
    "decode+verify": "decode+verify",
    pipeline: "pipeline",
    store: "store",
    encode: "encode",
    server: "server",
    gc: "GC",
    "effect runtime": "Effect runtime",
    "node i/o": "Node HTTP/IO",
    verifyUs: "verifyRequest µs (direct)"
  })
)
