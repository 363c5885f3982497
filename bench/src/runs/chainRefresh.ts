import { monitorEventLoopDelay, performance } from "node:perf_hooks"
import { FileSystem } from "@effect/platform"
import { ChainReader, readChainMetagraph } from "@gittensor-pat/subtensor-adapter"
import { Context, Duration, Effect, Layer, Option, Schedule } from "effect"
import { benchMain } from "../benchMain.js"
import { spawnNode } from "../child.js"
import { benchOptions } from "../options.js"
import { freePort } from "../ports.js"
import { median } from "../stats.js"
import { markdownTable } from "../summary.js"

// Issue 18 item 3: what one metagraph refresh costs the thread that serves requests. The
// recorded finney block (netuid 1, 1,024 neurons: four times subnet 74's 256) is served by
// the fake node in its own process; this process reads it as the validator would, and
// measures its own main thread during each read: the longest event-loop stall (what a
// request arriving then waits), the main thread's busy time (event-loop utilisation), and
// the CPU of the whole process (every thread: with the worker, the read's own cost).
const options = benchOptions()
const reads = options.quick ? 3 : 12

const uncached = Layer.succeed(ChainReader, ChainReader.of({ read: (read) => readChainMetagraph(read) }))
const modes = [
  { mode: "main thread, metadata decoded every read", layer: uncached },
  { mode: "main thread, runtime kept (ChainReader.layerHere)", layer: ChainReader.layerHere },
  { mode: "worker thread, runtime kept (ChainReader.layerWorker)", layer: ChainReader.layerNodeWorker() }
] as const

interface ReadFigures {
  readonly wallMs: number
  readonly mainBusyMs: number
  readonly processCpuMs: number
  readonly maxStallMs: number
}

const measured = <A, E>(read: Effect.Effect<A, E>) =>
  Effect.gen(function* () {
    const stalls = monitorEventLoopDelay({ resolution: 1 })
    stalls.enable()
    const elu = performance.eventLoopUtilization()
    const cpu = process.cpuUsage()
    const started = performance.now()
    yield* read
    const wallMs = performance.now() - started
    const busy = performance.eventLoopUtilization(elu)
    const used = process.cpuUsage(cpu)
    stalls.disable()
    return {
      wallMs: Math.round(wallMs),
      mainBusyMs: Math.round(busy.active),
      processCpuMs: Math.round((used.user + used.system) / 1000),
      maxStallMs: Math.round(stalls.max / 1e6)
    } satisfies ReadFigures
  })

const program = Effect.gen(function* () {
  const dir = yield* (yield* FileSystem.FileSystem).makeTempDirectoryScoped({ prefix: "gittensor-bench-" })
  const port = yield* freePort
  yield* spawnNode({ program: ["packages/subtensor-adapter/src/testing/cli.ts"], args: ["--port", String(port)], logFile: `${dir}/fake-subtensor.log` })
  const read = { target: { endpoint: `ws://127.0.0.1:${port}`, network: Option.some("finney" as const) }, netuid: 1 }
  const rows = []
  for (const { mode, layer } of modes) {
    const reader = yield* Effect.scoped(
      Effect.gen(function* () {
        const reader = Context.get(yield* Layer.build(layer), ChainReader)
        // The node takes a moment to come up; the first read that succeeds is the cold one.
        const first = yield* measured(reader.read(read)).pipe(
          Effect.retry(Schedule.spaced("500 millis").pipe(Schedule.upTo(Duration.seconds(60))))
        )
        const steady: Array<ReadFigures> = []
        for (let i = 0; i < reads; i++) steady.push(yield* measured(reader.read(read)))
        return { first, steady }
      })
    )
    const column = (key: keyof ReadFigures) => reader.steady.map((figures) => figures[key])
    rows.push({
      mode,
      firstStallMs: reader.first.maxStallMs,
      wallMs: median(column("wallMs")),
      mainBusyMs: median(column("mainBusyMs")),
      processCpuMs: median(column("processCpuMs")),
      stallMs: median(column("maxStallMs")),
      worstStallMs: Math.max(...column("maxStallMs")),
      first: reader.first,
      steady: reader.steady
    })
  }
  return { reads, rows }
})

benchMain("chain-refresh", program, ({ reads, rows }) =>
  [
    `One refresh of a 1,024-neuron subnet, as the serving thread sees it (median of ${reads} reads after the first; the first read, with the metadata, apart).`,
    "",
    markdownTable(rows, {
      mode: "reader",
      wallMs: "read (ms)",
      mainBusyMs: "main thread busy (ms)",
      processCpuMs: "process CPU (ms)",
      stallMs: "longest stall p50 (ms)",
      worstStallMs: "longest stall max (ms)",
      firstStallMs: "first read's longest stall (ms)"
    })
  ].join("\n")
)
