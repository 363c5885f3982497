import { randomUUID } from "node:crypto"
import * as Http from "node:http"
import { HttpMiddleware, type HttpServerError } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { DENDRITE_VERSION, type Keypair, NonceWindow, type NonceWindowOptions } from "@gittensor-pat/axon"
import type { GitHub, Metagraph, PatStore } from "@gittensor-pat/core"
import { Context, Duration, Effect, Layer, type Scope } from "effect"
import * as Admission from "./Admission.js"
import { makeApp } from "./app.js"
import { answerClientErrors, lacksHost, refuseHostless, serverOptions } from "./clientErrors.js"
import * as Drain from "./Drain.js"
import * as FrontDoor from "./frontDoor.js"
import * as Metrics from "./Metrics.js"
import * as ObservedGitHub from "./ObservedGitHub.js"
import * as RateLimiter from "./RateLimiter.js"
import { dropUnreadBody, LEFTOVER_BODY_MS } from "./readBody.js"
import { makeSynapseListener } from "./synapseHandler.js"
import { synapseOf } from "./wire.js"

/** How to run a validator in-process. */
export interface ValidatorOptions {
  /** The validator's hotkey: dendrites sign for it, and it is the `axon.hotkey` of answers. */
  readonly keypair: Keypair
  /** Default 127.0.0.1. */
  readonly host?: string
  /** Default 0: a free port, read back from `RunningValidator.port`. */
  readonly port?: number
  /** Pipelines at once (default 2048). */
  readonly maxConcurrency?: number
  /** Requests per minute per hotkey (default 30; 0 = off). */
  readonly rateLimit?: number
  /**
   * How long shutdown waits for requests in flight (default 10 s); GitHub calls still running
   * near its end are cut short as transient, so those requests get their answer within it.
   * Store writes are always awaited.
   */
  readonly shutdownGrace?: Duration.DurationInput
  /** How the replay window is sized (default: `NonceWindow`'s); tests shrink `maxKeys`. */
  readonly nonceWindow?: NonceWindowOptions
}

/** A validator that is serving. It stops (gracefully) when its scope closes. */
export interface RunningValidator {
  /** `http://host:port` */
  readonly url: string
  readonly host: string
  readonly port: number
  /** The ss58 address dendrites must sign for (`bt_header_axon_hotkey`). */
  readonly hotkey: string
}

/** The ports a validator is composed from; the caller provides them. */
export type ValidatorPorts = GitHub | PatStore | Metagraph

// The validator's own services; the GitHub and store ports are decorated for metrics and drain.
const servicesLayer = (options: ValidatorOptions) => {
  const own = Layer.mergeAll(
    NonceWindow.layerMetagraph(options.nonceWindow),
    RateLimiter.layer({ perMinute: options.rateLimit ?? 30 }),
    Admission.layer({ maxConcurrency: options.maxConcurrency ?? 2048 }),
    Metrics.layer,
    Drain.layer
  )
  return Layer.mergeAll(ObservedGitHub.layer, Drain.trackWrites).pipe(Layer.provideMerge(own))
}

/**
 * Starts a validator on `host:port` over the ports in context. Request signatures are
 * verified on an `Sr25519Verifier`'s threads if the context holds one, else on the main
 * thread. When the scope closes it drains: refuses new requests, finishes those in flight
 * (up to `shutdownGrace`), waits for every store write, then closes its connections.
 */
export const startValidator = (
  options: ValidatorOptions
): Effect.Effect<RunningValidator, HttpServerError.ServeError, Scope.Scope | ValidatorPorts> =>
  Effect.gen(function* () {
    const host = options.host ?? "127.0.0.1"
    const node = Http.createServer(serverOptions)
    const services = yield* Layer.build(servicesLayer(options))
    // Node's default backlog (511) overflows when a burst of callers connect at once; the
    // dropped SYNs are retried 1 s, 3 s later, time the caller's timeout counts and we
    // cannot see. The kernel caps it at net.core.somaxconn.
    const server = yield* NodeHttpServer.make(() => node, { host, port: options.port ?? 0, backlog: 4096 })
    const port = server.address._tag === "TcpAddress" ? server.address.port : 0
    const self = { hotkey: options.keypair.address, ip: host, port, version: DENDRITE_VERSION, uuid: randomUUID() }
    // No tracer is exported, so spans would only cost allocations on every request.
    const routes = yield* NodeHttpServer.makeHandler(makeApp(self)).pipe(
      Effect.provide(services),
      HttpMiddleware.withTracerDisabledWhenEffect(() => true),
      Effect.withTracerEnabled(false)
    )
    // The synapses skip the platform's router and response layers: on a request's path they
    // cost more than the checks themselves.
    const synapses = yield* makeSynapseListener({ self, rateLimit: options.rateLimit ?? 30 }).pipe(
      Effect.provide(services)
    )
    const listener = (request: Http.IncomingMessage, response: Http.ServerResponse) => {
      if (lacksHost(request)) return refuseHostless(response, self)
      // Whatever of a body its answer did not wait for (a refusal on the headers, a route
      // that reads none) gets a few seconds more, then its connection closes.
      response.once("finish", () => dropUnreadBody(request, Date.now() + LEFTOVER_BODY_MS))
      const name = synapseOf(request)
      if (name === undefined) routes(request, response)
      else synapses(name, request, response)
    }
    node.on("request", listener)
    yield* Effect.addFinalizer(() => Effect.sync(() => node.off("request", listener)))
    yield* FrontDoor.guard(node, { self }).pipe(Effect.provide(services))
    yield* answerClientErrors(node, self)
    const drain = Context.get(services, Drain.Drain)
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
        node.closeAllConnections()
        yield* Effect.logInfo("stopped")
      })
    )
    return { url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`, host, port, hotkey: options.keypair.address }
  })
