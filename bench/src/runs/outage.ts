import { Effect } from "effect"
import { benchMain } from "../benchMain.js"
import { benchOptions } from "../options.js"
import { measureOutage, outageSettings, prepareOutage, scriptedOutages } from "../points/outagePoint.js"
import { freePort } from "../ports.js"
import { repeatPoint } from "../stats.js"
import { markdownTable } from "../summary.js"
import { makeWorld, startValidatorIn } from "../world.js"

// Issue 9 item 3: with GitHub hanging, failing with 503, or refusing connections, every
// check must still be answered (inconclusive) before the caller's timeout.
const options = benchOptions()
const settings = outageSettings(options.quick)

const program = Effect.gen(function* () {
  const world = yield* makeWorld()
  const scripted = yield* Effect.scoped(
    Effect.gen(function* () {
      const validator = yield* startValidatorIn(world)
      return yield* Effect.forEach(scriptedOutages, ({ mode, behaviour }) =>
        Effect.zipRight(
          prepareOutage(world, settings, behaviour),
          repeatPoint(options.runs, () => measureOutage(world, validator, mode, settings))
        )
      )
    })
  )
  // Nothing listens on a port that was just free, so every GitHub call is refused. The
  // first validator has stopped by now and released the store's writer lock.
  const closedPort = yield* freePort
  const refused = yield* Effect.scoped(
    Effect.flatMap(
      startValidatorIn(world, { githubUrl: `http://127.0.0.1:${closedPort}`, logFile: `${world.dir}/validator-refused.log` }),
      (validator) => repeatPoint(options.runs, () => measureOutage(world, validator, "connection refused", settings))
    )
  )
  return { options, ...settings, modes: [...scripted, refused] }
})

benchMain("outage", program, ({ modes }) =>
  markdownTable(modes, {
    mode: "GitHub",
    checks: "concurrent checks",
    answeredPct: "answered before timeout %",
    inconclusivePct: "inconclusive %",
    p50: "p50 ms",
    slowestMs: "slowest ms",
    timeoutMs: "timeout ms"
  })
)
