import { Schema } from "effect"

/** One stream of requests: a set of closed-loop workers sending one synapse. */
export const LoadGroup = Schema.Struct({
  synapse: Schema.Literal("PatCheckSynapse", "PatBroadcastSynapse"),
  /** Miner indices (see `fixture.ts`); worker `w` always speaks as `miners[w % length]`. */
  miners: Schema.Array(Schema.Int),
  concurrency: Schema.Int,
  /** Stop after this many requests in the group… */
  maxRequests: Schema.Int,
  /** …or once this long has passed since the group started, whichever comes first. */
  durationMs: Schema.Number,
  /** The synapse's `timeout` header; the worker gives up after it, as a dendrite does. */
  timeoutSeconds: Schema.Number,
  startAfterMs: Schema.optionalWith(Schema.Number, { default: () => 0 }),
  /** A worker sends at most once per this many milliseconds (0: again as soon as it has its answer). */
  intervalMs: Schema.optionalWith(Schema.Number, { default: () => 0 }),
  /** Broadcasts: a worker's n-th broadcast sends token variant `n % tokenVariants`. */
  tokenVariants: Schema.optionalWith(Schema.Int, { default: () => 1 }),
  /** A worker stops at its first transport failure (the soak kills the validator mid-run). */
  stopOnFailure: Schema.optionalWith(Schema.Boolean, { default: () => false })
})
export type LoadGroup = typeof LoadGroup.Type

/** What the load generator process is asked to do (its first argument, a JSON file). */
export const LoadSpec = Schema.Struct({
  target: Schema.Struct({ host: Schema.String, port: Schema.Int, hotkey: Schema.String }),
  groups: Schema.Array(LoadGroup)
})
export type LoadSpec = typeof LoadSpec.Type

/**
 * One request's ending, compact because runs hold tens of thousands:
 * `[group, miner, outcome, milliseconds, token variant]`, `outcome` as `CallResult` says.
 */
export const LoadRecord = Schema.Tuple(Schema.Int, Schema.Int, Schema.String, Schema.Number, Schema.Int)
export type LoadRecord = typeof LoadRecord.Type

/** What the load generator writes back (its second argument, a JSON file). */
export const LoadReport = Schema.Struct({
  /** Milliseconds from the first request to the last answer, per group. */
  elapsedMs: Schema.Array(Schema.Number),
  /** CPU (user + system) the load generator itself spent on the spec, in milliseconds. */
  cpuMs: Schema.Number,
  records: Schema.Array(LoadRecord),
  /** How the requests were signed ahead of their sending (see `loadgen/presign.ts`). */
  signing: Schema.Struct({
    /** Signatures made, thrown-away stale ones included. */
    signatures: Schema.Number,
    /** Requests that waited for their signature (none ready, or it was stale). */
    waited: Schema.Number,
    /** Signatures thrown away as too old when wanted. */
    resigned: Schema.Number,
    /** Nonce age when handed to the socket, ms: median, 99th percentile, largest. */
    nonceAgeP50: Schema.Number,
    nonceAgeP99: Schema.Number,
    nonceAgeMax: Schema.Number
  })
})
export type LoadReport = typeof LoadReport.Type
