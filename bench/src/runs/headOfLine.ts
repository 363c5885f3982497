import { Effect } from "effect"
import { benchMain } from "../benchMain.js"
import { benchOptions } from "../options.js"
import { headOfLineSettings, measureHeadOfLine, prepareHeadOfLine } from "../points/headOfLinePoint.js"
import { repeatPoint } from "../stats.js"
import { markdownTable } from "../summary.js"
import { makeWorld, startValidatorIn, warmUp } from "../world.js"

// Issue 9 item 2 (head-of-line): many checks stuck on a hanging GitHub token must not slow
// the healthy checks running beside them. Healthy latency is reported against L, and
// beside the same stream's latency with nothing stuck.
const options = benchOptions()
const settings = headOfLineSettings(options.quick)

const program = Effect.gen(function* () {
  const world = yield* makeWorld()
  const validator = yield* startValidatorIn(world)
  yield* prepareHeadOfLine(world, settings)
  yield* warmUp(world, validator)
  return { options, ...(yield* repeatPoint(options.runs, () => measureHeadOfLine(world, validator, settings))) }
})

benchMain("head-of-line", program, (figures) =>
  markdownTable([figures], {
    stuck: "stuck checks",
    stuckInconclusive: "stuck → inconclusive",
    stuckMaxMs: "stuck max ms",
    aloneP50: "alone p50 ms",
    aloneP99: "alone p99 ms",
    healthyPerSecond: "healthy req/s",
    healthyP50: "healthy p50 ms",
    healthyP99: "healthy p99 ms",
    p50OverL: "p50 / L",
    p99OverL: "p99 / L",
    healthyErrors: "healthy errors"
  })
)
