import type { PlatformError } from "@effect/platform/Error"
import { Effect } from "effect"
import type { BenchError } from "../errors.js"
import { headOfLineSettings, measureHeadOfLine, prepareHeadOfLine } from "../points/headOfLinePoint.js"
import { type LoadSynapse, loadSynapses, measureLoad } from "../points/loadPoint.js"
import { measureOutage, outageSettings, prepareOutage, scriptedOutages } from "../points/outagePoint.js"
import type { RunningValidator } from "../validatorProcess.js"
import type { World } from "../world.js"
import type { Better } from "./ratios.js"

/** The figures bench:compare can measure, by the name `--figures` selects them with. */
export const figureNames = ["throughput", "cpu", "broadcast", "memory", "head-of-line", "outage"] as const
export type FigureName = (typeof figureNames)[number]

/** One figure read off a point's result. */
interface Metric<Row> {
  readonly label: string
  readonly better: Better
  readonly of: (row: Row) => number
}

/** A point measured on both sides: how to set the fake GitHub up for it, and what to read off it. */
export interface ComparedPoint {
  readonly figure: FigureName
  readonly name: string
  /** Sets the shared fake GitHub up (latency, scripts) before the point's rounds. */
  readonly prepare: (world: World) => Effect.Effect<void, BenchError>
  readonly metrics: ReadonlyArray<{ readonly label: string; readonly better: Better }>
  /** Measures the point on one validator: the full result, and each metric's value in order. */
  readonly measure: (
    world: World,
    validator: RunningValidator
  ) => Effect.Effect<{ readonly row: unknown; readonly values: ReadonlyArray<number> }, BenchError | PlatformError>
}

const comparedPoint = <Row>(spec: {
  readonly figure: FigureName
  readonly name: string
  readonly prepare: (world: World) => Effect.Effect<void, BenchError>
  readonly measure: (world: World, validator: RunningValidator) => Effect.Effect<Row, BenchError | PlatformError>
  readonly metrics: ReadonlyArray<Metric<Row>>
}): ComparedPoint => ({
  figure: spec.figure,
  name: spec.name,
  prepare: spec.prepare,
  metrics: spec.metrics.map(({ label, better }) => ({ label, better })),
  measure: (world, validator) =>
    Effect.map(spec.measure(world, validator), (row) => ({ row, values: spec.metrics.map((metric) => metric.of(row)) }))
})

const [check, broadcast] = loadSynapses

const loadPoint = (
  figure: FigureName,
  synapse: LoadSynapse,
  latencyMs: number,
  concurrency: number,
  durationMs: number,
  metrics: ReadonlyArray<Metric<Effect.Effect.Success<ReturnType<typeof measureLoad>>>>
) =>
  comparedPoint({
    figure,
    name: `${synapse.synapse === "PatCheckSynapse" ? "checks" : "broadcasts"}, C = ${concurrency}, L = ${latencyMs} ms`,
    prepare: (world) => world.github.setLatency(latencyMs),
    measure: (world, validator) => measureLoad(world, validator, { synapse, latencyMs, concurrency, durationMs }),
    metrics
  })

/**
 * Every point bench:compare knows, in the order they run. The order matters: scripts on the
 * fake GitHub only accumulate (a hanging token stays hanging), so the points that script
 * tokens come last, and the outage's (which script the checking miners' own tokens) last of all.
 */
export const comparedPoints = (quick: boolean, durationMs: number): ReadonlyArray<ComparedPoint> => {
  const headOfLine = headOfLineSettings(quick)
  const outage = outageSettings(quick)
  const peakRss = { label: "peak RSS MiB", better: "lower", of: (row: { peakRssMiB: number }) => row.peakRssMiB } as const
  return [
    loadPoint("throughput", check, 100, 256, durationMs, [
      { label: "checks/s", better: "higher", of: (row) => row.perSecond },
      { label: "p50 ms", better: "lower", of: (row) => row.p50 },
      { label: "errors", better: "lower", of: (row) => row.errors }
    ]),
    loadPoint("cpu", check, 0, 64, durationMs, [
      { label: "validator CPU µs / check", better: "lower", of: (row) => row.validatorCpuUsPerRequest },
      { label: "checks/s", better: "higher", of: (row) => row.perSecond }
    ]),
    loadPoint("broadcast", broadcast, 100, 1, durationMs, [
      { label: "p50 / L", better: "lower", of: (row) => row.p50OverL }
    ]),
    loadPoint("memory", check, 100, 1024, durationMs, [peakRss]),
    loadPoint("memory", broadcast, 100, 1024, durationMs, [peakRss]),
    comparedPoint({
      figure: "head-of-line",
      name: `${headOfLine.stuckCount} stuck checks + ${headOfLine.healthyConcurrency} healthy streams, L = ${headOfLine.latencyMs} ms`,
      prepare: (world) => prepareHeadOfLine(world, headOfLine),
      measure: (world, validator) => measureHeadOfLine(world, validator, headOfLine),
      metrics: [
        { label: "healthy p50 / L", better: "lower", of: (row) => row.p50OverL },
        { label: "stuck answered inconclusive", better: "higher", of: (row) => row.stuckInconclusive }
      ]
    }),
    ...scriptedOutages.map(({ mode, behaviour }) =>
      comparedPoint({
        figure: "outage",
        name: `GitHub ${mode}: ${outage.concurrency} checks at once, timeout ${outage.timeoutSeconds} s`,
        prepare: (world) => prepareOutage(world, outage, behaviour),
        measure: (world, validator) => measureOutage(world, validator, mode, outage),
        metrics: [
          { label: "answered in time %", better: "higher", of: (row) => row.answeredPct },
          { label: "slowest ms", better: "lower", of: (row) => row.slowestMs }
        ]
      })
    )
  ]
}
