import { Effect } from "effect"
import { benchMain } from "../benchMain.js"
import { loadGroup } from "../loadRun.js"
import { minerRange } from "../miners.js"
import { benchOptions } from "../options.js"
import { repeatPoint } from "../stats.js"
import { groupFigures, markdownTable } from "../summary.js"
import { makeWorld, startValidatorIn, warmUp } from "../world.js"

// Issue 9 item 1: requests/s and latency of checks and broadcasts over real signed HTTP,
// at GitHub latency L × concurrency C, each point the median of several runs.
const options = benchOptions()
const latencies = options.quick ? [0, 50] : [0, 50, 100]
const concurrencies = options.quick ? [1, 16] : [1, 16, 64, 256, 1024]
const synapses = [
  { synapse: "PatCheckSynapse", success: ["valid"] },
  { synapse: "PatBroadcastSynapse", success: ["accepted"] }
] as const

const program = Effect.gen(function* () {
  const world = yield* makeWorld()
  const validator = yield* startValidatorIn(world)
  const point = (synapse: (typeof synapses)[number], latencyMs: number, concurrency: number, durationMs: number) =>
    Effect.gen(function* () {
      yield* validator.child.resetPeak
      const cpuBefore = yield* validator.child.cpuMs
      const githubCpuBefore = yield* world.github.child.cpuMs
      const report = yield* world.load.run({
        target: validator.target,
        groups: [loadGroup({ synapse: synapse.synapse, miners: minerRange(0, concurrency), concurrency, durationMs })]
      })
      const figures = groupFigures(report, 0, synapse.success)
      const validatorCpuMs = (yield* validator.child.cpuMs) - cpuBefore
      const githubCpuMs = (yield* world.github.child.cpuMs) - githubCpuBefore
      const elapsedMs = report.elapsedMs[0] ?? 1
      const peakRssMiB = Math.round((yield* validator.child.peakRssKiB) / 1024)
      return {
        synapse: synapse.synapse,
        latencyMs,
        concurrency,
        requests: figures.requests,
        perSecond: figures.perSecond,
        p50: figures.p50,
        p99: figures.p99,
        max: figures.max,
        p50OverL: latencyMs === 0 ? 0 : Math.round((figures.p50 / latencyMs) * 100) / 100,
        errors: figures.errors,
        peakRssMiB,
        // All three share the machine's cores: 100 % is one core busy for the whole point.
        validatorCpuPct: Math.round((validatorCpuMs / elapsedMs) * 100),
        loadCpuPct: Math.round((report.cpuMs / elapsedMs) * 100),
        githubCpuPct: Math.round((githubCpuMs / elapsedMs) * 100),
        nonceAgeP50: report.signing.nonceAgeP50,
        nonceAgeMax: report.signing.nonceAgeMax,
        signaturesPerRequest: Math.round((report.signing.signatures / Math.max(1, figures.requests)) * 100) / 100,
        outcomes: figures.outcomes
      }
    })
  yield* warmUp(world, validator)
  const rows = []
  for (const latencyMs of latencies) {
    yield* world.github.setLatency(latencyMs)
    for (const synapse of synapses) {
      for (const concurrency of concurrencies) {
        const row = yield* repeatPoint(options.runs, () => point(synapse, latencyMs, concurrency, options.durationMs))
        console.log(
          `${row.synapse} L=${latencyMs} C=${concurrency}: ${row.perSecond}/s p50 ${row.p50} p99 ${row.p99} max ${row.max} errors ${row.errors} rss ${row.peakRssMiB} MiB cpu ${row.validatorCpuPct}% (load ${row.loadCpuPct}%, GitHub ${row.githubCpuPct}%)`
        )
        rows.push(row)
      }
    }
  }
  return { options, rows }
})

benchMain("throughput", program, ({ rows }) =>
  markdownTable(rows, {
    synapse: "synapse",
    latencyMs: "L (ms)",
    concurrency: "C",
    perSecond: "req/s",
    p50: "p50 ms",
    p99: "p99 ms",
    max: "max ms",
    p50OverL: "p50 / L",
    errors: "errors",
    peakRssMiB: "peak RSS MiB",
    validatorCpuPct: "validator CPU %",
    loadCpuPct: "load gen CPU %",
    githubCpuPct: "fake GitHub CPU %"
  })
)
