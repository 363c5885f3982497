import { closeSync, openSync, writeSync } from "node:fs"
import { Deadline, GitHub, type Pat } from "@gittensor-pat/core"
import { Context, Effect, FiberRef, HashSet, Layer, Logger, Redacted } from "effect"
import * as Drain from "../../../apps/validator/src/ops/Drain.js"
import * as Log from "../../../apps/validator/src/ops/Log.js"
import * as Metrics from "../../../apps/validator/src/ops/Metrics.js"
import * as ObservedGitHub from "../../../apps/validator/src/ops/ObservedGitHub.js"
import { logRequest, type RequestLogEntry } from "../../../apps/validator/src/ops/RequestLog.js"
import { benchMain } from "../benchMain.js"
import { benchOptions } from "../options.js"
import { markdownTable } from "../summary.js"

// What the validator's ops add to each request, measured in this process: the CPU time of
// a loop of N operations less that of a loop of N `Effect.void`, per operation. Every
// operation is measured once per round, rounds interleaved, so that a neighbour's load
// spreads over all of them; the table gives the minimum and the median over the rounds.
// Every 64 operations the loop lets the event loop turn, as requests do.
const options = benchOptions()
const rounds = options.quick ? 1 : Math.max(5, options.runs)
const perRound = options.quick ? 5_000 : 50_000

const devNull = openSync("/dev/null", "w")
const toDevNull = (chunk: string) => {
  writeSync(devNull, chunk)
}
const turn = Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))

const cpuPerOp = <R>(op: (i: number) => Effect.Effect<unknown, unknown, R>) =>
  Effect.gen(function* () {
    const start = process.cpuUsage()
    for (let i = 0; i < perRound; i++) {
      yield* Effect.either(op(i))
      if (i % 64 === 63) yield* turn
    }
    const used = process.cpuUsage(start)
    return (used.user + used.system) / perRound
  })

// A check's line as the route writes it: a known caller, both GitHub timings.
const entry = (i: number): RequestLogEntry => ({
  synapse: "PatCheckSynapse",
  status: 200,
  outcome: "valid",
  uid: i & 255,
  hotkey: "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
  pat: undefined,
  reason: null,
  githubMs: { identity: 40 + (i & 15), "test-query": 50 + (i & 15) },
  totalMs: 100 + (i & 31) / 10
})

const pat = Redacted.make("ghp_bench_ops_000000000000000000000000001") as Pat
const instantGitHub = Layer.succeed(GitHub, { identity: () => Effect.succeed("1" as never), testQuery: () => Effect.succeed("login") })

// About as many services as a request fiber's context holds, so that adding one copies as much.
const requestContext = <A>(context: Context.Context<A>): Context.Context<A> => {
  let out = context
  for (let i = 0; i < 16; i++) out = Context.merge(out, Context.make(Context.GenericTag<never>(`bench/ops/service-${i}`), i as never))
  return out
}

interface Operation {
  readonly name: string
  readonly run: Effect.Effect<number>
}

const program = Effect.gen(function* () {
  const metrics = yield* Metrics.make
  const observedContext = requestContext(
    yield* Layer.build(ObservedGitHub.layer.pipe(Layer.provideMerge(Layer.mergeAll(instantGitHub, Metrics.layer, Drain.layer))))
  )
  const observed = Context.get(observedContext, ObservedGitHub.ObservedGitHub)
  const deadline = Deadline.at(Date.now() + 3_600_000)
  const twoCalls = Effect.flatMap(GitHub, (github) => Effect.zipRight(github.identity(pat, deadline), github.testQuery(pat, deadline)))
  const outcomes = ["valid", "no_pat", "inconclusive", "http_401"] as const
  // The loop logs ~50 times faster than a busy validator (~750 requests/s), so a 1 ms window
  // here batches about as many lines per write as the validator's 50 ms does there; a longer
  // one would keep thousands of lines alive per batch and measure the garbage collector.
  const logged = (format: "json" | "pretty", level: "Info" | "Warning") =>
    cpuPerOp((i) => logRequest(entry(i))).pipe(Effect.provide(Log.layer({ format, level, write: toDevNull, window: "1 millis" })))
  const operations: ReadonlyArray<Operation> = [
    { name: "nothing (the loop itself)", run: cpuPerOp(() => Effect.void) },
    {
      name: "metrics.request",
      run: cpuPerOp((i) => metrics.request(i & 1 ? "PatCheckSynapse" : "PatBroadcastSynapse", outcomes[i & 3]!, (i & 127) / 1_000))
    },
    {
      name: "request line as an annotated Effect log record (a logger that does nothing)",
      run: cpuPerOp((i) => logRequest(entry(i))).pipe(Effect.locally(FiberRef.currentLoggers, HashSet.make(Logger.make(() => {}))))
    },
    { name: "request line, json, written", run: logged("json", "Info") },
    { name: "request line, pretty, written", run: logged("pretty", "Info") },
    { name: "request line below --log-level", run: logged("json", "Warning") },
    {
      name: "GitHub view for a request (forRequest + provideService)",
      run: cpuPerOp(() => Effect.provideService(Effect.void, GitHub, observed.forRequest().github)).pipe(Effect.provide(observedContext))
    },
    {
      name: "two observed GitHub calls (view included; GitHub answers at once)",
      run: cpuPerOp(() => Effect.provideService(twoCalls, GitHub, observed.forRequest().github)).pipe(Effect.provide(observedContext))
    }
  ]
  const samples = operations.map(() => [] as Array<number>)
  for (let round = 0; round < rounds; round++) {
    const loop = yield* operations[0]!.run
    samples[0]!.push(loop)
    for (const [index, operation] of operations.entries()) {
      if (index > 0) samples[index]!.push((yield* operation.run) - loop)
    }
  }
  const median = (values: ReadonlyArray<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
  const round2 = (value: number) => Math.round(value * 100) / 100
  return operations.map((operation, index) => ({
    operation: operation.name,
    minUs: round2(Math.min(...samples[index]!)),
    medianUs: round2(median(samples[index]!)),
    rounds,
    perRound
  }))
}).pipe(Effect.ensuring(Effect.sync(() => closeSync(devNull))))

benchMain("ops", program, (rows) =>
  [
    `**Ops on the request path** (µs of CPU per operation, less the loop's own; ${rounds} rounds of ${perRound})`,
    "",
    markdownTable(rows, { operation: "operation", minUs: "min µs", medianUs: "median µs" })
  ].join("\n")
)
