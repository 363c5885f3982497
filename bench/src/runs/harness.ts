import { FileSystem } from "@effect/platform"
import { Effect } from "effect"
import { benchMain } from "../benchMain.js"
import { startBenchGitHub } from "../fakeGitHub.js"
import { loadGroup, startLoadGenerator } from "../loadRun.js"
import { minerRange } from "../miners.js"
import { benchOptions } from "../options.js"
import { repeatPoint } from "../stats.js"
import { markdownTable } from "../summary.js"
import { fakeGitHubCalls, stubValidator } from "../stubs.js"

// What the bench's own helpers cost: every CPU-ms the load generator or the fake GitHub
// spends is taken from the validator they share the two cores with. The load generator
// calls a stub validator (in this process) that answers at once or after a delay; the fake
// GitHub is called from this process over keep-alive sockets as the validator calls it.
// Both figures are the helper process's own CPU (all its threads) over its requests.
const options = benchOptions()
const loadPoints = options.quick
  ? [{ delayMs: 0, concurrency: 16 }]
  : [
      { delayMs: 0, concurrency: 64 },
      { delayMs: 100, concurrency: 256 }
    ]
const fakePoints = options.quick
  ? [{ latencyMs: 0, concurrency: 16 }]
  : [
      { latencyMs: 0, concurrency: 64 },
      { latencyMs: 100, concurrency: 256 }
    ]

const perCall = (cpuMs: number, calls: number): number => Math.round((cpuMs * 1000) / Math.max(1, calls))

const program = Effect.gen(function* () {
  const dir = yield* (yield* FileSystem.FileSystem).makeTempDirectoryScoped({ prefix: "gittensor-bench-" })
  const load = yield* startLoadGenerator(`${dir}/load-generator.log`)
  const github = yield* startBenchGitHub(`${dir}/fake-github.log`)
  const miners = minerRange(0, 256)
  yield* github.allowMiners(miners)
  const rows = []
  for (const point of loadPoints) {
    const stub = yield* stubValidator(point.delayMs)
    const run = (durationMs: number) =>
      load.run({
        target: stub.target,
        groups: [
          loadGroup({ synapse: "PatCheckSynapse", miners: miners.slice(0, point.concurrency), concurrency: point.concurrency, durationMs })
        ]
      })
    yield* run(1000)
    rows.push(
      yield* repeatPoint(options.runs, () =>
        Effect.map(run(options.durationMs), (report) => ({
          process: "load generator",
          latencyMs: point.delayMs,
          concurrency: point.concurrency,
          calls: report.records.length,
          perSecond: Math.round((report.records.length / Math.max(1, report.elapsedMs[0] ?? 1)) * 1000),
          cpuUsPerCall: perCall(report.cpuMs, report.records.length),
          cpuPct: Math.round((report.cpuMs / Math.max(1, report.elapsedMs[0] ?? 1)) * 100),
          signaturesPerCall: Math.round((report.signing.signatures / Math.max(1, report.records.length)) * 100) / 100,
          waitedPct: Math.round((report.signing.waited / Math.max(1, report.records.length)) * 100),
          nonceAge: `${report.signing.nonceAgeP50} / ${report.signing.nonceAgeP99} / ${report.signing.nonceAgeMax}`
        }))
      )
    )
    yield* stub.close
  }
  for (const point of fakePoints) {
    yield* github.setLatency(point.latencyMs)
    const calls = (durationMs: number) => fakeGitHubCalls(github.url, miners.slice(0, point.concurrency), durationMs)
    yield* calls(1000)
    rows.push(
      yield* repeatPoint(options.runs, () =>
        Effect.gen(function* () {
          const before = yield* github.child.cpuMs
          const result = yield* calls(options.durationMs)
          const cpuMs = (yield* github.child.cpuMs) - before
          return {
            process: "fake GitHub",
            latencyMs: point.latencyMs,
            concurrency: point.concurrency,
            calls: result.calls,
            perSecond: Math.round((result.calls / Math.max(1, result.elapsedMs)) * 1000),
            cpuUsPerCall: perCall(cpuMs, result.calls),
            cpuPct: Math.round((cpuMs / Math.max(1, result.elapsedMs)) * 100)
          }
        })
      )
    )
  }
  return { options, rows }
})

benchMain("harness", program, ({ rows }) =>
  markdownTable(rows, {
    process: "process",
    latencyMs: "L ms",
    concurrency: "C",
    calls: "calls",
    perSecond: "calls/s",
    cpuUsPerCall: "CPU µs/call",
    cpuPct: "CPU %",
    signaturesPerCall: "signatures / call",
    waitedPct: "waited for signature %",
    nonceAge: "nonce age at send p50 / p99 / max ms"
  })
)
