import { FileSystem } from "@effect/platform"
import { Effect } from "effect"
import * as os from "node:os"
import { benchMain } from "../benchMain.js"
import { repoRoot, waitUntilIdle } from "../child.js"
import { type ComparedPoint, comparedPoints } from "../compare/comparedPoints.js"
import { compareOptions, compareUsage } from "../compare/compareOptions.js"
import { compareMetric, ratioTable } from "../compare/ratios.js"
import { checkoutRef } from "../compare/refCheckout.js"
import { BenchError } from "../errors.js"
import { writeFixture } from "../fixture.js"
import { minerCount, minerRange } from "../miners.js"
import { buildValidator, launchCommand, type RunningValidator } from "../validatorProcess.js"
import { makeWorld, startValidatorIn, warmUp, type World } from "../world.js"

// Issues 14 and 16 (guard): the working tree (B) against a git ref (A), both validators up
// side by side on one fake GitHub and one load generator, each point measured on A and on B
// in turn, round after round, so that whatever else the machine is doing weighs on both.

type Side = "ref" | "tree"

/** Starts one side's validator from `checkout`, on its own copy of the store, and warms it up. */
const startSide = (world: World, side: Side, checkout: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const dir = `${world.dir}/${side}`
    yield* fs.makeDirectory(dir)
    yield* buildValidator(checkout, `${dir}/build.log`)
    // Each side its own store: a validator holds its store's writer lock while it runs.
    const files = yield* writeFixture(dir, world.keypairs, minerRange(0, minerCount), world.wallet.address)
    const validator = yield* startValidatorIn(world, { files, checkout, logFile: `${dir}/validator.log` })
    yield* warmUp(world, validator)
    return { validator, launch: yield* launchCommand(checkout) }
  })

/** Measures `point` on both sides, `rounds` times, and compares each of its figures. */
const comparePoint = (
  world: World,
  validators: Record<Side, RunningValidator>,
  point: ComparedPoint,
  rounds: number
) =>
  Effect.gen(function* () {
    yield* point.prepare(world)
    // Before each measurement, both validators and the fake GitHub go quiet: a point can
    // leave one still working (requests whose callers gave up), which would tax the next.
    const quiet = waitUntilIdle([validators.ref.child, validators.tree.child, world.github.child])
    const on = (side: Side) =>
      Effect.gen(function* () {
        const settle = yield* quiet
        if (!settle.settled) console.log(`  (the processes were still busy after ${settle.waitedMs} ms; measuring ${side} anyway)`)
        return { ...(yield* point.measure(world, validators[side])), settle }
      })
    const measured = yield* Effect.forEach(
      Array.from({ length: rounds }, (_, round) => round),
      (round) =>
        Effect.gen(function* () {
          // One side, then the other, in the order of the keys; A, B then B, A, so that a drift
          // over the run (warming JITs, growing heaps, a neighbour's load) favours neither side.
          const turns = round % 2 === 0 ? { ref: on("ref"), tree: on("tree") } : { tree: on("tree"), ref: on("ref") }
          const pair = yield* Effect.all(turns)
          console.log(
            `${point.name}, round ${round + 1}: ` +
              point.metrics
                .map((metric, index) => `${metric.label} A ${pair.ref.values[index]} B ${pair.tree.values[index]}`)
                .join(", ")
          )
          return { order: Object.keys(turns), ...pair }
        })
    )
    const metrics = point.metrics.map((metric, index) =>
      compareMetric(
        point.name,
        metric.label,
        metric.better,
        measured.map((pair) => pair.ref.values[index] ?? 0),
        measured.map((pair) => pair.tree.values[index] ?? 0)
      )
    )
    return {
      figure: point.figure,
      point: point.name,
      metrics,
      rounds: measured.map((pair) => ({
        order: pair.order,
        ref: pair.ref.row,
        tree: pair.tree.row,
        settle: { ref: pair.ref.settle, tree: pair.tree.settle }
      }))
    }
  })

const program = Effect.gen(function* () {
  const options = yield* Effect.try({
    try: () => compareOptions(process.argv.slice(2)),
    catch: (cause) => new BenchError({ message: `${cause instanceof Error ? cause.message : String(cause)}\n${compareUsage}` })
  })
  const points = comparedPoints(options.quick, options.durationMs).filter((point) => options.figures.includes(point.figure))
  console.log(`checking out ${options.ref} in a temp worktree and installing it …`)
  const checkout = yield* checkoutRef(options.ref)
  const world = yield* makeWorld()
  const sides = {
    ref: yield* startSide(world, "ref", checkout.dir),
    tree: yield* startSide(world, "tree", repoRoot)
  }
  const validators = { ref: sides.ref.validator, tree: sides.tree.validator }
  const loadBefore = os.loadavg()
  const compared = yield* Effect.forEach(points, (point) => comparePoint(world, validators, point, options.runs))
  return {
    options,
    ref: options.ref,
    commit: checkout.commit,
    // How each side's validator was started: its node flags and program, from its own package.json.
    launch: { ref: sides.ref.launch, tree: sides.tree.launch },
    // 1, 5 and 15 min load averages: above the core count, something else was running too.
    loadAverage: { before: loadBefore, after: os.loadavg() },
    points: compared
  }
})

benchMain("compare", program, (result) =>
  [
    `A = ${result.ref} (${result.commit.slice(0, 10)}), B = the working tree; ${result.options.runs} round(s) per point, medians.`,
    "",
    ratioTable(
      result.points.flatMap((point) => point.metrics),
      result.ref
    ),
    "",
    `load average (1, 5, 15 min) at the start ${result.loadAverage.before.map((load) => load.toFixed(2)).join(", ")}, ` +
      `at the end ${result.loadAverage.after.map((load) => load.toFixed(2)).join(", ")} (${os.cpus().length} cores)`
  ].join("\n")
)
