import { Effect } from "effect"
import { benchMain } from "../benchMain.js"
import { benchOptions } from "../options.js"
import { loadSynapses, measureLoad } from "../points/loadPoint.js"
import { repeatPoint } from "../stats.js"
import { markdownTable } from "../summary.js"
import { makeWorld, startValidatorIn, warmUp } from "../world.js"

// Issue 9 item 1: requests/s and latency of checks and broadcasts over real signed HTTP,
// at GitHub latency L × concurrency C, each point the median of several runs.
const options = benchOptions()
const latencies = options.quick ? [0, 50] : [0, 50, 100]
const concurrencies = options.quick ? [1, 16] : [1, 16, 64, 256, 1024]

const program = Effect.gen(function* () {
  const world = yield* makeWorld()
  const validator = yield* startValidatorIn(world)
  yield* warmUp(world, validator)
  const rows = []
  for (const latencyMs of latencies) {
    yield* world.github.setLatency(latencyMs)
    for (const synapse of loadSynapses) {
      for (const concurrency of concurrencies) {
        const row = yield* repeatPoint(options.runs, () =>
          measureLoad(world, validator, { synapse, latencyMs, concurrency, durationMs: options.durationMs })
        )
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
