import { HttpRouter } from "@effect/platform"
import { Effect } from "effect"
import { healthz, metricsText } from "./health.js"
import { Refusals } from "./refusals.js"
import { type SynapseHandlerOptions, synapseHandler } from "./synapseHandler.js"
import { errorResponse } from "./wire.js"

/**
 * The validator's routes: the two synapses, `/healthz` and `/metrics`. Anything else is a
 * JSON 404 with the axon headers, as a dendrite expects of every answer.
 */
export const makeApp = (options: SynapseHandlerOptions) =>
  HttpRouter.empty.pipe(
    HttpRouter.post("/PatBroadcastSynapse", synapseHandler("PatBroadcastSynapse", options)),
    HttpRouter.post("/PatCheckSynapse", synapseHandler("PatCheckSynapse", options)),
    HttpRouter.get("/healthz", healthz),
    HttpRouter.get("/metrics", metricsText),
    Effect.catchTag("RouteNotFound", () =>
      Effect.succeed(errorResponse(options.self, Refusals.notFound.status, Refusals.notFound.message, 0, false))
    )
  )
