import { HttpRouter } from "@effect/platform"
import { Effect } from "effect"
import { healthz, metricsText } from "./health.js"
import { Refusals } from "./refusals.js"
import { type AxonSelf, refusalResponse } from "./answer.js"

/**
 * The validator's routes besides the synapses (see `synapseRoute`): `/healthz` and
 * `/metrics`. Anything else is a JSON 404 with the axon headers, as a dendrite expects of
 * every answer.
 */
export const makeApp = (self: AxonSelf) =>
  HttpRouter.empty.pipe(
    HttpRouter.get("/healthz", healthz),
    HttpRouter.get("/metrics", metricsText),
    Effect.catchTag("RouteNotFound", () =>
      Effect.succeed(refusalResponse(self, Refusals.notFound))
    )
  )
