import type { IncomingMessage } from "node:http"
import { EMPTY_BODY_HASH, type NonceWindow, type RequestHeaders, type SignedRequest } from "@gittensor-pat/axon"
import { Effect, Either, Option } from "effect"
import type { Arrival, Registered } from "./arrival.js"
import { readBody, refuseDeclaredTooLarge } from "./body.js"
import { effectiveTimeoutSeconds } from "./budget.js"
import { type DecodedSynapse, decodeSynapse } from "./decode.js"
import type { RateLimiter } from "./RateLimiter.js"
import { type Refusal, Refusals } from "./refusals.js"

/** A request that passed every check before admission. */
export type CheckedRequest = DecodedSynapse & {
  readonly arrival: Arrival
  readonly caller: Registered
  /** The headers as read: what the caller says of itself, echoed in the answer. */
  readonly headers: RequestHeaders
}

const required = <A>(value: A | undefined, status: 400 | 401, header: string): Effect.Effect<A, Refusal> =>
  value === undefined ? Effect.fail(Refusals.missingHeader(status, header)) : Effect.succeed(value)

/** What the checks run on: the server's services, resolved once rather than per request. */
export interface CheckServices {
  readonly axonHotkey: string
  readonly rateLimit: number
  readonly nonces: NonceWindow["Type"]
  readonly limiter: RateLimiter["Type"]
  /** Whether the request is signed by its dendrite hotkey (docs/protocol.md, "Signature"). */
  readonly verify: (request: SignedRequest) => Effect.Effect<boolean>
}

const bodyRefusal = {
  BodyTooLargeError: () => Effect.fail(Refusals.tooLarge),
  BodyReadError: () => Effect.fail(Refusals.unreadableBody),
  BodyTimeoutError: () => Effect.fail(Refusals.bodyTimeout)
} as const

/**
 * Every check of docs/protocol.md, "Order of checks", before admission, cheapest first: declared body size (413),
 * headers, blacklist (403), signature and nonce (401), rate limit (429), then the body,
 * read only now and only until the request's deadline (408), its decode and hash (400).
 * The signature covers the headers alone, so a caller is known to be who it says before
 * anything waits for its body.
 */
export const checkRequest = (
  arrival: Arrival,
  request: IncomingMessage,
  services: CheckServices
): Effect.Effect<CheckedRequest, Refusal> =>
  Effect.gen(function* () {
    yield* Effect.mapError(refuseDeclaredTooLarge(request), () => Refusals.tooLarge)
    const headers = yield* Either.mapLeft(arrival.headers, Refusals.badHeader)
    const hotkey = yield* required(headers.dendrite.hotkey, 400, "bt_header_dendrite_hotkey")
    if (Option.isNone(arrival.caller)) return yield* Refusals.blacklisted(hotkey)
    const caller = arrival.caller.value

    const nonce = yield* required(headers.dendrite.nonce, 401, "bt_header_dendrite_nonce")
    const uuid = yield* required(headers.dendrite.uuid, 401, "bt_header_dendrite_uuid")
    const signature = yield* required(headers.dendrite.signature, 401, "bt_header_dendrite_signature")
    const bodyHash = headers.computedBodyHash ?? ""
    const signed = yield* services.verify({
      nonce,
      dendriteHotkey: hotkey,
      axonHotkey: services.axonHotkey,
      uuid,
      bodyHash,
      signature
    })
    if (!signed) return yield* Refusals.badSignature
    yield* services.nonces
      .check(hotkey, uuid, nonce, effectiveTimeoutSeconds(headers.timeout))
      .pipe(Effect.mapError(Refusals.nonce))

    if (!(yield* services.limiter.take(hotkey))) return yield* Refusals.rateLimited(services.rateLimit)

    const body = yield* readBody(request, arrival.deadline).pipe(Effect.catchTags(bodyRefusal))
    const decoded = yield* decodeSynapse(arrival.synapse, body)
    if (bodyHash !== EMPTY_BODY_HASH) return yield* Refusals.bodyHash
    return { ...decoded, arrival, caller, headers }
  })
