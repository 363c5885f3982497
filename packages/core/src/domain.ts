import { Schema } from "effect"

/** A neuron's index in the subnet's metagraph. */
export const Uid = Schema.Int.pipe(Schema.nonNegative(), Schema.brand("Uid"))
export type Uid = typeof Uid.Type

/** An ss58-encoded hotkey address. */
export const Hotkey = Schema.NonEmptyTrimmedString.pipe(Schema.brand("Hotkey"))
export type Hotkey = typeof Hotkey.Type

/** GitHub's numeric user id, held as its decimal string (`String(id)`). */
export const GitHubId = Schema.NonEmptyString.pipe(Schema.brand("GitHubId"))
export type GitHubId = typeof GitHubId.Type

/** A GitHub personal access token; `Redacted` so that it cannot be logged by accident. */
export const Pat = Schema.Redacted(Schema.String)
export type Pat = typeof Pat.Type

/** One miner's stored token, keyed by uid. `storedAt` is the ISO-8601 UTC text as written. */
export class PatEntry extends Schema.Class<PatEntry>("PatEntry")({
  uid: Uid,
  hotkey: Hotkey,
  pat: Pat,
  githubId: GitHubId,
  storedAt: Schema.String
}) {}

/** A neuron as the metagraph snapshot describes it (docs/metagraph.md, "The snapshot file"). */
export class Neuron extends Schema.Class<Neuron>("Neuron")({
  uid: Uid,
  hotkey: Hotkey,
  stake: Schema.Number,
  validatorTrust: Schema.Number,
  axon: Schema.Struct({ ip: Schema.String, port: Schema.Int })
}) {}
