import { randomUUID } from "node:crypto"
import * as Http from "node:http"
import { HttpMiddleware, type HttpServerError } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { DENDRITE_VERSION, type Keypair } from "@gittensor-pat/axon"
import { Duration, Effect, type Scope } from "effect"
import { Drain } from "../ops/Drain.js"
import { answerClientErrors, lacksHost, refuseHostless, serverOptions } from "./clientErrors.js"
import { dropUnreadBody, LEFTOVER_BODY_MS } from "./body.js"
import { synapseOf } from "./answer.js"
import { makeApp } from "./opsRoutes.js"
import { makeSynapseRoute, type SynapseServices } from "./synapseRoute.js"

/** Where and as whom the server listens. */
export interface ServerOptions {
  /** The validator's hotkey: dendrites sign for it, and it is the `axon.hotkey` of answers. */
  readonly keypair: Keypair
  /** Default 127.0.0.1. */
  readonly host?: string
  /** Default 0: a free port, read back from `ServerAddress.port`. */
  readonly port?: number
  /** Requests per minute per hotkey the rate limiter allows, for its refusals' text. */
  readonly rateLimit: number
  /**
   * How long shutdown waits for requests in flight (default 10 s); GitHub calls still running
   * near its end are cut short as transient, so those requests get their answer within it.
   * Store writes are always awaited.
   */
  readonly shutdownGrace?: Duration.DurationInput
}

/** A server that is listening. */
export interface ServerAddress {
  /** `http://host:port` */
  readonly url: string
  readonly host: string
  readonly port: number
  /** The ss58 address dendrites must sign for (`bt_header_axon_hotkey`). */
  readonly hotkey: string
}

/**
 * Serves the synapse routes and the ops routes on `host:port` until the scope closes, then
 * drains: refuses new requests, answers those in flight (within the grace), waits for every
 * store write, and closes its connections.
 */
export const serve = (
  options: ServerOptions
): Effect.Effect<ServerAddress, HttpServerError.ServeError, Scope.Scope | SynapseServices> =>
  Effect.gen(function* () {
    const host = options.host ?? "127.0.0.1"
    const node = Http.createServer(serverOptions)
    // Node's default backlog (511) overflows when a burst of callers connect at once; the
    // dropped SYNs are retried 1 s, 3 s later, time the caller's timeout counts and we
    // cannot see. The kernel caps it at net.core.somaxconn.
    const server = yield* NodeHttpServer.make(() => node, { host, port: options.port ?? 0, backlog: 4096 })
    const port = server.address._tag === "TcpAddress" ? server.address.port : 0
    const self = { hotkey: options.keypair.address, ip: host, port, version: DENDRITE_VERSION, uuid: randomUUID() }
    // No tracer is exported, so spans would only cost allocations on every request.
    const routes = yield* NodeHttpServer.makeHandler(makeApp(self)).pipe(
      HttpMiddleware.withTracerDisabledWhenEffect(() => true),
      Effect.withTracerEnabled(false)
    )
    // The synapses skip the platform's router and response layers: on a request's path they
    // cost more than the checks themselves.
    const synapses = yield* makeSynapseRoute({ self, rateLimit: options.rateLimit })
    const listener = (request: Http.IncomingMessage, response: Http.ServerResponse) => {
      // Read in Node's request event: the caller's timeout runs from when it sent the request.
      const startedMs = performance.now()
      const arrivedAt = Date.now()
      if (lacksHost(request)) return refuseHostless(response, self)
      // Whatever of a body its answer did not wait for (a refusal on the headers, a route
      // that reads none) gets a few seconds more, then its connection closes.
      response.once("finish", () => dropUnreadBody(request, Date.now() + LEFTOVER_BODY_MS))
      const name = synapseOf(request)
      if (name === undefined) routes(request, response)
      else synapses(name, request, response, arrivedAt, startedMs)
    }
    node.on("request", listener)
    yield* answerClientErrors(node, self)
    const drain = yield* Drain
    yield* Effect.addFinalizer(() =>
      Effect.gen(function* () {
        yield* Effect.logInfo("shutting down: no new requests; finishing those in flight")
        node.close()
        const { unfinishedRequests } = yield* drain.drain(options.shutdownGrace ?? Duration.seconds(10))
        if (unfinishedRequests > 0) {
          yield* Effect.logWarning("shutdown: requests still in flight after the grace period were cut").pipe(
            Effect.annotateLogs({ unfinished: unfinishedRequests })
          )
        }
        node.off("request", listener)
        node.closeAllConnections()
        yield* Effect.logInfo("stopped")
      })
    )
    return { url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`, host, port, hotkey: options.keypair.address }
  })

