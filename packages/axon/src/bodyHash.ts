import { createHash } from "node:crypto"

const sha3 = (text: string): string => createHash("sha3-256").update(text, "utf8").digest("hex")

/**
 * The synapse body hash as Bittensor computes it: SHA3-256 of the concatenated SHA3-256
 * hex digests of the declared hash fields' values (Python's `str(value)`), in order.
 */
export const bodyHash = (hashedValues: ReadonlyArray<string> = []): string =>
  sha3(hashedValues.map(sha3).join(""))

/**
 * The body hash of `PatBroadcastSynapse` and `PatCheckSynapse`: neither declares hash
 * fields, so it is SHA3-256 of the empty string.
 */
export const EMPTY_BODY_HASH: string = bodyHash()
