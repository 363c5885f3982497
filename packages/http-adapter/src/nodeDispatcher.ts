import { NodeHttpClient } from "@effect/platform-node"
import * as Undici from "@effect/platform-node/Undici"
import { Effect, Layer } from "effect"

/**
 * One keep-alive pool for every GitHub call: at 1,500 checks/s a fresh TCP (and TLS)
 * handshake per request would cost more than GitHub's answer.
 */
export const nodeDispatcher: Layer.Layer<NodeHttpClient.Dispatcher> = Layer.scoped(
  NodeHttpClient.Dispatcher,
  Effect.acquireRelease(
    Effect.sync(
      // No cap on sockets: a hanging GitHub holds each of its calls' sockets until the
      // deadline, and with a cap (1,024) the 2,000 calls of 1,000 stuck checks made every
      // healthy call queue behind them for ~10 s. Admission (--max-concurrency, two calls
      // per pipeline) already bounds how many are in flight.
      () => new Undici.Agent({ connections: null, keepAliveTimeout: 30_000, pipelining: 1 })
    ),
    (dispatcher) => Effect.promise(() => dispatcher.destroy())
  )
)
