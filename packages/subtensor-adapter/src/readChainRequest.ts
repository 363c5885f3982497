import { Duration, Schema } from "effect"
import { SubtensorError } from "./errors.js"
import { SubtensorNetworks } from "./networks.js"
import { type ChainReadOptions, ChainSnapshot } from "./readChainMetagraph.js"

/** One chain read asked of the reading thread (see `ChainReader`); its answer and failure cross back typed. */
export class ReadChain extends Schema.TaggedRequest<ReadChain>()("ReadChain", {
  failure: SubtensorError,
  success: ChainSnapshot,
  payload: {
    endpoint: Schema.String,
    network: Schema.Option(Schema.Literal(...SubtensorNetworks)),
    netuid: Schema.Int,
    timeoutMillis: Schema.optional(Schema.Number)
  }
}) {}

/** The request for `options`. */
export const readChainRequest = (options: ChainReadOptions): ReadChain =>
  new ReadChain({
    endpoint: options.target.endpoint,
    network: options.target.network,
    netuid: options.netuid,
    ...(options.timeout === undefined ? {} : { timeoutMillis: Duration.toMillis(options.timeout) })
  })

/** The read options a request stands for. */
export const readOptionsOf = (request: ReadChain): ChainReadOptions => ({
  target: { endpoint: request.endpoint, network: request.network },
  netuid: request.netuid,
  ...(request.timeoutMillis === undefined ? {} : { timeout: Duration.millis(request.timeoutMillis) })
})
