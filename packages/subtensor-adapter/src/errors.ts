import { Schema } from "effect"

// Schema classes rather than Data ones: a read on a worker thread (see ChainReader) sends its
// failure back to the caller's thread, which rebuilds the same typed error from it.

/** The node could not be reached, or stopped answering. */
export class SubtensorUnreachable extends Schema.TaggedError<SubtensorUnreachable>()("SubtensorUnreachable", {
  endpoint: Schema.String,
  reason: Schema.Literal("refused", "timeout", "closed"),
  detail: Schema.String
}) {
  override get message(): string {
    return `Cannot read the chain at ${this.endpoint}: ${this.detail}. Check the node is up and reachable, or point --subtensor.network / --subtensor.chain_endpoint at another one.`
  }
}

/** The node answered a call with a JSON-RPC error. */
export class SubtensorRpcFailed extends Schema.TaggedError<SubtensorRpcFailed>()("SubtensorRpcFailed", {
  endpoint: Schema.String,
  method: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `The node at ${this.endpoint} refused ${this.method}: ${this.detail}`
  }
}

/**
 * The chain's runtime lacks a runtime API, a method, or a field of its answer that the
 * reader needs (or has it in a shape the reader cannot use).
 */
export class UnsupportedRuntime extends Schema.TaggedError<UnsupportedRuntime>()("UnsupportedRuntime", {
  api: Schema.String,
  method: Schema.String,
  /** The missing or changed field, dotted from the method's answer (`axon_info.ip`); absent when the method itself is. */
  field: Schema.optional(Schema.String),
  specVersion: Schema.Number,
  detail: Schema.String
}) {
  override get message(): string {
    const where = this.field === undefined ? `${this.api}.${this.method}` : `field ${this.field} of ${this.api}.${this.method}`
    return `The chain's runtime (spec version ${this.specVersion}) cannot be read: ${where} ${this.detail}. This program needs an update for that runtime; meanwhile pass --metagraph FILE.`
  }
}

/** No subnet with this netuid exists at the block read. */
export class SubnetNotFound extends Schema.TaggedError<SubnetNotFound>()("SubnetNotFound", {
  netuid: Schema.Number,
  block: Schema.Number,
  chain: Schema.String
}) {
  override get message(): string {
    return `Subnet ${this.netuid} does not exist on ${this.chain} (block ${this.block}). Check --netuid (Gittensor is 74) and --subtensor.network.`
  }
}

/** The two answers read at one block disagree, so neither can be trusted. */
export class InconsistentMetagraph extends Schema.TaggedError<InconsistentMetagraph>()("InconsistentMetagraph", {
  netuid: Schema.Number,
  block: Schema.Number,
  detail: Schema.String
}) {
  override get message(): string {
    return `The chain's answers for subnet ${this.netuid} at block ${this.block} disagree: ${this.detail}. Try again, or another node.`
  }
}

/** The node serves another chain than the network named. */
export class WrongNetwork extends Schema.TaggedError<WrongNetwork>()("WrongNetwork", {
  network: Schema.String,
  endpoint: Schema.String,
  expected: Schema.String,
  actual: Schema.String
}) {
  override get message(): string {
    return `The node at ${this.endpoint} is not on ${this.network}: its genesis hash is ${this.actual}, ${this.network}'s is ${this.expected}. Name the network that node serves with --subtensor.network, or drop --subtensor.network to read it as it is.`
  }
}

/** Bytes from the node that do not decode as the runtime's own types say they should. */
export class UndecodableChainData extends Schema.TaggedError<UndecodableChainData>()("UndecodableChainData", {
  what: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `The node's answer to ${this.what} cannot be decoded: ${this.detail}`
  }
}

/** Every way a chain read can fail, as a schema (to carry one across threads). */
export const SubtensorError = Schema.Union(
  SubtensorUnreachable,
  SubtensorRpcFailed,
  UnsupportedRuntime,
  SubnetNotFound,
  InconsistentMetagraph,
  WrongNetwork,
  UndecodableChainData
)

/** Every way a chain read can fail. */
export type SubtensorError = typeof SubtensorError.Type
