import { Pat } from "@gittensor-pat/core"
import { Option, Schema } from "effect"

/** The routes this subnet's axon serves; each is also the synapse's `name`. */
export const SynapseName = Schema.Literal("PatBroadcastSynapse", "PatCheckSynapse")
export type SynapseName = typeof SynapseName.Type

/**
 * An integer as JSON carries it. Nonces are nanosecond timestamps (> 2^53), so this
 * accepts integers beyond the safe range; their exact value travels in the headers.
 */
const WireInteger = Schema.Number.pipe(
  Schema.filter((n) => Number.isInteger(n) || "expected an integer")
)

/** A field pydantic declares `Optional[...] = None`: null or absent decodes to null. */
const nullable = <A, I>(schema: Schema.Schema<A, I>) =>
  Schema.optionalWith(Schema.NullOr(schema), { default: () => null })

/** One end of a call (`bittensor.TerminalInfo`): who, where, and how it went. */
export const TerminalInfo = Schema.Struct({
  status_code: nullable(Schema.Int),
  status_message: nullable(Schema.String),
  process_time: nullable(Schema.Number),
  ip: nullable(Schema.String),
  port: nullable(Schema.Int),
  version: nullable(Schema.Int),
  nonce: nullable(WireInteger),
  uuid: nullable(Schema.String),
  hotkey: nullable(Schema.String),
  signature: nullable(Schema.String)
})
export type TerminalInfo = typeof TerminalInfo.Type

/** A terminal with every field unset, as pydantic's `TerminalInfo()`. */
export const emptyTerminal: TerminalInfo = TerminalInfo.make({})

/**
 * The fields every `bittensor.Synapse` carries, with pydantic's defaults. Python's model
 * validator overwrites `name` with the class name whatever the input says; so do we.
 */
const baseFields = <N extends SynapseName>(name: N) => ({
  name: Schema.optionalToRequired(Schema.NullOr(Schema.String), Schema.Literal(name), {
    decode: () => name,
    encode: (value) => Option.some(value)
  }).pipe(Schema.withConstructorDefault(() => name)),
  timeout: Schema.optionalWith(Schema.NullOr(Schema.Number), { default: () => 12 }),
  total_size: Schema.optionalWith(Schema.NullOr(Schema.Int), { default: () => 0 }),
  header_size: Schema.optionalWith(Schema.NullOr(Schema.Int), { default: () => 0 }),
  dendrite: Schema.optionalWith(Schema.NullOr(TerminalInfo), { default: () => emptyTerminal }),
  axon: Schema.optionalWith(Schema.NullOr(TerminalInfo), { default: () => emptyTerminal }),
  computed_body_hash: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => "" })
})

/**
 * A miner pushes its GitHub token (`github_access_token`, kept `Redacted`); the validator
 * answers `accepted` / `rejection_reason` and returns the token field as "".
 */
export class PatBroadcastSynapse extends Schema.Class<PatBroadcastSynapse>("PatBroadcastSynapse")({
  ...baseFields("PatBroadcastSynapse"),
  github_access_token: Pat,
  accepted: nullable(Schema.Boolean),
  rejection_reason: nullable(Schema.String)
}) {}

/** A miner asks whether the validator holds a working token for it. */
export class PatCheckSynapse extends Schema.Class<PatCheckSynapse>("PatCheckSynapse")({
  ...baseFields("PatCheckSynapse"),
  has_pat: nullable(Schema.Boolean),
  pat_valid: nullable(Schema.Boolean),
  rejection_reason: nullable(Schema.String)
}) {}
