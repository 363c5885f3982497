import { NodeHttpClient } from "@effect/platform-node"
import * as Undici from "@effect/platform-node/Undici"
import { Effect, Layer } from "effect"

/**
 * Sockets kept per origin. The validator runs up to 256 checks at once, each with two
 * GitHub calls; past this, requests queue for a free socket instead of opening more.
 */
export const maxSockets = 1024

/**
 * One keep-alive pool for every GitHub call: at 1,500 checks/s a fresh TCP (and TLS)
 * handshake per request would cost more than GitHub's answer.
 */
export const nodeDispatcher: Layer.Layer<NodeHttpClient.Dispatcher> = Layer.scoped(
  NodeHttpClient.Dispatcher,
  Effect.acquireRelease(
    Effect.sync(
      () => new Undici.Agent({ connections: maxSockets, keepAliveTimeout: 30_000, pipelining: 1 })
    ),
    (dispatcher) => Effect.promise(() => dispatcher.destroy())
  )
)
