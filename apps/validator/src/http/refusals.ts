import type { NonceRejectedError, NonceWindowFullError } from "@gittensor-pat/axon"
import { Data } from "effect"
import { MAX_BODY_BYTES } from "./body.js"

/** A request refused before (or instead of) running its pipeline: HTTP status and message. */
export class Refusal extends Data.TaggedError("Refusal")<{
  readonly status: 400 | 401 | 403 | 404 | 408 | 413 | 417 | 429 | 500 | 503
  readonly message: string
}> {}

// A replayed or misdated nonce is the caller's fault (401); a full window clears as keys age (503).
const nonceStatus = { NonceRejectedError: 401, NonceWindowFullError: 503 } as const

/** The texts of the refusals (docs/protocol.md, "Status codes"). */
export const Refusals = {
  tooLarge: new Refusal({ status: 413, message: `Request body is larger than ${MAX_BODY_BYTES} bytes` }),
  unreadableBody: new Refusal({ status: 400, message: "Request body could not be read" }),
  bodyTimeout: new Refusal({
    status: 408,
    message: "Request body not received before the request's deadline: send the whole body with the headers"
  }),
  badHeader: (message: string) => new Refusal({ status: 400, message }),
  missingHeader: (status: 400 | 401, header: string) =>
    new Refusal({ status, message: `Missing header ${header}` }),
  blacklisted: (hotkey: string) =>
    new Refusal({ status: 403, message: `Forbidden. Key is blacklisted: Hotkey ${hotkey.slice(0, 16)}... not registered.` }),
  badSignature: new Refusal({
    status: 401,
    message: "Signature mismatch: the request is not signed by the dendrite hotkey for this validator's hotkey"
  }),
  nonce: (error: NonceRejectedError | NonceWindowFullError) => new Refusal({ status: nonceStatus[error._tag], message: error.message }),
  rateLimited: (perMinute: number) =>
    new Refusal({
      status: 429,
      message: `Rate limit exceeded: at most ${perMinute} requests per minute per hotkey; retry in a minute.`
    }),
  malformedJson: new Refusal({ status: 400, message: "Malformed JSON body" }),
  badFields: (paths: string) => new Refusal({ status: 400, message: `Invalid synapse body: wrong type at ${paths}` }),
  bodyHash: new Refusal({
    status: 400,
    message: "Body hash mismatch: computed_body_hash must be the SHA3-256 of the synapse's (empty) hash fields"
  }),
  shed: new Refusal({
    status: 503,
    message: "Validator at capacity: the request could not start before its deadline; retry shortly."
  }),
  shuttingDown: new Refusal({ status: 503, message: "Validator is shutting down; retry shortly." }),
  notFound: new Refusal({ status: 404, message: "Not Found" }),
  hostless: new Refusal({ status: 400, message: "Missing Host header: an HTTP/1.1 request must send one" }),
  unknownExpectation: new Refusal({ status: 417, message: "Unsupported Expect header: only 100-continue is understood" }),
  // A defect is a bug, but the caller still gets JSON rather than a hang.
  internal: new Refusal({ status: 500, message: "Internal error" })
} as const
